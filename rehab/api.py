"""What every endpoint of the REST API shares: the router, permissions, pagination, the schema.

The viewsets live in their apps (`athletes/api.py`, `protocols/api.py`,
`monitoring/api.py`); `rehab/api_urls.py` registers them on `router` under /api/v1/.

Deny by default: every request must be authenticated, every queryset is scoped to the caller's
cases (`athletes.api_scopes`), so a foreign object is a 404; a case the caller is on but may not
act on in this way is a 403, decided by the `athletes.permissions` predicates. Every error body
has the same shape, `{"detail": ..., "errors": {...}}` (see `rehab.errors`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField as IsoDateTimeFieldBase
from django_otp import user_has_device
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from athletes.api_scopes import ApiScope, scope_for
from rehab.db import MAX_ID
from rehab.errors import ApplicationError


class Router(DefaultRouter):
    """DRF's router, but an object's id in a path is ASCII digits: its default (anything but a
    slash or a dot) let ``/cases/１/`` (a full-width one) reach case 1 through ``int()``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"  # a viewset's lookup_value_regex still wins


router = Router()
"""/api/v1/: every viewset is registered here by `rehab.api_urls`."""


# --- filters ------------------------------------------------------------------------------------

MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)
"""PostgreSQL's widest time zone offset: a larger one must be a 400, not a database error."""


class IsoDateTimeField(IsoDateTimeFieldBase):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError("The time zone offset must be within ±15:59.")
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("The date and time are out of range.") from None
        return value


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """django-filter's ISO 8601 filter, refusing what PostgreSQL cannot store (found by fuzzing:
    ``updated_after=3336-07-06T04:47:03+16:17`` was a 500)."""

    field_class = IsoDateTimeField


# --- serializer fields --------------------------------------------------------------------------


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


# --- pagination ---------------------------------------------------------------------------------


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`: 100 rows a page by default, at most 1,000."""

    default_limit = 100
    max_limit = 1000


# --- permissions --------------------------------------------------------------------------------


class CasePredicate(permissions.BasePermission):
    """Object-level: the action's predicate (`view.action_predicates`) must hold on the case.

    The object was found in the caller's scope, so they are on its case: refusing here is a 403
    (they may see it, not do this to it), never a hint about cases they are not on.
    """

    message = "Your role on this case does not allow this."

    def has_object_permission(self, request, view, obj) -> bool:
        predicate = getattr(view, "action_predicates", {}).get(view.action)
        if predicate is None:
            return True
        return view.scope.allows(predicate, view.case_id_of(obj))


class ScopedViewMixin:
    """Gives a viewset the caller's `ApiScope` (their cases, loaded once per request)."""

    action_predicates: Mapping[str, Callable[..., bool]] = {}
    permission_classes = [permissions.IsAuthenticated, CasePredicate]
    pagination_class = Pagination
    throttle_scope: str | None = None  # set per action, e.g. "bulk" (ScopedRateThrottle)

    @property
    def scope(self) -> ApiScope:
        return scope_for(self.request)

    def case_id_of(self, obj) -> int | None:
        return getattr(obj, "case_id", None)


# --- one object, two views: clinical and summary ------------------------------------------------


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


class ByAccessListSerializer(serializers.ListSerializer):
    """Represents each row with the clinical or the summary serializer, as the row's case allows."""

    def to_representation(self, data):
        view = self.context["view"]
        rows = data.all() if hasattr(data, "all") else data
        return [view.serializer_for(row).to_representation(row) for row in rows]


class AccessViewMixin:
    """Reads choose the clinical or the summary serializer per object (`sees_clinical`)."""

    clinical_serializer_class: type[serializers.Serializer]
    summary_serializer_class: type[serializers.Serializer]

    def sees_clinical(self, obj) -> bool:
        raise NotImplementedError

    def serializer_class_for(self, obj) -> type[serializers.Serializer]:
        if self.sees_clinical(obj):
            return self.clinical_serializer_class
        return self.summary_serializer_class

    def serializer_for(self, obj) -> serializers.Serializer:
        """An unbound serializer of the right class for `obj`, one per class and request."""
        cls = self.serializer_class_for(obj)
        cache = self.__dict__.setdefault("_serializers", {})
        if cls not in cache:
            cache[cls] = cls(context=self.get_serializer_context())
        return cache[cls]

    def represent(self, obj) -> dict[str, Any]:
        return self.serializer_for(obj).to_representation(obj)

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else kwargs.get("instance")
        if "data" in kwargs or instance is None:
            return super().get_serializer(*args, **kwargs)
        context = self.get_serializer_context()
        if kwargs.get("many"):
            return ByAccessListSerializer(
                instance, child=self.summary_serializer_class(), context=context
            )
        return self.serializer_class_for(instance)(instance, context=context)


# --- errors and bulk results in the schema ------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error: a sentence, and for bad input the messages by field (or item.field)."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Bad input only: messages by field. In bulk requests the key is "
            "`items.<index>.<field>` (index from 0)."
        ),
    )


ERROR_RESPONSES = {
    "400": "Invalid input: see `errors`, messages by field.",
    "401": "No or invalid credentials: send `Authorization: Token <key>` or log in.",
    "403": "Your role on this case does not allow this.",
    "404": "Not found, or not on a case you may see (the two are not told apart).",
    "429": "Too many requests from this account: wait for the `Retry-After` seconds.",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the shared error responses documented on every operation.

    Choice fields become named enum components here, named after the model field they come
    from (`CaseStatusEnum`, `FlagStatusEnum`) or else after their serializer: without
    that, the many `status` and `kind` fields of different models collide in
    drf-spectacular's enum naming and the schema gets hashed names (and warnings).
    """

    def get_tags(self) -> list[str]:
        """One tag per resource: the path segment after /api/v1/."""
        parts = [p for p in self.path.split("/") if p]
        if "v1" in parts and parts.index("v1") + 1 < len(parts):
            return [parts[parts.index("v1") + 1]]
        return super().get_tags()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.ChoiceField)
            and not isinstance(field, serializers.MultipleChoiceField)
            and isinstance(field.parent, serializers.BaseSerializer)  # not a query parameter
            and isinstance(schema, dict)
            and "enum" in schema
        ):
            schema = self._enum_component(field, schema)
        return schema

    def _enum_component(self, field, schema: dict) -> dict:
        values = list(schema["enum"])
        model_field = _model_field(field)
        if model_field is not None and field.read_only:
            # A read-only field is built without allow_blank / allow_null: the model says.
            if model_field.blank and "" not in values and schema.get("type") == "string":
                values.append("")
            if model_field.null and None not in values:
                values.append(None)
        enum = {"enum": [v for v in values if v not in ("", None)]}
        if "type" in schema:
            enum["type"] = schema["type"]
        rest = {k: v for k, v in schema.items() if k not in {"enum", "type", "x-spec-enum-id"}}
        description = rest.get("description", "")
        if description.startswith("*"):
            enum["description"] = rest.pop("description")
        elif "\n\n*" in description:
            text, _, choices = description.partition("\n\n*")
            rest["description"], enum["description"] = text, "*" + choices
        refs = [self._register(_enum_name(field), enum)]
        if "" in values:
            refs.append(self._register("BlankEnum", {"enum": [""]}))
        if None in values:
            refs.append(self._register("NullEnum", {"enum": [None]}))
        target = refs[0] if len(refs) == 1 else {"oneOf": refs}
        return {"allOf": [target], **rest} if rest else target

    def _register(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method != "GET" or self._is_list_view():
            codes.append("400")
        for code in sorted(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_RESPONSES[code]),
                    code,
                    direction=direction,
                )
        return responses


def _model_field(field: serializers.ChoiceField):
    """The model field a choice field stands for, if it has the same choices."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(field.source or field.field_name)
    except Exception:  # not a model field
        return None
    same = dict(model_field.choices or ()) == dict(field.choices)
    return model_field if same else None


def _enum_name(field: serializers.ChoiceField) -> str:
    model_field = _model_field(field)
    if model_field is not None:
        return f"{model_field.model.__name__}{_camel(model_field.name)}Enum"
    owner = type(field.parent).__name__.removesuffix("Serializer")
    return f"{owner}{_camel(field.field_name)}Enum"


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class BulkItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in `items`, from 0.")
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "invalid"])
    id = serializers.IntegerField(allow_null=True, help_text="The stored row; null if invalid.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For an invalid item: messages by field.",
    )


class BulkResultSerializer(serializers.Serializer):
    """What a bulk request did, item by item; `errors` uses the shared error format."""

    detail = serializers.CharField()
    created = serializers.IntegerField(min_value=0)
    updated = serializers.IntegerField(min_value=0)
    unchanged = serializers.IntegerField(min_value=0)
    invalid = serializers.IntegerField(min_value=0)
    evaluations_queued = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Cases whose evaluation was queued (once per case, only when data changed).",
    )
    results = BulkItemResultSerializer(many=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by `items.<index>.<field>`; empty when every item was valid.",
    )


# --- filters ------------------------------------------------------------------------------------


class IdField(forms.IntegerField):
    """A whole number from 1 to the largest id a row can have: anything else names no row, and
    is a 400 on every database (SQLite's driver cannot even send 2**63)."""

    default_error_messages = {
        "invalid": "Enter an id: a whole number.",
        "min_value": f"An id is from 1 to {MAX_ID}.",
        "max_value": "An id is from 1 to %(limit_value)s.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An id in the query string: a whole number from 1 to ``MAX_ID``, or a 400."""

    field_class = IdField


@extend_schema_field(OpenApiTypes.INT)
class ScopedCaseFilter(IdFilter):
    """`?case=<id>`: only a case the caller reaches; any other id matches nothing.

    With `athlete_field` it selects the rows of the case's athlete (logs, sessions and metrics
    belong to athletes, not cases).
    """

    def __init__(self, *, athlete_field: str | None = None, **kwargs):
        kwargs.setdefault("field_name", "case_id")
        kwargs.setdefault("help_text", "Only rows of this case (one of yours).")
        super().__init__(**kwargs)
        self.athlete_field = athlete_field

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        case = scope_for(self.parent.request).case(int(value))
        if case is None:
            return qs.none()
        if self.athlete_field:
            return qs.filter(**{self.athlete_field: case.athlete_id})
        return qs.filter(**{self.field_name: case.pk})


# --- tokens -------------------------------------------------------------------------------------


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


@extend_schema(
    summary="Get your API token",
    description="Exchange a username and password for the account's token (the same token "
    "every time, until an administrator revokes it). Integration accounts usually get theirs "
    "from an administrator instead (`manage.py drf_create_token <username>`). Limited to a "
    "few attempts an hour per address.",
    request=AuthTokenSerializer,
    responses={200: TokenResponseSerializer},
    tags=["auth"],
    examples=[
        OpenApiExample(
            "Credentials",
            value={"username": "dana", "password": "correct horse battery staple"},
            request_only=True,
        ),
        OpenApiExample(
            "The token",
            value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
            response_only=True,
        ),
        OpenApiExample(
            "Wrong password",
            value={
                "detail": "Invalid input.",
                "errors": {"non_field_errors": ["Unable to log in with provided credentials."]},
            },
            response_only=True,
            status_codes=["400"],
        ),
    ],
)
class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: DRF's token exchange, throttled (password guessing)."""

    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self):
        # django-axes counts failed logins and marks a lockout on the request it is handed:
        # hand it Django's own request, which its middleware then answers with a 429.
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user_has_device(user, confirmed=True):
            # A password alone must not open what two-step login protects.
            raise PermissionDenied(
                "This account uses two-step login; API tokens are for integration accounts."
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- Idempotency-Key: safe retries of writes that are not upserts -------------------------------

IDEMPOTENCY_TTL = 60 * 60 * 24

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID) of yours, up to 255 characters. Repeating the "
    "request with the same key within 24 hours returns the first answer again (with "
    "`Idempotent-Replayed: true`) instead of doing it twice; the same key with a different "
    "body is a 409.",
)
IDEMPOTENCY_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The Idempotency-Key was used with another body, or its first request is "
    "still running.",
)


def idempotent(method):
    """Replay the first successful answer to a repeated request with the same Idempotency-Key.

    Keyed by account, method, path and key, kept 24 h in the cache (Redis); only successful
    answers are kept (a refused request changed nothing, so it may be corrected and resent).
    """

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return method(self, request, *args, **kwargs)
        if not key.strip() or len(key) > 255:
            raise ApplicationError(
                "Invalid Idempotency-Key.",
                {"Idempotency-Key": "Send 1 to 255 characters, e.g. a UUID."},
            )
        digest = hashlib.sha256(key.encode()).hexdigest()
        slot = f"api:idempotency:{request.user.pk}:{request.method}:{request.path}:{digest}"
        body = json.dumps(request.data, sort_keys=True, default=str)
        fingerprint = hashlib.sha256(body.encode()).hexdigest()
        stored = cache.get(slot)
        if stored is None and not cache.add(f"{slot}:lock", 1, timeout=60):
            raise Conflict(
                "A request with this Idempotency-Key is still running; retry in a second.", wait=1
            )
        if stored is not None:
            if stored["fingerprint"] != fingerprint:
                raise Conflict("This Idempotency-Key was used with a different request body.")
            return Response(
                stored["data"], status=stored["status"], headers={"Idempotent-Replayed": "true"}
            )
        try:
            response = method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                cache.set(
                    slot,
                    {
                        "fingerprint": fingerprint,
                        "status": response.status_code,
                        "data": response.data,
                    },
                    IDEMPOTENCY_TTL,
                )
            return response
        finally:
            cache.delete(f"{slot}:lock")

    return wrapper


class Conflict(APIException):
    """409. With ``wait`` (seconds), DRF's handler sends it as ``Retry-After``."""

    status_code = 409
    default_detail = "Conflict."
    default_code = "conflict"

    def __init__(self, detail=None, code=None, wait: int | None = None):
        super().__init__(detail, code)
        self.wait = wait
