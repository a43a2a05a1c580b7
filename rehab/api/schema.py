"""The API's OpenAPI schema: the shared error responses, named enums, and the bulk result."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.settings import api_settings


class ErrorSerializer(serializers.Serializer):
    """Every error: a sentence, and for bad input the messages by field (or item.field)."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence.")
    code = serializers.CharField(
        help_text=(
            "Machine-readable: invalid, not_authenticated, authentication_failed, "
            "permission_denied, not_found, method_not_allowed, conflict, "
            "unsupported_media_type, request_too_large, throttled, server_error, unavailable."
        )
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Bad input only: messages by field. In bulk requests the key is "
            "`items.<index>.<field>` (index from 0)."
        ),
    )


ERROR_RESPONSES = {
    "400": "Invalid input, or a query parameter this endpoint does not take: see `errors`.",
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
        if isinstance(field, serializers.ListSerializer) and isinstance(schema, dict):
            if field.min_length is not None:
                schema["minItems"] = field.min_length
            if field.max_length is not None:  # a bulk body's 1,000 items
                schema["maxItems"] = field.max_length
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

    def map_parsers(self):
        """JSON bodies only, where only JSON works (nested fields, lists of items): a view that
        takes something else (a file) declares its own ``parser_classes``."""
        if self.view.parser_classes is api_settings.DEFAULT_PARSER_CLASSES:
            return ["application/json"]
        return super().map_parsers()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "429"]  # 400: also an unknown query parameter
        if "{" in self.path:
            codes.append("404")
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
    status = serializers.ChoiceField(
        choices=["created", "updated", "unchanged", "invalid", "not_found"],
        help_text=(
            "`not_found`: the item's athlete is not one you may record data for, or does not "
            "exist (the two are not told apart); not stored."
        ),
    )
    id = serializers.IntegerField(allow_null=True, help_text="The stored row; null if not stored.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For an item not stored: messages by field.",
    )
    kept = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=(
            "Daily logs: the fields whose value the athlete entered themselves and that were "
            "kept over the item's (the athlete's entry wins; yours fills only blanks and is "
            "shown to the clinician)."
        ),
    )


class BulkResultSerializer(serializers.Serializer):
    """What a bulk request did, item by item; `errors` uses the shared error format."""

    detail = serializers.CharField()
    created = serializers.IntegerField(min_value=0)
    updated = serializers.IntegerField(min_value=0)
    unchanged = serializers.IntegerField(min_value=0)
    invalid = serializers.IntegerField(
        min_value=0, help_text="Items not stored: invalid, or `not_found` (see `results`)."
    )
    evaluations_queued = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Cases whose evaluation was queued (once per case, only when data changed).",
    )
    results = BulkItemResultSerializer(many=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by `items.<index>.<field>`; empty when every item was valid.",
    )


class OAuth2Scheme(DjangoOAuthToolkitScheme):
    """The OpenAPI security scheme ``oauth2`` (client credentials) with each operation's scope:
    drf-spectacular's extension for django-oauth-toolkit, pointed at ``rehab.api_auth``'s
    subclass of its authentication."""

    target_class = "rehab.api_auth.OAuth2Authentication"

    def get_security_requirement(self, auto_schema):
        # A write no scope names is refused to every access token: no oauth2 requirement (an
        # empty list would read "any access token").
        requirement = super().get_security_requirement(auto_schema)
        if isinstance(requirement, dict) and not any(requirement.values()):
            return None
        return requirement
