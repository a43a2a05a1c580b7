"""/api/v1/sessions/: training sessions with their session-RPE load, recorded one or many at a
time.
"""

from __future__ import annotations

from functools import cached_property

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from athletes.permissions.classification import FieldClass
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
from monitoring.ingest.activity_parsers import MAX_BYTES
from monitoring.ingest.files import activity_file_upload
from monitoring.models import ActivitySession, Source
from monitoring.schema import SESSION_CLINICAL_ONLY, SESSION_FIELDS
from protocols.models import Activity
from rehab import api_auth as oauth
from rehab.api import AccessViewMixin, clinical_access, summary_access


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


ActivitySessionBulkSerializer = bulk_request(
    ActivitySessionItemSerializer, "ActivitySessionBulkSerializer"
)


class SessionClinicalSerializer(ClassifiedSerializer):
    access = clinical_access()
    load = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Session-RPE load, AU: RPE × minutes."
    )
    pace_min_per_km = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Minutes per kilometre: minutes ÷ distance."
    )

    class Meta:
        model = ActivitySession
        reader = "clinical"
        # RPE × minutes; minutes ÷ distance
        field_classes = {"load": FieldClass.COACH_SAFE, "pace_min_per_km": FieldClass.COACH_SAFE}
        fields = [
            "access", "id", "athlete", "date", *SESSION_FIELDS, "load", "pace_min_per_km",
            "started_at", "source", "external_id", "submitted_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SessionLoadSerializer(SessionClinicalSerializer):
    """Training load without pain or notes: for coaches and integration accounts."""

    access = summary_access()

    class Meta(SessionClinicalSerializer.Meta):
        reader = "summary"
        fields = [
            f for f in SessionClinicalSerializer.Meta.fields if f not in SESSION_CLINICAL_ONLY
        ]
        read_only_fields = fields


SESSION_RESPONSE = PolymorphicProxySerializer(
    component_name="ActivitySession",
    serializers=[SessionClinicalSerializer, SessionLoadSerializer],
    resource_type_field_name="access",
)


class ActivitySessionFilter(AthleteDataFilter):
    activity = filters.ChoiceFilter(choices=Activity.choices, help_text="The kind of session.")
    source = filters.ChoiceFilter(choices=Source.choices)
    external_id = filters.CharFilter()

    class Meta:
        model = ActivitySession
        fields = ["athlete", "case", "date", "activity", "source", "external_id"]


class ActivityFileUploadSerializer(serializers.Serializer):
    athlete = serializers.IntegerField(
        min_value=1, help_text="The athlete's id (GET /api/v1/athletes/)."
    )
    file = serializers.FileField(
        help_text=f"A FIT, GPX or TCX file as the watch or its app exported it, at most "
        f"{MAX_BYTES // (1024 * 1024)} MB."
    )


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
    DeletedBySourceMixin,
    IngestViewMixin,
    ScopedViewMixin,
    AccessViewMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    required_scopes = dict.fromkeys(  # OAuth2
        ["create", "bulk", "files", "destroy"], oauth.WRITE_SESSIONS
    )
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

    @extend_schema(
        summary="Upload an activity file (FIT, GPX, TCX)",
        description="A watch's file becomes a session of the `device` source: start, minutes, "
        "distance, heart rate and, where the file has them, cadence, ground-contact time and "
        "vertical oscillation (FIT running dynamics). The same file again for the same athlete "
        "makes nothing new: the answer is 200 with the session it made (201 the first time). "
        "A file that cannot be read (damaged, cut short, too large, not FIT/GPX/TCX, or XML "
        "with a DTD) is a 400 with the reason under `errors.file`.",
        request={"multipart/form-data": ActivityFileUploadSerializer},
        responses={
            201: SESSION_RESPONSE,
            200: SESSION_RESPONSE,
            400: OpenApiResponse(description="The file cannot be read; `errors.file` says why."),
            404: OpenApiResponse(description="Not an athlete you may record data for."),
        },
        examples=SESSION_EXAMPLES,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="files",
        parser_classes=[MultiPartParser],
        throttle_scope="bulk",
    )
    def files(self, request, format=None):
        form = ActivityFileUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        athlete_id = form.validated_data["athlete"]
        if athlete_id not in self.scope.loggable_cases():  # not theirs, or none: one answer
            raise NotFound(ingest.NOT_YOURS)
        upload = form.validated_data["file"]
        record, created = activity_file_upload(
            athlete=self.scope.cases_of_athlete(athlete_id)[0].athlete,
            upload=upload,
            name=upload.name or "",
            submitted_by=request.user,
        )
        session = record.session
        body = self.serializer_class_for(session)(session, context={"request": request}).data
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        result = ingest.CREATED if created else ingest.UNCHANGED
        return Response(body, status=code, headers={"Upsert-Result": result})
