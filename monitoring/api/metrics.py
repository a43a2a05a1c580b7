"""/api/v1/device-metrics/: wearable samples, recorded one or many at a time; stored and
charted, never used as a gate.
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from monitoring.api.athlete_data import (
    BULK_DESCRIPTION,
    BULK_RESPONSES,
    UPSERT_DESCRIPTION,
    AthleteDataFilter,
    DeletedBySourceMixin,
    IngestViewMixin,
    bulk_examples,
    bulk_request,
)
from monitoring.ingest import bulk as ingest
from monitoring.models import DeviceMetric
from rehab import api_auth as oauth


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


DeviceMetricBulkSerializer = bulk_request(DeviceMetricItemSerializer, "DeviceMetricBulkSerializer")


class DeviceMetricSerializer(ClassifiedSerializer):
    class Meta:
        model = DeviceMetric
        reader = "summary"
        fields = [
            "id", "athlete", "metric", "value", "unit", "recorded_at", "date", "source",
            "external_id", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class DeviceMetricFilter(AthleteDataFilter):
    metric = filters.ChoiceFilter(
        choices=DeviceMetric.Metric.choices, help_text="The kind of sample."
    )
    source = filters.CharFilter()
    external_id = filters.CharFilter()

    class Meta:
        model = DeviceMetric
        fields = ["athlete", "case", "date", "metric", "source", "external_id"]


METRIC_ITEM = {
    "athlete": 12,
    "metric": "steps",
    "value": 9412,
    "recorded_at": "2026-10-20T23:59:00+01:00",
    "source": "garmin",
    "external_id": "steps-2026-10-20",
}

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
    DeletedBySourceMixin,
    IngestViewMixin,
    ScopedViewMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    required_scopes = dict.fromkeys(["create", "bulk", "destroy"], oauth.WRITE_METRICS)  # OAuth2
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
