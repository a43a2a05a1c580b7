"""/api/v1/gait-checks/: the clinician's gait checklist (limp, pain-free gait, pain during
gait, cadence, what was observed), dated and signed. The case's clinical roles only: a coach,
a nutritionist, a psychologist or an integration account lists none and records none. Not a
gate: no criterion reads them (clinical.md §8)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from monitoring.models import GaitCheck
from monitoring.running import services
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, IdFilter, idempotent

_FIELDS = [
    "id", "case", "date", "limp", "pain_free_gait", "pain", "cadence", "overstriding",
    "crossover", "heel_strike", "hip_drop", "asymmetry", "notes", "recorded_by", "created_at",
]  # fmt: skip


class GaitCheckSerializer(ClassifiedSerializer):
    class Meta:
        model = GaitCheck
        reader = "clinical"
        fields = _FIELDS
        read_only_fields = fields


class GaitCheckInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on whose clinical team you are."
    )
    date = serializers.DateField(help_text="Today or earlier.")
    limp = serializers.BooleanField()
    pain_free_gait = serializers.BooleanField()
    pain = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    cadence = serializers.IntegerField(
        min_value=100, max_value=250, required=False, allow_null=True, help_text="Steps a minute."
    )
    overstriding = serializers.BooleanField(required=False, default=False)
    crossover = serializers.BooleanField(required=False, default=False)
    heel_strike = serializers.BooleanField(required=False, default=False)
    hip_drop = serializers.BooleanField(required=False, default=False)
    asymmetry = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_record_gait_check)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class GaitCheckFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    date = filters.DateFromToRangeFilter(help_text="`date_after` and `date_before`.")

    class Meta:
        model = GaitCheck
        fields = ["athlete", "case", "date"]


_OUTPUT_ONLY = {"id", "recorded_by", "created_at"}
GAIT_CHECK_EXAMPLE = {
    "id": 12,
    "case": 7,
    "date": "2026-11-20",
    "limp": False,
    "pain_free_gait": True,
    "pain": 0,
    "cadence": 168,
    "overstriding": True,
    "crossover": False,
    "heel_strike": True,
    "hip_drop": False,
    "asymmetry": False,
    "notes": "Treadmill 10 km/h, filmed from the side.",
    "recorded_by": 6,
    "created_at": "2026-11-20T10:05:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="List gait checks",
        description="The gait checks of the cases on whose clinical team you are, latest "
        "first. Coaches and integration accounts never see them.",
        examples=[OpenApiExample("A gait check", value=GAIT_CHECK_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get a gait check",
        examples=[OpenApiExample("A gait check", value=GAIT_CHECK_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Record a gait check",
        description="The case's clinical roles. `limp` and `pain_free_gait` are required; "
        "pain 0-10, cadence 100-250 steps a minute. Not a gate: no criterion reads it. Send "
        "an `Idempotency-Key` to make a retry safe.",
        request=GaitCheckInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: GaitCheckSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "A gait check",
                value={
                    k: v
                    for k, v in GAIT_CHECK_EXAMPLE.items()
                    if k not in {"id", "recorded_by", "created_at"}
                },
                request_only=True,
            ),
        ],
    ),
)
class GaitCheckViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    records_access = True  # a detail read is in the access log
    serializer_class = GaitCheckSerializer
    filterset_class = GaitCheckFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return GaitCheck.objects.none()
        ids = self.scope.case_ids(permissions.can_view_gait_checks)
        return GaitCheck.objects.filter(case_id__in=ids)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = GaitCheckInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = self.scope.case(values.pop("case").pk)
        check = services.gait_check_record(case=case, by=request.user, **values)
        return Response(GaitCheckSerializer(check).data, status=status.HTTP_201_CREATED)
