"""/api/v1/plans/: the plans of the caller's cases with their phases and projected return, and
the corrections of a plan (its start date, its last phase decision)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.permissions.classification import FieldClass
from protocols import services
from protocols.api.templates import PhaseTemplateSerializer
from protocols.engine.projection import project
from protocols.models import Plan, PlanPhase
from protocols.wording import intensity_without_pain
from rehab.api import AccessViewMixin, IdFilter, clinical_access, summary_access


class PrescriptionSerializer(serializers.Serializer):
    """One line of what a phase prescribes."""

    activity = serializers.CharField(help_text="An activity code (docs/criteria.md).")
    minutes = serializers.IntegerField(required=False, allow_null=True)
    sessions_per_week = serializers.IntegerField(required=False, allow_null=True)
    intensity = serializers.CharField(required=False, allow_blank=True)


class PrescriptionClinicalSerializer(PrescriptionSerializer):
    notes = serializers.CharField(required=False, allow_blank=True, help_text="Clinical notes.")


class SummaryIntensityField(serializers.CharField):
    """The intensity without its pain clause: pain limits are clinical."""

    def to_representation(self, value) -> str:
        return intensity_without_pain(super().to_representation(value))


class PrescriptionSummarySerializer(PrescriptionSerializer):
    """A prescription for the summary view (coach, nutritionist, psychologist, integration)."""

    intensity = SummaryIntensityField(required=False, allow_blank=True)


class PhaseSummarySerializer(ClassifiedSerializer):
    """What a phase allows: for everyone on the case (no criteria, notes or citations)."""

    state = serializers.SerializerMethodField(help_text="done, current or upcoming.")
    prescriptions = PrescriptionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = PlanPhase
        reader = "summary"
        field_classes = {"state": FieldClass.COACH_SAFE}
        fields = [
            "id", "order", "name", "state", "started_on", "ended_on", "min_days",
            "typical_days", "weight_bearing", "crutches", "impact", "prescriptions",
        ]  # fmt: skip

    def get_state(self, phase: PlanPhase) -> str:
        if phase.plan.current_phase_id == phase.pk:
            return "current"
        return "done" if phase.ended_on else "upcoming"


class PhaseClinicalSerializer(PhaseSummarySerializer):
    prescriptions = PrescriptionClinicalSerializer(many=True, read_only=True)

    class Meta(PhaseSummarySerializer.Meta):
        reader = "clinical"
        fields = [
            *PhaseSummarySerializer.Meta.fields,
            "goal",
            "advance_when",
            "regress_when",
            "warn_when",
            "citations",
            "notes",
            "signed_off_on",
            "exercises",
        ]
        extra_kwargs = PhaseTemplateSerializer.Meta.extra_kwargs


class ProjectionSerializer(serializers.Serializer):
    earliest_return = serializers.DateField(
        allow_null=True, help_text="If every phase ends at its minimum days."
    )
    typical_return = serializers.DateField(
        allow_null=True, help_text="If every phase takes its typical days."
    )


class PlanSummarySerializer(ClassifiedSerializer):
    """A plan without its name (plan names often name the injury site) or its criteria."""

    access = summary_access()
    athlete = serializers.IntegerField(source="case.athlete_id", read_only=True)
    projection = serializers.SerializerMethodField()
    phases = PhaseSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        reader = "summary"
        field_classes = {"projection": FieldClass.COACH_SAFE}
        fields = [
            "access", "id", "case", "athlete", "status", "template", "template_version",
            "started_on", "ended_on", "current_phase", "projection", "phases",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ProjectionSerializer(allow_null=True))
    def get_projection(self, plan: Plan) -> dict | None:
        if plan.status in {Plan.Status.COMPLETED, Plan.Status.STOPPED}:
            return None
        phases = list(plan.phases.all())
        if not phases:
            return None
        projected = project(phases, today=timezone.localdate(), start=plan.started_on)
        return {
            "earliest_return": projected.earliest_return,
            "typical_return": projected.typical_return,
        }


class PlanClinicalSerializer(PlanSummarySerializer):
    access = clinical_access()
    phases = PhaseClinicalSerializer(many=True, read_only=True)

    class Meta(PlanSummarySerializer.Meta):
        reader = "clinical"
        fields = [*PlanSummarySerializer.Meta.fields, "name"]
        read_only_fields = fields


PLAN_RESPONSE = PolymorphicProxySerializer(
    component_name="Plan",
    serializers=[PlanClinicalSerializer, PlanSummarySerializer],
    resource_type_field_name="access",
)


class CurrentPhaseSerializer(ClassifiedSerializer):
    prescriptions = PrescriptionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = PlanPhase
        reader = "summary"
        fields = [
            "id", "order", "name", "started_on", "weight_bearing", "crutches", "impact",
            "prescriptions",
        ]  # fmt: skip


class PlanRefSerializer(ClassifiedSerializer):
    """A case's active plan in brief, for the case's summary view (no plan name)."""

    current_phase = CurrentPhaseSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Plan
        reader = "summary"
        fields = ["id", "status", "started_on", "current_phase"]


class CurrentPhaseClinicalSerializer(CurrentPhaseSerializer):
    prescriptions = PrescriptionSerializer(many=True, read_only=True)

    class Meta(CurrentPhaseSerializer.Meta):
        reader = "clinical"


class PlanRefClinicalSerializer(PlanRefSerializer):
    current_phase = CurrentPhaseClinicalSerializer(allow_null=True, read_only=True)

    class Meta(PlanRefSerializer.Meta):
        reader = "clinical"
        fields = [*PlanRefSerializer.Meta.fields, "name"]


class StartDateInputSerializer(serializers.Serializer):
    started_on = serializers.DateField(help_text="The date the plan really started.")
    reason = serializers.CharField(max_length=4000, help_text="Why: kept in the audit trail.")


class UndoInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, help_text="Why: kept in the audit trail.")


class PlanFilter(filters.FilterSet):
    case = ScopedCaseFilter()
    athlete = IdFilter(field_name="case__athlete_id")
    status = filters.ChoiceFilter(choices=Plan.Status.choices)

    class Meta:
        model = Plan
        fields = ["case", "athlete", "status"]


PHASE_EXAMPLE = {
    "id": 31,
    "order": 2,
    "name": "Walk-run",
    "goal": "Tolerate alternating walking and jogging pain-free.",
    "state": "current",
    "started_on": "2026-10-15",
    "ended_on": None,
    "min_days": 14,
    "typical_days": 21,
    "weight_bearing": "fwb",
    "crutches": False,
    "impact": "moderate",
    "prescriptions": [{"activity": "walk_run", "minutes": 30, "sessions_per_week": 3}],
}
PLAN_SUMMARY_EXAMPLE = {
    "access": "summary",
    "id": 9,
    "case": 7,
    "athlete": 12,
    "status": "active",
    "template": 2,
    "template_version": 1,
    "started_on": "2026-10-01",
    "ended_on": None,
    "current_phase": 31,
    "projection": {"earliest_return": "2026-11-26", "typical_return": "2026-12-17"},
    "phases": [PHASE_EXAMPLE],
}
PLAN_CLINICAL_EXAMPLE = {
    **PLAN_SUMMARY_EXAMPLE,
    "access": "clinical",
    "name": "Low-risk tibial BSI: return to running",
    "phases": [
        {
            **PHASE_EXAMPLE,
            "advance_when": [
                {"kind": "min_days_in_phase", "days": 14},
                {"kind": "pain_max", "field": "during", "max": 2, "days": 7},
            ],
            "regress_when": [{"kind": "pain_above", "field": "during", "above": 5}],
            "warn_when": [{"kind": "load_spike"}],
            "citations": ["Gallatin & Graver 2019"],
            "notes": "",
            "signed_off_on": None,
        }
    ],
}
PLAN_EXAMPLES = [
    OpenApiExample("Clinical view", value=PLAN_CLINICAL_EXAMPLE, response_only=True),
    OpenApiExample("Summary view", value=PLAN_SUMMARY_EXAMPLE, response_only=True),
]


# Plans of the caller's cases, and the corrections of a plan; the phase decisions, judged against
# the case's evaluation, are added by `monitoring.api.plans.PlanViewSet`. (No docstring: the
# operations' description in the schema is the one the viewset inherits.)
@extend_schema_view(
    list=extend_schema(
        summary="List plans",
        description="Plans of your cases with their phases. Draft plans only for clinicians.",
        responses=PLAN_RESPONSE,
        examples=PLAN_EXAMPLES,
    ),
    retrieve=extend_schema(summary="Get a plan", responses=PLAN_RESPONSE, examples=PLAN_EXAMPLES),
)
class PlanViewSetBase(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    clinical_serializer_class = PlanClinicalSerializer
    summary_serializer_class = PlanSummarySerializer
    serializer_class = PlanSummarySerializer
    filterset_class = PlanFilter
    ordering_fields = ["id", "started_on", "status"]
    ordering = ["-id"]
    action_predicates = {
        "start_date": permissions.can_edit_plan,
        "undo_transition": permissions.can_decide_transition,
    }

    def get_queryset(self):
        visible = self.scope.case_ids(permissions.can_view_case)
        editors = self.scope.case_ids(permissions.can_edit_plan)
        return (
            Plan.objects.filter(case_id__in=visible)
            .filter(~Q(status=Plan.Status.DRAFT) | Q(case_id__in=editors))
            .select_related("case")
            .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
        )

    def sees_clinical(self, plan: Plan) -> bool:
        return self.scope.allows(permissions.can_view_clinical, plan.case_id)

    @extend_schema(
        summary="Correct a plan's start date",
        description="A start date typed wrong, corrected with a reason (kept in the audit "
        "trail): on or after the diagnosis, not in the future, not after the first phase ended. "
        "Clinicians of the case only.",
        request=StartDateInputSerializer,
        responses={200: PlanClinicalSerializer},
        examples=[
            OpenApiExample(
                "A start date typed wrong",
                value={"started_on": "2026-10-01", "reason": "Typed 10 Oct; started 1 Oct."},
                request_only=True,
            ),
            OpenApiExample("The plan", value=PLAN_CLINICAL_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"], url_path="start-date")
    def start_date(self, request, pk=None, format=None):
        plan = self.get_object()
        data = StartDateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_start_correct(
            plan=plan,
            started_on=data.validated_data["started_on"],
            corrected_by=request.user,
            reason=data.validated_data["reason"],
            today=timezone.localdate(),
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(PlanClinicalSerializer(plan, context={"request": request}).data)

    @extend_schema(
        summary="Undo the last phase decision",
        description="Undo the plan's last advance, step back, hold or completion, with a "
        "reason kept in the audit trail: the phases' dates and the current phase go back to "
        "what the earlier decisions made them; the answer is the plan. Clinicians of the case "
        "only.",
        request=UndoInputSerializer,
        responses={200: PlanClinicalSerializer},
        examples=[
            OpenApiExample(
                "Undo an advance recorded on the wrong case",
                value={"reason": "Recorded on the wrong athlete's plan."},
                request_only=True,
            ),
            OpenApiExample("The plan", value=PLAN_CLINICAL_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"], url_path="undo-transition")
    def undo_transition(self, request, pk=None, format=None):
        plan = self.get_object()
        data = UndoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.transition_undo(
            plan=plan, undone_by=request.user, reason=data.validated_data["reason"]
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(PlanClinicalSerializer(plan, context={"request": request}).data)
