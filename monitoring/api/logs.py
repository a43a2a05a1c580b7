"""/api/v1/daily-logs/: the athletes' pain and well-being diaries, recorded one day or many at a
time.
"""

from __future__ import annotations

import functools
from functools import cached_property

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from athletes.permissions.classification import FieldClass
from monitoring.api.athlete_data import (
    BULK_DESCRIPTION,
    BULK_RESPONSES,
    UPSERT_DESCRIPTION,
    AthleteDataFilter,
    IngestViewMixin,
    bulk_examples,
    bulk_request,
)
from monitoring.ingest import bulk as ingest
from monitoring.models import DailyLog, Source
from monitoring.schema import LOG_FIELDS
from rehab import api_auth as oauth
from rehab.api import AccessViewMixin, clinical_access, summary_access


class DailyLogItemSerializer(serializers.ModelSerializer):
    athlete = serializers.IntegerField(help_text="The athlete's id (GET /api/v1/athletes/).")

    class Meta:
        model = DailyLog
        fields = ["athlete", "date", *LOG_FIELDS]
        validators: list = []  # the natural key is an upsert, not a conflict


DailyLogBulkSerializer = bulk_request(DailyLogItemSerializer, "DailyLogBulkSerializer")


class DailyLogClinicalSerializer(ClassifiedSerializer):
    access = clinical_access()
    hooper_index = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Sleep + stress + fatigue + soreness, 4–28 (Hooper & Mackinnon 1995).",
    )

    class Meta:
        model = DailyLog
        reader = "clinical"
        field_classes = {"hooper_index": FieldClass.CLINICAL}
        fields = [
            "access", "id", "athlete", "date", *LOG_FIELDS, "hooper_index", "source",
            "submitted_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DailyLogReceiptSerializer(ClassifiedSerializer):
    """That a day is recorded, without its content: for those who record but may not read it."""

    access = summary_access()

    class Meta:
        model = DailyLog
        reader = "summary"
        fields = ["access", "id", "athlete", "date", "source", "created_at", "updated_at"]
        read_only_fields = fields


DAILY_LOG_RESPONSE = PolymorphicProxySerializer(
    component_name="DailyLog",
    serializers=[DailyLogClinicalSerializer, DailyLogReceiptSerializer],
    resource_type_field_name="access",
)


class DailyLogFilter(AthleteDataFilter):
    source = filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = DailyLog
        fields = ["athlete", "case", "date", "source"]


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
    required_scopes = dict.fromkeys(["create", "bulk"], oauth.WRITE_LOGS)  # OAuth2
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
