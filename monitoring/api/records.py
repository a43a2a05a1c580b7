"""REST API of what is recorded and raised: daily logs, sessions, device metrics, assessments,
flags; and the case endpoint with its plan, open flags and FHIR export.

Writes from devices are upserts (`monitoring.ingest.bulk`): one item with `POST /<kind>/`, up to
1,000 with `POST /<kind>/bulk/`; repeating either changes nothing and says so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from athletes import api as athletes_api
from athletes import permissions
from athletes.api_scopes import ApiScope, scope_for
from athletes.models import Case
from monitoring.api import fhir
from monitoring.care import rules as care_rules
from monitoring.care import services as care_services
from monitoring.evaluation import services
from monitoring.ingest import bulk as ingest
from monitoring.models import ActivitySession, Assessment, DailyLog, DeviceMetric, Flag, Source
from monitoring.schema import LOG_FIELDS, SESSION_CLINICAL_ONLY, SESSION_FIELDS
from protocols.api import PlanRefClinicalSerializer, PlanRefSerializer
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from protocols.models import Activity, Plan
from rehab.api import (
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY,
    AccessViewMixin,
    BulkResultSerializer,
    ErrorSerializer,
    IdFilter,
    IsoDateTimeFilter,
    ScopedCaseFilter,
    ScopedViewMixin,
    clinical_access,
    idempotent,
    summary_access,
)
from rehab.errors import ApplicationError

# --- input: one item of an upsert --------------------------------------------------------------


class AwareDateTimeField(serializers.DateTimeField):
    """A date and time that must say its time zone: a wearable's clock is not the clinic's."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well formed but impossible (12:99): the parent says so
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                raise ValidationError(
                    "Give the time zone too, e.g. 2026-10-01T07:30:00+01:00 or …Z for UTC."
                )
        return super().to_internal_value(value)


class DailyLogItemSerializer(serializers.ModelSerializer):
    athlete = serializers.IntegerField(help_text="The athlete's id (GET /api/v1/athletes/).")

    class Meta:
        model = DailyLog
        fields = ["athlete", "date", *LOG_FIELDS]
        validators: list = []  # the natural key is an upsert, not a conflict


class ActivitySessionItemSerializer(serializers.ModelSerializer):
    athlete = serializers.IntegerField(help_text="The athlete's id (GET /api/v1/athletes/).")
    source = serializers.ChoiceField(
        choices=Source.choices, default=Source.DEVICE, help_text="Where the session comes from."
    )
    external_id = serializers.CharField(
        max_length=120,
        help_text="The session's id in your system; with the athlete and source it is the key "
        "that makes a repeated request change nothing.",
    )

    class Meta:
        model = ActivitySession
        fields = ["athlete", "date", "source", "external_id", *SESSION_FIELDS]
        validators: list = []


class DeviceMetricItemSerializer(serializers.Serializer):
    athlete = serializers.IntegerField(help_text="The athlete's id (GET /api/v1/athletes/).")
    metric = serializers.ChoiceField(choices=DeviceMetric.Metric.choices)
    value = serializers.FloatField(min_value=0, max_value=1e7)
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Optional; if sent, the metric's unit: "
        + ", ".join(f"{k} {v}" for k, v in DeviceMetric.UNITS.items())
        + ".",
    )
    recorded_at = AwareDateTimeField(help_text="When it was measured, with its time zone.")
    source = serializers.CharField(max_length=60, help_text="The device or service, e.g. garmin.")
    external_id = serializers.CharField(
        max_length=120,
        help_text="The sample's id at the source; source + external id is the upsert key.",
    )


def _bulk_request(item_serializer, name):
    return type(
        name,
        (serializers.Serializer,),
        {
            "items": item_serializer(
                many=True,
                help_text=f"1 to {ingest.MAX_ITEMS:,} items, each validated on its own.",
            ),
            "__doc__": "Up to 1,000 items; the valid ones are upserted in one transaction.",
        },
    )


DailyLogBulkSerializer = _bulk_request(DailyLogItemSerializer, "DailyLogBulkSerializer")
ActivitySessionBulkSerializer = _bulk_request(
    ActivitySessionItemSerializer, "ActivitySessionBulkSerializer"
)
DeviceMetricBulkSerializer = _bulk_request(DeviceMetricItemSerializer, "DeviceMetricBulkSerializer")


@functools.cache
def _item_parser(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """One parser per item serializer class, its fields built once (a model serializer builds
    them from the model on every instance): validating an item keeps no state on either."""
    parser = serializer_class()
    parser.fields  # noqa: B018 — built here, once
    return parser


class _Slow(Exception):
    """The item takes the serializer's own validation: a value it must refuse (the serializer
    says why, for every field at once) or one the quick path does not handle."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _passes(field: serializers.Field) -> Callable[[Any], bool] | None:
    """A quick test that `field`'s validators all accept a value of the field's own type (an
    int, a string), or None when the field has a validator it does not know. True means
    `run_validators` would pass; False only that it must be asked (it raises, with its own
    message). Knows Django's range and length validators with fixed limits and the
    character checks DRF gives every string field."""
    tests: list[Callable[[Any], bool]] = []
    for validator in field.validators:
        cls = type(validator)
        limit = getattr(validator, "limit_value", None)
        if cls in (MinValueValidator, MaxValueValidator) and type(limit) not in (int, float):
            return None  # a callable or a Decimal limit: the validator itself
        if cls is MaxLengthValidator and type(limit) is not int:
            return None
        if cls is MinValueValidator:
            tests.append(lambda value, limit=limit: value >= limit)
        elif cls is MaxValueValidator:
            tests.append(lambda value, limit=limit: value <= limit)
        elif cls is MaxLengthValidator:
            tests.append(lambda value, limit=limit: len(value) <= limit)
        elif cls is ProhibitNullCharactersValidator:
            tests.append(lambda value: "\x00" not in value)
        elif cls is ProhibitSurrogateCharactersValidator:
            tests.append(lambda value: value.isascii() or _SURROGATE.search(value) is None)
        else:
            return None
    if not tests:
        return lambda value: True
    if len(tests) == 2:
        first, second = tests
        return lambda value: first(value) and second(value)
    return lambda value: all(test(value) for test in tests)


def _quick_field(field: serializers.Field) -> Callable[[Any], Any]:
    """`field.run_validation` for a value that is present and not null, with DRF's own steps
    inlined for the plain JSON values of the commonest fields (an int for an integer, a bool, a
    string) and their validators tested directly when `_passes` knows them; any other value
    goes through `field.run_validation` itself. Raises on refusal."""
    cls = type(field)
    run_validators, run_validation = field.run_validators, field.run_validation
    passes = _passes(field)
    if passes is not None:
        fallback = run_validators

        def run_validators(value):
            if not passes(value):
                fallback(value)

    if cls in (serializers.IntegerField, serializers.BigIntegerField):

        def integer(value):
            if type(value) is not int:
                return run_validation(value)
            run_validators(value)  # int(str(value)) is the value itself
            return value

        return integer
    if cls is serializers.BooleanField:

        def boolean(value):
            if value is not True and value is not False:
                return run_validation(value)
            run_validators(value)
            return value

        return boolean
    if cls is serializers.ChoiceField:
        choices = field.choice_strings_to_values

        def choice(value):
            if type(value) is not str or value == "" or value not in choices:
                return run_validation(value)
            value = choices[value]
            run_validators(value)
            return value

        return choice
    if cls is serializers.CharField:
        trim, allow_blank = field.trim_whitespace, field.allow_blank

        def text(value):
            if type(value) is not str:
                return run_validation(value)
            stripped = value.strip()
            if value == "" or (trim and stripped == ""):
                if not allow_blank:
                    raise _Slow
                return ""
            value = stripped if trim else value
            run_validators(value)
            return value

        return text
    return run_validation


def _quick_parser(parser: serializers.Serializer) -> Callable[[dict], dict] | None:
    """`parser.run_validation` for an item (a JSON object) all of whose values pass, field by
    field as DRF takes them, without DRF's per-field layers; raises `_Slow` for any item it
    would refuse, so that the serializer itself says why. None for a serializer with checks of
    its own (validators, `validate`, `validate_<field>`, dotted or whole-object sources)."""
    if "_quick" in parser.__dict__:
        return parser.__dict__["_quick"]
    parser.__dict__["_quick"] = None
    cls = type(parser)
    if parser.validators or cls.validate is not serializers.Serializer.validate:
        return None
    steps = []
    for field in parser._writable_fields:
        name = field.field_name
        if getattr(cls, f"validate_{name}", None) is not None or len(field.source_attrs) != 1:
            return None
        if field.source == "*":
            return None
        # left out: an error if required, the default if it has one (both DRF's to give)
        slow_if_left_out = field.required or field.default is not empty
        null = field.allow_null
        steps.append((name, field.source_attrs[0], slow_if_left_out, null, _quick_field(field)))

    def run(item: dict) -> dict:
        out = {}
        for name, key, slow_if_left_out, null, check in steps:
            value = item.get(name, empty)
            if value is empty:
                if slow_if_left_out:
                    raise _Slow
                continue  # DRF skips a field left out that has no default
            if value is None:
                if not null:
                    raise _Slow
                out[key] = None
                continue
            out[key] = check(value)
        return out

    parser.__dict__["_quick"] = run
    return run


@functools.cache
def _representer(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """One unbound instance per output serializer of the writes, its fields built once: the
    answer to a write is the stored row, and these serializers read nothing from the request."""
    representer = serializer_class()
    representer.fields  # noqa: B018 — built here, once
    return representer


def parse_items(raw, parser: serializers.Serializer) -> tuple[list, dict[int, dict]]:
    """Type-check each item with `parser`; return (values or None, errors by index)."""
    if not isinstance(raw, list):
        raise ApplicationError("Send the items as a list.", {"items": "Expected a list."})
    if not raw:
        raise ApplicationError("No items.", {"items": "Send at least one item."})
    if len(raw) > ingest.MAX_ITEMS:
        raise ApplicationError(
            f"At most {ingest.MAX_ITEMS:,} items per request.",
            {"items": f"Send at most {ingest.MAX_ITEMS:,} items; split the rest."},
        )
    known = set(parser.fields)
    quick = _quick_parser(parser)
    values: list = []
    errors: dict[int, dict] = {}
    for index, item in enumerate(raw):
        values.append(None)
        if not isinstance(item, dict):
            errors[index] = {"non_field_errors": ["Each item must be an object."]}
            continue
        unknown = sorted(set(item) - known)
        if unknown:
            errors[index] = {name: ["Unknown field."] for name in unknown}
            continue
        if quick is not None and type(item) is dict:  # a form's QueryDict is read otherwise
            try:
                values[index] = quick(item)
                continue
            except (_Slow, ValidationError, DjangoValidationError, SkipField):
                pass
        try:
            values[index] = parser.run_validation(item)
        except ValidationError as exc:
            errors[index] = _messages(exc.detail)
    return values, errors


def _messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }


# --- output -------------------------------------------------------------------------------------


class DailyLogClinicalSerializer(serializers.ModelSerializer):
    access = clinical_access()
    hooper_index = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Sleep + stress + fatigue + soreness, 4–28 (Hooper & Mackinnon 1995).",
    )

    class Meta:
        model = DailyLog
        fields = [
            "access", "id", "athlete", "date", *LOG_FIELDS, "hooper_index", "source",
            "submitted_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DailyLogReceiptSerializer(serializers.ModelSerializer):
    """That a day is recorded, without its content: for those who record but may not read it."""

    access = summary_access()

    class Meta:
        model = DailyLog
        fields = ["access", "id", "athlete", "date", "source", "created_at", "updated_at"]
        read_only_fields = fields


DAILY_LOG_RESPONSE = PolymorphicProxySerializer(
    component_name="DailyLog",
    serializers=[DailyLogClinicalSerializer, DailyLogReceiptSerializer],
    resource_type_field_name="access",
)


class SessionClinicalSerializer(serializers.ModelSerializer):
    access = clinical_access()
    load = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Session-RPE load, AU: RPE × minutes."
    )

    class Meta:
        model = ActivitySession
        fields = [
            "access", "id", "athlete", "date", *SESSION_FIELDS, "load", "source", "external_id",
            "submitted_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SessionLoadSerializer(SessionClinicalSerializer):
    """Training load without pain or notes: for coaches and integration accounts."""

    access = summary_access()

    class Meta(SessionClinicalSerializer.Meta):
        fields = [
            f for f in SessionClinicalSerializer.Meta.fields if f not in SESSION_CLINICAL_ONLY
        ]
        read_only_fields = fields


SESSION_RESPONSE = PolymorphicProxySerializer(
    component_name="ActivitySession",
    serializers=[SessionClinicalSerializer, SessionLoadSerializer],
    resource_type_field_name="access",
)


class DeviceMetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeviceMetric
        fields = [
            "id", "athlete", "metric", "value", "unit", "recorded_at", "date", "source",
            "external_id", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "id", "case", "date", "test", "value", "pain", "notes", "assessed_by", "created_at"
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you may record assessments."
    )
    test = serializers.ChoiceField(choices=Assessment.Test.choices)
    value = serializers.FloatField(help_text="In the test's unit; ranges in docs/criteria.md.")
    date = serializers.DateField()
    pain = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_record_assessment)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)

    def validate(self, data):
        view = self.context["view"]
        case = view.scope.case(data["case"].pk)
        if not permissions.can_record_assessment(view.request.user, case, data["test"]):
            raise ValidationError({"test": "Your role on this case does not record this test."})
        if data["test"] in SCREEN_TESTS:
            raise ValidationError(
                {
                    "test": "The Triad score and the REDs screen are computed from their items: "
                    "record them item by item with the bone-health review, not as a typed total."
                }
            )
        return data


class FemoralNeckSerializer(serializers.Serializer):
    ortho_decision = serializers.ChoiceField(
        choices=["conservative", "surgical"], required=False, allow_null=True
    )
    decided_on = serializers.DateField(required=False, allow_null=True)
    fracture_line_percent = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    effusion = serializers.BooleanField(required=False, allow_null=True, default=None)


class BoneHealthReviewSerializer(serializers.Serializer):
    date = serializers.DateField()
    energy = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    bmi = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    menarche = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    menses = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    bmd = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    bsi = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    vitamin_d_nmol_l = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=500, required=False, allow_null=True
    )
    calcium_mg = serializers.IntegerField(
        min_value=0, max_value=5000, required=False, allow_null=True
    )
    intake_concerns = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    reds_result = serializers.ChoiceField(
        choices=["negative", "positive"], required=False, allow_null=True
    )
    reds_indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=list(care_rules.REDS_INDICATORS)),
        required=False,
    )

    def validate(self, data):
        scored = any(data.get(k) is not None for k in care_rules.CRA_COMPONENTS)
        if not scored and not data.get("reds_result"):
            raise ValidationError(
                {"energy": "Score the Triad items, or send a REDs screen (reds_result)."}
            )
        return data


class FlagClinicalSerializer(serializers.ModelSerializer):
    access = clinical_access()

    class Meta:
        model = Flag
        fields = [
            "access", "id", "case", "phase", "kind", "status", "title", "message",
            "coach_message", "evaluation", "proposed_phase", "raised_at", "updated_at",
            "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "resolution",
        ]  # fmt: skip
        read_only_fields = fields


class FlagSummarySerializer(serializers.ModelSerializer):
    """A flag's kind and what a coach may read; no clinical explanation."""

    access = summary_access()

    class Meta:
        model = Flag
        fields = [
            "access", "id", "case", "phase", "kind", "status", "coach_message", "raised_at",
            "updated_at", "resolved_at",
        ]  # fmt: skip
        read_only_fields = fields


FLAG_RESPONSE = PolymorphicProxySerializer(
    component_name="Flag",
    serializers=[FlagClinicalSerializer, FlagSummarySerializer],
    resource_type_field_name="access",
)


class FlagResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=4000, help_text="How it was resolved.")


class OpenFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Flag
        fields = ["id", "kind", "status", "coach_message", "raised_at"]
        read_only_fields = fields


class PlanAndFlagsMixin(serializers.Serializer):
    """The case's active plan (prefetched as `active_plans`) and open flags (`open_flags`)."""

    plan_serializer_class: type[serializers.Serializer] = PlanRefSerializer
    plan = serializers.SerializerMethodField()
    open_flags = serializers.SerializerMethodField()

    def get_plan(self, case: Case) -> dict | None:
        plans = getattr(case, "active_plans", None)
        return self.plan_serializer_class(plans[0]).data if plans else None

    @extend_schema_field(OpenFlagSerializer(many=True))
    def get_open_flags(self, case: Case) -> list:
        return OpenFlagSerializer(getattr(case, "open_flags", []), many=True).data


class CaseSummarySerializer(PlanAndFlagsMixin, athletes_api.CaseSummarySerializer):
    plan = extend_schema_field(PlanRefSerializer(allow_null=True))(
        serializers.SerializerMethodField()
    )

    class Meta(athletes_api.CaseSummarySerializer.Meta):
        fields = [*athletes_api.CaseSummarySerializer.Meta.fields, "plan", "open_flags"]


class CaseClinicalSerializer(PlanAndFlagsMixin, athletes_api.CaseClinicalSerializer):
    plan_serializer_class = PlanRefClinicalSerializer
    plan = extend_schema_field(PlanRefClinicalSerializer(allow_null=True))(
        serializers.SerializerMethodField()
    )

    class Meta(athletes_api.CaseClinicalSerializer.Meta):
        fields = [*athletes_api.CaseClinicalSerializer.Meta.fields, "plan", "open_flags"]


# --- filters ------------------------------------------------------------------------------------


class AthleteDataFilter(filters.FilterSet):
    athlete = IdFilter(field_name="athlete_id", help_text="Only this athlete's rows.")
    case = ScopedCaseFilter(athlete_field="athlete_id", help_text="Rows of this case's athlete.")
    date = filters.DateFromToRangeFilter(
        help_text="`date_after` and `date_before` (inclusive, YYYY-MM-DD)."
    )


class DailyLogFilter(AthleteDataFilter):
    updated_after = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time."
    )
    source = filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = DailyLog
        fields = ["athlete", "case", "date", "source", "updated_after"]


class ActivitySessionFilter(AthleteDataFilter):
    activity = filters.ChoiceFilter(choices=Activity.choices, help_text="The kind of session.")
    source = filters.ChoiceFilter(choices=Source.choices)
    external_id = filters.CharFilter()
    updated_after = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = ActivitySession
        fields = ["athlete", "case", "date", "activity", "source", "external_id", "updated_after"]


class DeviceMetricFilter(AthleteDataFilter):
    metric = filters.ChoiceFilter(
        choices=DeviceMetric.Metric.choices, help_text="The kind of sample."
    )
    source = filters.CharFilter()
    external_id = filters.CharFilter()

    class Meta:
        model = DeviceMetric
        fields = ["athlete", "case", "date", "metric", "source", "external_id"]


class AssessmentFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    date = filters.DateFromToRangeFilter(help_text="`date_after` and `date_before`.")
    test = filters.ChoiceFilter(choices=Assessment.Test.choices, help_text="The kind of test.")

    class Meta:
        model = Assessment
        fields = ["athlete", "case", "date", "test"]


class FlagFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    kind = filters.ChoiceFilter(choices=Flag.Kind.choices)
    status = filters.ChoiceFilter(choices=Flag.Status.choices)
    unresolved = filters.BooleanFilter(
        method="filter_unresolved", help_text="Open or acknowledged."
    )
    raised = filters.DateFromToRangeFilter(
        field_name="raised_at__date", help_text="`raised_after` and `raised_before`."
    )

    class Meta:
        model = Flag
        fields = ["athlete", "case", "kind", "status", "unresolved", "raised"]

    def filter_unresolved(self, queryset, name, value):
        if value is None:
            return queryset
        unresolved = Q(status__in=Flag.UNRESOLVED)
        return queryset.filter(unresolved if value else ~unresolved)


# --- examples -----------------------------------------------------------------------------------

LOG_ITEM = {
    "athlete": 12,
    "date": "2026-10-20",
    "pain_rest": 0,
    "pain_during": 2,
    "pain_after": 1,
    "pain_character": "dull",
    "night_pain": False,
    "sleep_hours": "7.5",
    "steps": 9412,
}
SESSION_ITEM = {
    "athlete": 12,
    "date": "2026-10-20",
    "source": "device",
    "external_id": "garmin-activity-9912",
    "activity": "walk_run",
    "minutes": 30,
    "rpe": 4,
    "distance_km": "4.20",
    "surface": "track",
    "footwear": "Daily trainers",
    "pain_during": 1,
}
METRIC_ITEM = {
    "athlete": 12,
    "metric": "steps",
    "value": 9412,
    "recorded_at": "2026-10-20T23:59:00+01:00",
    "source": "garmin",
    "external_id": "steps-2026-10-20",
}


def bulk_examples(item: dict, other: dict) -> list[OpenApiExample]:
    bad_field = "date" if "date" in other else "value"
    message = (
        "Dates cannot be in the future."
        if bad_field == "date"
        else "Ensure this value is greater than or equal to 0."
    )
    return [
        OpenApiExample("Two items", value={"items": [item, other]}, request_only=True),
        OpenApiExample(
            "Stored",
            value={
                "detail": "Stored 2 items: 2 created, 0 updated, 0 unchanged.",
                "created": 2,
                "updated": 0,
                "unchanged": 0,
                "invalid": 0,
                "evaluations_queued": [7],
                "results": [
                    {"index": 0, "status": "created", "id": 501, "errors": {}},
                    {"index": 1, "status": "created", "id": 502, "errors": {}},
                ],
                "errors": {},
            },
            response_only=True,
            status_codes=["200"],
        ),
        OpenApiExample(
            "The same request again",
            value={
                "detail": "Nothing changed: 2 items already stored as sent.",
                "created": 0,
                "updated": 0,
                "unchanged": 2,
                "invalid": 0,
                "evaluations_queued": [],
                "results": [
                    {"index": 0, "status": "unchanged", "id": 501, "errors": {}},
                    {"index": 1, "status": "unchanged", "id": 502, "errors": {}},
                ],
                "errors": {},
            },
            response_only=True,
            status_codes=["200"],
        ),
        OpenApiExample(
            "One item invalid",
            value={
                "detail": "Stored 1 item: 0 created, 0 updated, 1 unchanged. "
                "1 item invalid and not stored (see errors).",
                "created": 0,
                "updated": 0,
                "unchanged": 1,
                "invalid": 1,
                "evaluations_queued": [],
                "results": [
                    {"index": 0, "status": "unchanged", "id": 501, "errors": {}},
                    {
                        "index": 1,
                        "status": "invalid",
                        "id": None,
                        "errors": {bad_field: [message]},
                    },
                ],
                "errors": {f"items.1.{bad_field}": [message]},
            },
            response_only=True,
            status_codes=["207"],
        ),
        OpenApiExample(
            "Every item invalid",
            value={
                "detail": "Nothing was stored: every item is invalid (see errors).",
                "errors": {f"items.0.{bad_field}": [message], f"items.1.{bad_field}": [message]},
            },
            response_only=True,
            status_codes=["400"],
        ),
    ]


BULK_DESCRIPTION = (
    "Upsert up to 1,000 items in one request. Each item is validated on its own: invalid items "
    "are reported in `results` and `errors` (keys `items.<index>.<field>`) and not stored; "
    "the valid ones are stored in one transaction. An item equal to what is stored is counted "
    "`unchanged`, so repeating a request changes nothing. Evaluations are queued once per "
    "affected case. **200**: every item valid; **207**: some items invalid, the others stored; "
    "**400**: nothing stored (every item invalid, or the request itself is malformed), in the "
    "shared error format."
)
BULK_RESPONSES = {
    200: BulkResultSerializer,
    207: OpenApiResponse(BulkResultSerializer, description="Some items invalid; others stored."),
    400: OpenApiResponse(
        ErrorSerializer,
        description="Nothing stored: every item is invalid (messages by "
        "`items.<index>.<field>`), or the request itself is malformed.",
    ),
}
UPSERT_DESCRIPTION = (
    "Upsert one item (the same item as in bulk). **201** when it was created, **200** when it "
    "was updated or was already stored as sent; the `Upsert-Result` header says which "
    "(`created`, `updated`, `unchanged`)."
)


# --- viewsets -----------------------------------------------------------------------------------


class IngestViewMixin:
    """`POST /<kind>/` for one item and `POST /<kind>/bulk/` for many, both upserts."""

    item_serializer_class: type[serializers.Serializer]
    upsert: Callable[..., ingest.BulkOutcome]  # one of the monitoring.ingest.bulk functions

    @property
    def scope(self) -> ApiScope:
        # A write decides by the predicates and shows no case: the light scope is enough.
        return scope_for(self.request, light=self.action in {"create", "bulk"})

    def _upsert(self, raw):
        values, errors = parse_items(raw, _item_parser(self.item_serializer_class))
        return self.upsert(
            items=values, invalid=errors, submitted_by=self.request.user, scope=self.scope
        )

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise ApplicationError("Send one item as a JSON object.")
        outcome = self._upsert([request.data])
        result = outcome.results[0]
        if result.status == ingest.INVALID:
            raise ApplicationError("Invalid input.", result.errors)
        obj = outcome.objects[0]
        code = status.HTTP_201_CREATED if result.status == ingest.CREATED else status.HTTP_200_OK
        if isinstance(self, AccessViewMixin):
            serializer_class = self.serializer_class_for(obj)
        else:
            serializer_class = self.get_serializer_class()
        body = _representer(serializer_class).to_representation(obj)
        return Response(body, status=code, headers={"Upsert-Result": result.status})

    def bulk_upsert(self, request):
        if not isinstance(request.data, dict) or "items" not in request.data:
            raise ApplicationError(
                "Send an object with an `items` list.", {"items": "This field is required."}
            )
        unknown = sorted(set(request.data) - {"items"})
        if unknown:
            raise ApplicationError(
                "Send only `items` at the top level.", {name: "Unknown field." for name in unknown}
            )
        outcome = self._upsert(request.data["items"])
        invalid = outcome.count(ingest.INVALID)
        if invalid == len(outcome.results):
            raise ApplicationError(outcome.detail, outcome.errors)
        code = 207 if invalid else 200
        body = {
            "detail": outcome.detail,
            "created": outcome.count(ingest.CREATED),
            "updated": outcome.count(ingest.UPDATED),
            "unchanged": outcome.count(ingest.UNCHANGED),
            "invalid": invalid,
            "evaluations_queued": outcome.evaluations_queued,
            "results": [
                {"index": r.index, "status": r.status, "id": r.id, "errors": r.errors}
                for r in outcome.results
            ],
            "errors": outcome.errors,
        }
        return Response(body, status=code)


LOG_EXAMPLE = {
    "access": "clinical",
    **LOG_ITEM,
    "id": 501,
    "pain_next_morning": None,
    "localized": None,
    "pain_location": "",
    "swelling": False,
    "pain_lasted_hours": None,
    "fatigue": 3,
    "sleep_quality": 3,
    "stress": 2,
    "mood": 2,
    "soreness": 3,
    "note": "",
    "hooper_index": 11,
    "source": "api",
    "submitted_by": 20,
    "created_at": "2026-10-20T21:04:00Z",
    "updated_at": "2026-10-20T21:04:00Z",
}
LOG_RECEIPT_EXAMPLE = {
    "access": "summary",
    "id": 501,
    "athlete": 12,
    "date": "2026-10-20",
    "source": "api",
    "created_at": "2026-10-20T21:04:00Z",
    "updated_at": "2026-10-20T21:04:00Z",
}
LOG_EXAMPLES = [
    OpenApiExample("Clinical view", value=LOG_EXAMPLE, response_only=True),
    OpenApiExample("Receipt (integration account)", value=LOG_RECEIPT_EXAMPLE, response_only=True),
]
SESSION_EXAMPLE = {
    "access": "clinical",
    "id": 33,
    **SESSION_ITEM,
    "ground_contacts": None,
    "steps": 5200,
    "note": "",
    "load": 120,
    "submitted_by": 20,
    "created_at": "2026-10-20T18:00:00Z",
    "updated_at": "2026-10-20T18:00:00Z",
}
SESSION_EXAMPLES = [
    OpenApiExample("Clinical view", value=SESSION_EXAMPLE, response_only=True),
    OpenApiExample(
        "Load view (coach, integration account)",
        value={k: v for k, v in SESSION_EXAMPLE.items() if k not in SESSION_CLINICAL_ONLY}
        | {"access": "summary"},
        response_only=True,
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List daily logs",
        description="Pain and well-being diaries of the athletes whose clinical data you may "
        "see. Those who may record but not read them (integration accounts) get receipts: "
        "which days are recorded, without their content.",
        responses=DAILY_LOG_RESPONSE,
        examples=LOG_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="Get a daily log", responses=DAILY_LOG_RESPONSE, examples=LOG_EXAMPLES
    ),
    create=extend_schema(
        summary="Record one day (upsert)",
        description=UPSERT_DESCRIPTION + " The key is athlete + date; fields left out keep "
        "their stored values.",
        request=DailyLogItemSerializer,
        responses={201: DAILY_LOG_RESPONSE, 200: DAILY_LOG_RESPONSE},
        examples=[OpenApiExample("A day", value=LOG_ITEM, request_only=True), *LOG_EXAMPLES],
    ),
    bulk=extend_schema(
        summary="Record many days (bulk upsert)",
        description=BULK_DESCRIPTION + " The key is athlete + date.",
        request=DailyLogBulkSerializer,
        responses=BULK_RESPONSES,
        examples=bulk_examples(LOG_ITEM, {**LOG_ITEM, "date": "2026-10-21", "pain_during": 1}),
    ),
)
class DailyLogViewSet(
    IngestViewMixin,
    ScopedViewMixin,
    AccessViewMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    clinical_serializer_class = DailyLogClinicalSerializer
    summary_serializer_class = DailyLogReceiptSerializer
    serializer_class = DailyLogReceiptSerializer
    item_serializer_class = DailyLogItemSerializer
    # The items come from DailyLogItemSerializer, whose fields carry the model fields' checks.
    upsert = staticmethod(functools.partial(ingest.daily_logs_upsert, validated=True))
    filterset_class = DailyLogFilter
    ordering_fields = ["date", "updated_at", "id"]
    ordering = ["-date", "-id"]

    @cached_property
    def clinical_athletes(self) -> set[int]:
        return self.scope.athlete_ids(permissions.can_view_clinical)

    def get_queryset(self):
        loggers = self.scope.athlete_ids(permissions.can_log_for)
        return DailyLog.objects.filter(athlete_id__in=self.clinical_athletes | loggers)

    def sees_clinical(self, log: DailyLog) -> bool:
        return log.athlete_id in self.clinical_athletes

    @action(detail=False, methods=["post"], throttle_scope="bulk")
    def bulk(self, request, format=None):
        return self.bulk_upsert(request)


@extend_schema_view(
    list=extend_schema(
        summary="List activity sessions",
        description="Training sessions with their session-RPE load. Pain and notes only in the "
        "clinical view.",
        responses=SESSION_RESPONSE,
        examples=SESSION_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="Get an activity session", responses=SESSION_RESPONSE, examples=SESSION_EXAMPLES
    ),
    create=extend_schema(
        summary="Record one session (upsert)",
        description=UPSERT_DESCRIPTION + " The key is athlete + source + external id.",
        request=ActivitySessionItemSerializer,
        responses={201: SESSION_RESPONSE, 200: SESSION_RESPONSE},
        examples=[
            OpenApiExample("A session", value=SESSION_ITEM, request_only=True),
            *SESSION_EXAMPLES,
        ],
    ),
    bulk=extend_schema(
        summary="Record many sessions (bulk upsert)",
        description=BULK_DESCRIPTION + " The key is athlete + source + external id; a source "
        "and external id pair belongs to one athlete.",
        request=ActivitySessionBulkSerializer,
        responses=BULK_RESPONSES,
        examples=bulk_examples(
            SESSION_ITEM, {**SESSION_ITEM, "external_id": "garmin-activity-9913", "rpe": 3}
        ),
    ),
)
class ActivitySessionViewSet(
    IngestViewMixin,
    ScopedViewMixin,
    AccessViewMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    clinical_serializer_class = SessionClinicalSerializer
    summary_serializer_class = SessionLoadSerializer
    serializer_class = SessionLoadSerializer
    item_serializer_class = ActivitySessionItemSerializer
    upsert = staticmethod(ingest.activity_sessions_upsert)
    filterset_class = ActivitySessionFilter
    ordering_fields = ["date", "updated_at", "minutes", "id"]
    ordering = ["-date", "-id"]

    @cached_property
    def clinical_athletes(self) -> set[int]:
        return self.scope.athlete_ids(permissions.can_view_clinical)

    def get_queryset(self):
        athletes = self.scope.athlete_ids(permissions.can_view_load) | self.scope.athlete_ids(
            permissions.can_log_for
        )
        return ActivitySession.objects.filter(athlete_id__in=athletes)

    def sees_clinical(self, session: ActivitySession) -> bool:
        return session.athlete_id in self.clinical_athletes

    @action(detail=False, methods=["post"], throttle_scope="bulk")
    def bulk(self, request, format=None):
        return self.bulk_upsert(request)


METRIC_EXAMPLE = OpenApiExample(
    "A sample",
    value={
        **METRIC_ITEM,
        "id": 9001,
        "unit": "count",
        "recorded_at": "2026-10-20T22:59:00Z",
        "date": "2026-10-20",
        "created_at": "2026-10-21T06:00:00Z",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="List device metrics",
        description="Wearable samples (steps, distance, ground contact time, cadence, jump "
        "height, impacts, heart rate, sleep). Stored and charted, never used as a gate.",
        examples=[METRIC_EXAMPLE],
    ),
    retrieve=extend_schema(summary="Get a device metric", examples=[METRIC_EXAMPLE]),
    create=extend_schema(
        summary="Record one sample (upsert)",
        description=UPSERT_DESCRIPTION + " The key is source + external id.",
        request=DeviceMetricItemSerializer,
        responses={201: DeviceMetricSerializer, 200: DeviceMetricSerializer},
        examples=[OpenApiExample("A sample", value=METRIC_ITEM, request_only=True), METRIC_EXAMPLE],
    ),
    bulk=extend_schema(
        summary="Record many samples (bulk upsert)",
        description=BULK_DESCRIPTION + " The key is source + external id.",
        request=DeviceMetricBulkSerializer,
        responses=BULK_RESPONSES,
        examples=bulk_examples(
            METRIC_ITEM,
            {**METRIC_ITEM, "metric": "heart_rate", "value": 48, "external_id": "rhr-2026-10-20"},
        ),
    ),
)
class DeviceMetricViewSet(
    IngestViewMixin, ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = DeviceMetricSerializer
    item_serializer_class = DeviceMetricItemSerializer
    upsert = staticmethod(ingest.device_metrics_upsert)
    filterset_class = DeviceMetricFilter
    ordering_fields = ["recorded_at", "date", "id"]
    ordering = ["-recorded_at", "-id"]

    def get_queryset(self):
        athletes = self.scope.athlete_ids(permissions.can_view_load) | self.scope.athlete_ids(
            permissions.can_log_for
        )
        return DeviceMetric.objects.filter(athlete_id__in=athletes)

    @action(detail=False, methods=["post"], throttle_scope="bulk")
    def bulk(self, request, format=None):
        return self.bulk_upsert(request)


ASSESSMENT_EXAMPLE = {
    "id": 77,
    "case": 7,
    "date": "2026-10-28",
    "test": "single_leg_hop",
    "value": 12,
    "pain": 0,
    "notes": "Hops on the left leg, no pain.",
    "assessed_by": 6,
    "created_at": "2026-10-28T15:30:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="List assessments",
        description="Clinical roles see every assessment of their cases; nutritionists and "
        "psychologists the ones they recorded.",
        examples=[OpenApiExample("An assessment", value=ASSESSMENT_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get an assessment",
        examples=[OpenApiExample("An assessment", value=ASSESSMENT_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Record an assessment",
        description="Clinical roles record any test; nutritionists the Triad cumulative risk "
        "score; psychologists I-PRRS and TSK-11. Send an `Idempotency-Key` to make a retry "
        "safe.",
        request=AssessmentInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: AssessmentSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "Single-leg hops",
                value={
                    "case": 7,
                    "test": "single_leg_hop",
                    "value": 12,
                    "pain": 0,
                    "date": "2026-10-28",
                    "notes": "Hops on the left leg, no pain.",
                },
                request_only=True,
            ),
            OpenApiExample("An assessment", value=ASSESSMENT_EXAMPLE, response_only=True),
        ],
    ),
)
class AssessmentViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return Assessment.objects.none()
        clinical = self.scope.case_ids(permissions.can_view_clinical)
        own = self.scope.case_ids(
            lambda u, c: permissions.can_view_assessment(u, c, assessed_by_id=u.pk)
        )
        return Assessment.objects.filter(
            Q(case_id__in=clinical) | Q(case_id__in=own, assessed_by=user)
        )

    @idempotent
    def create(self, request, *args, **kwargs):
        data = AssessmentInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assessment = services.assessment_record(
            case=self.scope.case(values["case"].pk),
            test=values["test"],
            value=values["value"],
            date=values["date"],
            assessed_by=request.user,
            pain=values.get("pain"),
            notes=values.get("notes", ""),
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


FLAG_CLINICAL_EXAMPLE = {
    "access": "clinical",
    "id": 301,
    "case": 7,
    "phase": 31,
    "kind": "red_flag",
    "status": "open",
    "title": "Red flag: night pain",
    "message": "Night pain on 20 Oct. Review the athlete before any further loading.",
    "coach_message": "Under review by the medical team; no impact training until cleared.",
    "evaluation": {"ready": False, "fired": [{"kind": "night_pain", "met": True}]},
    "proposed_phase": None,
    "raised_at": "2026-10-21T02:00:00Z",
    "updated_at": "2026-10-21T02:00:00Z",
    "acknowledged_at": None,
    "acknowledged_by": None,
    "resolved_at": None,
    "resolved_by": None,
    "resolution": "",
}
FLAG_SUMMARY_EXAMPLE = {
    k: FLAG_CLINICAL_EXAMPLE[k]
    for k in [
        "id", "case", "phase", "kind", "status", "coach_message", "raised_at", "updated_at",
        "resolved_at",
    ]
} | {"access": "summary"}  # fmt: skip
FLAG_EXAMPLES = [
    OpenApiExample("Clinical view", value=FLAG_CLINICAL_EXAMPLE, response_only=True),
    OpenApiExample("Summary view", value=FLAG_SUMMARY_EXAMPLE, response_only=True),
]


@extend_schema_view(
    list=extend_schema(
        summary="List flags",
        description="What the evaluation raised on your cases: red flags, regressions, ready to "
        "advance, missing logs, load spikes. Without clinical access: kind, status and the "
        "coach's message only. `?unresolved=true` for the open and acknowledged ones.",
        responses=FLAG_RESPONSE,
        examples=FLAG_EXAMPLES,
    ),
    retrieve=extend_schema(summary="Get a flag", responses=FLAG_RESPONSE, examples=FLAG_EXAMPLES),
    acknowledge=extend_schema(
        summary="Acknowledge a flag",
        description="Clinical roles of the case. Acknowledging again changes nothing.",
        request=None,
        responses={200: FlagClinicalSerializer},
        examples=[FLAG_EXAMPLES[0]],
    ),
    resolve=extend_schema(
        summary="Resolve a flag",
        description="Clinical roles of the case, with a note. A resolved flag stays resolved: "
        "resolving it again is a 400 that changes nothing (with the same `Idempotency-Key`, "
        "the first answer again).",
        request=FlagResolveSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: FlagClinicalSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "Resolve",
                value={"resolution": "Seen in clinic: no bony tenderness; continue."},
                request_only=True,
            ),
            FLAG_EXAMPLES[0],
        ],
    ),
)
class FlagViewSet(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    clinical_serializer_class = FlagClinicalSerializer
    summary_serializer_class = FlagSummarySerializer
    serializer_class = FlagSummarySerializer
    filterset_class = FlagFilter
    ordering_fields = ["raised_at", "updated_at", "kind", "id"]
    ordering = ["-raised_at", "-id"]
    action_predicates = {
        "acknowledge": permissions.can_manage_flags,
        "resolve": permissions.can_manage_flags,
    }

    def get_queryset(self):
        return Flag.objects.filter(case_id__in=self.scope.case_ids(permissions.can_view_case))

    def sees_clinical(self, flag: Flag) -> bool:
        return self.scope.allows(permissions.can_view_clinical, flag.case_id)

    def _with_case(self, flag: Flag) -> Flag:
        flag.case = self.scope.case(flag.case_id)
        return flag

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None, format=None):
        flag = services.flag_acknowledge(flag=self._with_case(self.get_object()), by=request.user)
        return Response(FlagClinicalSerializer(flag).data)

    @action(detail=True, methods=["post"])
    @idempotent
    def resolve(self, request, pk=None, format=None):
        flag = self._with_case(self.get_object())  # 404 / 403 before the input is looked at
        data = FlagResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_resolve(
            flag=flag,
            by=request.user,
            resolution=data.validated_data["resolution"],
        )
        return Response(FlagClinicalSerializer(flag).data)


# --- cases: the athletes' endpoint with the plan, the open flags and the FHIR export ------------


class FHIRRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


CASE_RESPONSE = PolymorphicProxySerializer(
    component_name="Case",
    serializers=[CaseClinicalSerializer, CaseSummarySerializer],
    resource_type_field_name="access",
)
CASE_PLAN_EXAMPLE = {
    "plan": {
        "id": 9,
        "status": "active",
        "started_on": "2026-10-01",
        "current_phase": {
            "id": 31,
            "order": 2,
            "name": "Walk-run",
            "started_on": "2026-10-15",
            "weight_bearing": "fwb",
            "crutches": False,
            "impact": "moderate",
            "prescriptions": [{"activity": "walk_run", "minutes": 30, "sessions_per_week": 3}],
        },
    },
    "open_flags": [
        {
            "id": 301,
            "kind": "load_spike",
            "status": "open",
            "coach_message": "Training load rose sharply; check the plan with the medical team.",
            "raised_at": "2026-10-21T02:00:00Z",
        }
    ],
}
CASE_EXAMPLES = [
    OpenApiExample(
        "Clinical view",
        value={
            **athletes_api.CASE_CLINICAL_EXAMPLE,
            **CASE_PLAN_EXAMPLE,
            "plan": {
                **CASE_PLAN_EXAMPLE["plan"],
                "name": "Low-risk tibial BSI: return to running",
            },
        },
        response_only=True,
    ),
    OpenApiExample(
        "Summary view",
        value={**athletes_api.CASE_SUMMARY_EXAMPLE, **CASE_PLAN_EXAMPLE},
        response_only=True,
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List cases",
        description="The cases you are on (or were granted), with the care team, the active "
        "plan and the open flags. Coaches, nutritionists, psychologists and integration "
        "accounts get the summary view: no site, grade, imaging or risk factors.",
        responses=CASE_RESPONSE,
        examples=CASE_EXAMPLES,
    ),
    retrieve=extend_schema(summary="Get a case", responses=CASE_RESPONSE, examples=CASE_EXAMPLES),
)
class CaseViewSet(athletes_api.CaseViewSetBase):
    clinical_serializer_class = CaseClinicalSerializer
    summary_serializer_class = CaseSummarySerializer
    serializer_class = CaseSummarySerializer
    action_predicates = {
        "fhir": permissions.can_view_clinical,
        "femoral_neck": permissions.can_record_orthopaedic_decision,
        "bone_health_review": permissions.can_record_bone_health_review,
    }

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "plans",
                    queryset=Plan.objects.filter(status=Plan.Status.ACTIVE).select_related(
                        "current_phase"
                    ),
                    to_attr="active_plans",
                ),
                Prefetch(
                    "flags",
                    queryset=Flag.objects.filter(status__in=Flag.UNRESOLVED).order_by(
                        "-raised_at", "-id"
                    ),
                    to_attr="open_flags",
                ),
            )
        )

    @extend_schema(
        summary="Record femoral neck findings and the orthopaedic decision",
        description="The case's clinicians only (not physiotherapists). A fracture line over "
        "50% of the neck width or an effusion is a red flag (urgent referral); on the tension "
        "side, weight bearing beyond touch-down waits for a recorded decision (Robertson & "
        "Wood 2017). Send any of the fields; `decided_on` with `ortho_decision`.",
        request=FemoralNeckSerializer,
        responses={200: CaseClinicalSerializer},
        examples=[
            OpenApiExample(
                "A conservative decision and the MRI findings",
                value={
                    "ortho_decision": "conservative",
                    "decided_on": "2026-11-20",
                    "fracture_line_percent": 30,
                    "effusion": False,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="femoral-neck")
    def femoral_neck(self, request, pk=None, format=None):
        case = self.get_object()
        data = FemoralNeckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        care_services.femoral_neck_record(case=case, by=request.user, **data.validated_data)
        case.refresh_from_db()
        return Response(CaseClinicalSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Record a bone-health review (Triad items and/or a REDs screen)",
        description="The Triad cumulative risk score is computed from its items (0-2 each; "
        "items left out are not scored, and the score is then incomplete, never a clearance; "
        "the menstrual items only for women). The Triad tool is validated in women only: for "
        "men send a REDs screen (`reds_result` with its `reds_indicators`). A restricted "
        "score or a positive REDs screen flags the case for the clinical team.",
        request=BoneHealthReviewSerializer,
        responses={201: AssessmentSerializer(many=True)},
        examples=[
            OpenApiExample(
                "A woman's Triad assessment",
                value={
                    "date": "2026-11-20",
                    "energy": 1,
                    "bmi": 0,
                    "menarche": 0,
                    "menses": 1,
                    "bmd": 0,
                    "bsi": 1,
                },
                request_only=True,
            ),
            OpenApiExample(
                "A man's REDs screen",
                value={"date": "2026-11-20", "reds_result": "negative", "reds_indicators": []},
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="bone-health-reviews")
    def bone_health_review(self, request, pk=None, format=None):
        case = self.get_object()
        data = BoneHealthReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        points = {key: v.get(key) for key in care_rules.CRA_COMPONENTS}
        made = []
        with transaction.atomic():
            if any(value is not None for value in points.values()):
                triad, _ = care_services.bone_health_review_record(
                    case=case,
                    by=request.user,
                    date=v["date"],
                    points=points,
                    vitamin_d_nmol_l=v.get("vitamin_d_nmol_l"),
                    calcium_mg=v.get("calcium_mg"),
                    intake_concerns=v.get("intake_concerns", ""),
                )
                made.append(triad)
            if v.get("reds_result"):
                made.append(
                    care_services.reds_screen_record(
                        case=case,
                        by=request.user,
                        date=v["date"],
                        positive=v["reds_result"] == "positive",
                        indicators=v.get("reds_indicators", []),
                    )
                )
        return Response(AssessmentSerializer(made, many=True).data, status=201)

    @extend_schema(
        summary="Export a case as a FHIR R4 Bundle",
        description=fhir.__doc__,
        responses={
            (200, "application/fhir+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="A FHIR R4 Bundle of type collection."
            ),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The same Bundle."
            ),
        },
        examples=[
            OpenApiExample("A bundle (abridged)", value=fhir.EXAMPLE_BUNDLE, response_only=True)
        ],
    )
    @action(detail=True, methods=["get"], renderer_classes=[FHIRRenderer, JSONRenderer])
    def fhir(self, request, pk=None, format=None):
        case = self.get_object()
        from monitoring.care.selectors import (
            readable_notes,  # the same audience rule as the pages (issue 12)
        )

        return Response(
            fhir.case_bundle(
                case,
                base_url=request.build_absolute_uri("/api/v1/"),
                notes=readable_notes(request.user, self.scope.case(case.pk) or case),
            )
        )
