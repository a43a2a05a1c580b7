"""/api/v1/return-decisions/: the return-to-play decision (StARRT: tissue health, tissue
stresses, risk-tolerance modifiers, then the decision), read and recorded by the case's
clinicians. Completing the plan (`POST /api/v1/plans/{id}/decide/` with `complete`) and the
discharge need a current return decision (full, or with restrictions)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from monitoring.ingest.checks import athlete_today
from protocols import services as plan_services
from protocols.models import ReturnDecision
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, IdFilter, idempotent

STEPS = [
    "symptoms", "tenderness", "imaging", "function_tests",
    "sport", "level", "position_event", "surface", "planned_load",
    "season_timing", "pressure", "masking", "conflicts", "fear",
    "decision", "cleared_from", "restrictions", "reasons",
]  # fmt: skip


class ReturnDecisionSerializer(ClassifiedSerializer):
    class Meta:
        model = ReturnDecision
        reader = "clinical"
        fields = ["id", "case", *STEPS, "recorded_by", "recorded_at", "updated_at"]
        read_only_fields = fields


class ReturnDecisionInputSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case whose return to play you decide."
    )

    class Meta:
        model = ReturnDecision
        fields = ["case", *STEPS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_record_return_decision)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class ReturnDecisionFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    decision = filters.ChoiceFilter(choices=ReturnDecision.Decision.choices)

    class Meta:
        model = ReturnDecision
        fields = ["athlete", "case", "decision"]


EXAMPLE = {
    "case": 7,
    "symptoms": "Pain-free for 21 days, logged every day.",
    "tenderness": "No bony tenderness.",
    "imaging": "",
    "function_tests": "Single-leg hops 30 (90% symmetry); heel raises 28.",
    "sport": "Distance running",
    "level": "club",
    "position_event": "5,000 m",
    "surface": "Road and track",
    "planned_load": "Four runs a week, 30 km, one session of strides.",
    "season_timing": "pre",
    "pressure": "",
    "masking": "",
    "conflicts": "",
    "fear": "TSK-11 24; I-PRRS 52.",
    "decision": "restricted",
    "cleared_from": "2027-01-12",
    "restrictions": "No races before February; no more than one hard session a week.",
    "reasons": "Tissue healed and strong; a race block is near, so the first weeks are capped.",
}


OUT = {
    "id": 12, **EXAMPLE, "recorded_by": 6, "recorded_at": "2027-01-12T10:30:00Z",
    "updated_at": "2027-01-12T10:30:00Z",
}  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="List return-to-play decisions",
        description="The StARRT records of your cases (clinical roles), the latest first.",
        examples=[OpenApiExample("A decision", value=OUT, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get a return-to-play decision",
        examples=[OpenApiExample("A decision", value=OUT, response_only=True)],
    ),
    create=extend_schema(
        summary="Record a return-to-play decision (StARRT)",
        description="The three steps and the decision, by a clinician of the case. Required: "
        "symptoms, tenderness, function_tests, sport, level, planned_load, season_timing, "
        "decision and reasons; `cleared_from` with a return; `restrictions` with `restricted`. "
        "Every record is kept; the latest counts. Send an `Idempotency-Key` to make a retry "
        "safe.",
        request=ReturnDecisionInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReturnDecisionSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample("With restrictions", value=EXAMPLE, request_only=True),
            OpenApiExample("A decision", value=OUT, response_only=True),
        ],
    ),
)
class ReturnDecisionViewSet(
    ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    records_access = True
    serializer_class = ReturnDecisionSerializer
    filterset_class = ReturnDecisionFilter
    ordering_fields = ["recorded_at", "id"]
    ordering = ["-recorded_at", "-id"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return ReturnDecision.objects.none()
        ids = self.scope.case_ids(permissions.can_view_return_decision)
        return ReturnDecision.objects.filter(case_id__in=ids)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = ReturnDecisionInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = self.scope.case(values.pop("case").pk)
        decision = plan_services.return_decision_record(
            case=case, by=request.user, data=values, today=athlete_today()
        )
        return Response(ReturnDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
