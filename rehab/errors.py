"""One small domain error type that pages and the API turn into a clear 400."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from rehab.api_conventions import code_for


class ApplicationError(Exception):
    """A request that the domain refuses, with field errors a person can act on.

    ``errors`` maps a field name (or ``"__all__"``) to a list of messages.
    """

    def __init__(self, message: str, errors: Mapping[str, Sequence[str] | str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {
            key: [value] if isinstance(value, str) else list(value)
            for key, value in (errors or {}).items()
        }

    @classmethod
    def from_django(cls, exc: DjangoValidationError) -> ApplicationError:
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for e in errs for m in e.messages]
                for field, errs in exc.error_dict.items()
            }
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        return cls("Please correct the errors below.", errors)

    def add_to_form(self, form) -> None:
        """Show the errors on a Django form, field by field where the form has the field."""
        for field, messages in self.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        if not self.errors:
            form.add_error(None, self.message)


def api_exception_handler(exc, context):
    """DRF's handler, plus ApplicationError and Django's ValidationError as 400s.

    Every error body has ``detail``; bad input also has ``errors`` (field -> messages).
    """
    if isinstance(exc, DjangoValidationError):
        exc = ApplicationError.from_django(exc)
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": exc.message, "code": "invalid", "errors": exc.errors}, status=400
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "errors": flat_errors(response.data)}
    if isinstance(response.data, dict) and "code" not in response.data:
        # DRF's own code where it has one (not_authenticated, authentication_failed, throttled,
        # parse_error...); "invalid" for bad input
        code = "invalid" if isinstance(exc, drf_exceptions.ValidationError) else None
        if code is None and isinstance(exc, drf_exceptions.APIException):
            code = exc.default_code
        response.data["code"] = code or code_for(response.status_code)
    return response


def flat_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error detail as messages by field, as the API documents them: a nested field's
    messages under ``field.key`` (a list field's item: ``field.<index>``), a non-field error
    under ``non_field_errors``."""
    if isinstance(data, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in data.items():
            out.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    key = prefix or "non_field_errors"
    if isinstance(data, Sequence) and not isinstance(data, str):
        if all(isinstance(item, str) for item in data):
            return {key: [str(item) for item in data]}
        out = {}
        for index, item in enumerate(data):
            if isinstance(item, str):
                out.setdefault(key, []).append(str(item))
            elif item:  # an empty entry is a list item without errors
                out.update(flat_errors(item, f"{key}.{index}"))
        return out
    return {key: [str(data)]}
