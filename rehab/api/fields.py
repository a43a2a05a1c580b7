"""Serializer fields the apps' serializers share: a safe slug lookup and the `access` field that
says which view of an object (clinical or summary) the caller got."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator


class SlugRelatedField(serializers.SlugRelatedField):  # noqa: TID251 (the one use)
    """DRF's slug lookup, refusing what PostgreSQL cannot compare before it asks: a NUL byte or a
    lone surrogate in the slug was a database error and a 500 (found by fuzzing:
    ``username=%00%7C`` on /api/v1/care-team-members/). The refusal is the same 400 field error
    DRF's character fields give."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            for validator in (
                ProhibitNullCharactersValidator(),
                ProhibitSurrogateCharactersValidator(),
            ):
                try:
                    validator(data)
                except DjangoValidationError as error:
                    raise serializers.ValidationError(error.messages) from None
        return super().to_internal_value(data)


def access_field(value: str, description: str) -> serializers.Field:
    """A read-only constant that says which view of the object the caller got."""

    # A pattern rather than a one-value enum: it tells the two views apart in `oneOf`.
    @extend_schema_field({"type": "string", "pattern": f"^{value}$", "description": description})
    class AccessField(serializers.Field):
        def __init__(self):
            super().__init__(read_only=True, source="*")

        def to_representation(self, _obj) -> str:
            return value

    return AccessField()


def clinical_access() -> serializers.Field:
    return access_field("clinical", "The full view: the caller may see clinical data on this case.")


def summary_access() -> serializers.Field:
    return access_field(
        "summary",
        "The summary view: clinical fields are left out for this caller's role on the case.",
    )
