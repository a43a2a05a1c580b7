"""REST API of protocol templates (read) and plans with their phases (/api/v1/templates/, /plans/).

A plan's phases show everyone on the case what is prescribed; the gating criteria, citations,
notes and sign-offs only those who may see clinical data (`permissions.can_view_clinical`).
Clinicians decide phase changes with `POST /plans/{id}/transitions/`: the system only
recommends, a person decides (`services.transition_decide`).
"""

from __future__ import annotations

import datetime as dt

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
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from athletes import permissions
from athletes.sites import SITE_CHOICES
from protocols import services
from protocols.engine.projection import project
from protocols.models import PhaseTemplate, PhaseTransition, Plan, PlanPhase, ProtocolTemplate
from protocols.wording import intensity_without_pain
from rehab.api import (
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY,
    AccessViewMixin,
    IdFilter,
    ScopedCaseFilter,
    ScopedViewMixin,
    clinical_access,
    idempotent,
    summary_access,
)

# --- templates ----------------------------------------------------------------------------------

CRITERIA_HELP = "Items of the criteria language (docs/criteria.md): a `kind` and its parameters."


class PhaseTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseTemplate
        fields = ["id", *PhaseTemplate.COPIED_FIELDS]
        extra_kwargs = {
            "advance_when": {"help_text": CRITERIA_HELP},
            "regress_when": {"help_text": CRITERIA_HELP},
            "warn_when": {"help_text": CRITERIA_HELP},
        }


class ProtocolTemplateSerializer(serializers.ModelSerializer):
    sites = serializers.ListField(child=serializers.CharField(), read_only=True)
    citations = serializers.ListField(child=serializers.CharField(), read_only=True)
    phases = PhaseTemplateSerializer(many=True, read_only=True)

    class Meta:
        model = ProtocolTemplate
        fields = [
            "id", "slug", "version", "name", "summary", "sites", "risk", "conservative",
            "status", "shipped", "citations", "published_at", "phases",
        ]  # fmt: skip


class ProtocolTemplateFilter(filters.FilterSet):
    site = filters.ChoiceFilter(
        choices=SITE_CHOICES, method="filter_site", help_text="Templates written for this site."
    )
    risk = filters.ChoiceFilter(choices=ProtocolTemplate.Risk.choices)
    conservative = filters.BooleanFilter()
    status = filters.ChoiceFilter(
        choices=[
            (ProtocolTemplate.Status.PUBLISHED, "Published"),
            (ProtocolTemplate.Status.RETIRED, "Retired"),
        ]
    )

    class Meta:
        model = ProtocolTemplate
        fields = ["site", "risk", "conservative", "status"]

    def filter_site(self, queryset, name, value):
        # A JSON list of site codes; the quotes match one whole code (SQLite and PostgreSQL).
        return queryset.filter(sites__icontains=f'"{value}"')


TEMPLATE_EXAMPLE = {
    "id": 2,
    "slug": "low-risk-tibia",
    "version": 1,
    "name": "Low-risk tibial BSI: return to running",
    "summary": "Protected loading, then a walk-run progression.",
    "sites": ["posteromedial_tibia", "fibula"],
    "risk": "low",
    "conservative": False,
    "status": "published",
    "shipped": True,
    "citations": ["Oxford University Hospitals NHS, return to running (2024)"],
    "published_at": "2026-09-01T08:00:00Z",
    "phases": [
        {
            "id": 11,
            "order": 1,
            "name": "Protected loading",
            "goal": "Pain-free walking for daily life.",
            "min_days": 7,
            "typical_days": 10,
            "weight_bearing": "fwb",
            "crutches": False,
            "impact": "none",
            "prescriptions": [{"activity": "walk", "minutes": 20, "sessions_per_week": 7}],
            "advance_when": [{"kind": "pain_max", "field": "rest", "max": 0, "days": 5}],
            "regress_when": [{"kind": "night_pain"}],
            "warn_when": [],
            "citations": [],
            "notes": "",
        }
    ],
}


class ReadsTemplateLibrary(BasePermission):
    """The library is for clinic staff (as on the pages): coaches, athletes and integration
    accounts get 403."""

    message = "The protocol library is for clinic staff."

    def has_permission(self, request, view) -> bool:
        return permissions.can_read_template_library(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List protocol templates",
        description="Published and retired templates (drafts stay in the clinic). Filter by "
        "`site`, `risk`, `conservative`.",
        examples=[OpenApiExample("A template", value=TEMPLATE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get a protocol template",
        examples=[OpenApiExample("A template", value=TEMPLATE_EXAMPLE, response_only=True)],
    ),
)
class ProtocolTemplateViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, ReadsTemplateLibrary]
    serializer_class = ProtocolTemplateSerializer
    filterset_class = ProtocolTemplateFilter
    ordering_fields = ["id", "slug", "version", "name"]
    ordering = ["slug", "-version"]

    def get_queryset(self):
        return ProtocolTemplate.objects.filter(
            status__in=[ProtocolTemplate.Status.PUBLISHED, ProtocolTemplate.Status.RETIRED]
        ).prefetch_related(Prefetch("phases", queryset=PhaseTemplate.objects.order_by("order")))


# --- plans --------------------------------------------------------------------------------------


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


class PhaseSummarySerializer(serializers.ModelSerializer):
    """What a phase allows: for everyone on the case (no criteria, notes or citations)."""

    state = serializers.SerializerMethodField(help_text="done, current or upcoming.")
    prescriptions = PrescriptionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = PlanPhase
        fields = [
            "id", "order", "name", "goal", "state", "started_on", "ended_on", "min_days",
            "typical_days", "weight_bearing", "crutches", "impact", "prescriptions",
        ]  # fmt: skip

    def get_state(self, phase: PlanPhase) -> str:
        if phase.plan.current_phase_id == phase.pk:
            return "current"
        return "done" if phase.ended_on else "upcoming"


class PhaseClinicalSerializer(PhaseSummarySerializer):
    prescriptions = PrescriptionClinicalSerializer(many=True, read_only=True)

    class Meta(PhaseSummarySerializer.Meta):
        fields = [
            *PhaseSummarySerializer.Meta.fields,
            "advance_when",
            "regress_when",
            "warn_when",
            "citations",
            "notes",
            "signed_off_on",
        ]
        extra_kwargs = PhaseTemplateSerializer.Meta.extra_kwargs


class ProjectionSerializer(serializers.Serializer):
    earliest_return = serializers.DateField(
        allow_null=True, help_text="If every phase ends at its minimum days."
    )
    typical_return = serializers.DateField(
        allow_null=True, help_text="If every phase takes its typical days."
    )


class PlanSummarySerializer(serializers.ModelSerializer):
    """A plan without its name (plan names often name the injury site) or its criteria."""

    access = summary_access()
    athlete = serializers.IntegerField(source="case.athlete_id", read_only=True)
    projection = serializers.SerializerMethodField()
    phases = PhaseSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Plan
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
        fields = [*PlanSummarySerializer.Meta.fields, "name"]
        read_only_fields = fields


PLAN_RESPONSE = PolymorphicProxySerializer(
    component_name="Plan",
    serializers=[PlanClinicalSerializer, PlanSummarySerializer],
    resource_type_field_name="access",
)


class CurrentPhaseSerializer(serializers.ModelSerializer):
    prescriptions = PrescriptionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = PlanPhase
        fields = [
            "id", "order", "name", "started_on", "weight_bearing", "crutches", "impact",
            "prescriptions",
        ]  # fmt: skip


class PlanRefSerializer(serializers.ModelSerializer):
    """A case's active plan in brief, for the case's summary view (no plan name)."""

    current_phase = CurrentPhaseSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "status", "started_on", "current_phase"]


class CurrentPhaseClinicalSerializer(CurrentPhaseSerializer):
    prescriptions = PrescriptionSerializer(many=True, read_only=True)


class PlanRefClinicalSerializer(PlanRefSerializer):
    current_phase = CurrentPhaseClinicalSerializer(allow_null=True, read_only=True)

    class Meta(PlanRefSerializer.Meta):
        fields = [*PlanRefSerializer.Meta.fields, "name"]


class TransitionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            (PhaseTransition.Kind.ADVANCE, "Advance"),
            (PhaseTransition.Kind.REGRESS, "Step back"),
            (PhaseTransition.Kind.HOLD, "Hold in phase"),
            (PhaseTransition.Kind.COMPLETE, "Complete (returned to sport)"),
        ]
    )
    reason = serializers.CharField(max_length=4000, help_text="Why: kept with the decision.")
    effective_on = serializers.DateField(
        required=False, help_text="Default today; not before the current phase started."
    )
    judged_from = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="A step back only: the phase stepped back to is judged on data from this day "
        "on (default the day after the decision takes effect; up to 28 days after it).",
    )
    to_phase = serializers.PrimaryKeyRelatedField(
        queryset=PlanPhase.objects.none(),
        required=False,
        allow_null=True,
        help_text="A phase of this plan; default the next (advance) or previous (step back).",
    )
    expected_phase = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The current phase you decided on. If the plan has moved since (a retry, "
        "another clinician), nothing changes and you get a 400: send it to make retries safe.",
    )
    override = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Advance or complete against the recommendation (a criterion not met or "
        "unknown, or a red flag open): required then, as on the case page, with the reason.",
    )

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["to_phase"].queryset = PlanPhase.objects.filter(plan=plan)


class StartDateInputSerializer(serializers.Serializer):
    started_on = serializers.DateField(help_text="The date the plan really started.")
    reason = serializers.CharField(max_length=4000, help_text="Why: kept in the audit trail.")


class UndoInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, help_text="Why: kept in the audit trail.")


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseTransition
        fields = [
            "id", "plan", "kind", "from_phase", "to_phase", "effective_on", "decided_at",
            "decided_by", "reason", "overridden",
        ]  # fmt: skip
        read_only_fields = fields


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


@extend_schema_view(
    list=extend_schema(
        summary="List plans",
        description="Plans of your cases with their phases. Draft plans only for clinicians.",
        responses=PLAN_RESPONSE,
        examples=PLAN_EXAMPLES,
    ),
    retrieve=extend_schema(summary="Get a plan", responses=PLAN_RESPONSE, examples=PLAN_EXAMPLES),
)
class PlanViewSet(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    clinical_serializer_class = PlanClinicalSerializer
    summary_serializer_class = PlanSummarySerializer
    serializer_class = PlanSummarySerializer
    filterset_class = PlanFilter
    ordering_fields = ["id", "started_on", "status"]
    ordering = ["-id"]
    action_predicates = {
        "transitions": permissions.can_decide_transition,
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
        summary="Decide a phase change",
        description="Advance, step back, hold or complete the plan (clinicians of the case "
        "only). Send `expected_phase`, or an `Idempotency-Key`: a retry changes nothing. "
        "Advancing or completing against the recommendation (a criterion not met or unknown, "
        "or a red flag open) needs `override: true` and the reason, as on the case page (else "
        "400 with an `override` error). The server keeps its current evaluation with the "
        "decision.",
        request=TransitionInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: TransitionSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "Advance after review",
                value={
                    "kind": "advance",
                    "reason": "Pain-free walk-run for 7 days; 12 hops without pain.",
                    "effective_on": "2026-10-29",
                    "expected_phase": 31,
                },
                request_only=True,
            ),
            OpenApiExample(
                "The decision",
                value={
                    "id": 55,
                    "plan": 9,
                    "kind": "advance",
                    "from_phase": 31,
                    "to_phase": 32,
                    "effective_on": "2026-10-29",
                    "decided_at": "2026-10-29T10:02:11Z",
                    "decided_by": 5,
                    "reason": "Pain-free walk-run for 7 days; 12 hops without pain.",
                },
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def transitions(self, request, pk=None, format=None):
        plan = self.get_object()
        data = TransitionInputSerializer(data=request.data, plan=plan)
        data.is_valid(raise_exception=True)
        from monitoring.evaluation import (
            decisions,  # the rules the case page's form follows as well
        )

        values = dict(data.validated_data)
        today = _today()
        transition = decisions.phase_decide(
            plan=plan,
            kind=values.pop("kind"),
            decided_by=request.user,
            reason=values.pop("reason"),
            effective_on=values.pop("effective_on", None) or today,
            today=today,
            override=values.pop("override", False),
            to_phase=values.pop("to_phase", None),
            expected_phase_id=values.pop("expected_phase", None),
            **values,
        )
        return Response(TransitionSerializer(transition).data, status=status.HTTP_201_CREATED)

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
            today=_today(),
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


def _today() -> dt.date:
    return timezone.localdate()
