"""/api/v1/plans/: the plan endpoint (`protocols.api.plans`) with the clinicians' phase decisions,
which follow the same rules as the case page's form (`monitoring.evaluation.decisions`): the
system only recommends, a person decides."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer
from monitoring.api.programmes import ProgrammeActions
from monitoring.evaluation import decisions
from protocols.api.plans import PlanViewSetBase
from protocols.models import PhaseTransition, Plan, PlanPhase
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, idempotent


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


class TransitionSerializer(ClassifiedSerializer):
    """A decision with its reason: written to and read by the case's clinicians."""

    class Meta:
        model = PhaseTransition
        reader = "clinical"
        fields = [
            "id", "plan", "kind", "from_phase", "to_phase", "effective_on", "decided_at",
            "decided_by", "reason", "overridden",
        ]  # fmt: skip
        read_only_fields = fields


# Plans of the caller's cases, with `POST /plans/{id}/transitions/` for their clinicians. (No
# docstring: the operations' description in the schema is the one their viewset inherits.)
class PlanViewSet(ProgrammeActions, PlanViewSetBase):
    action_predicates = {
        **PlanViewSetBase.action_predicates,
        "transitions": permissions.can_decide_transition,
        **ProgrammeActions.programme_predicates,
    }

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
        values = dict(data.validated_data)
        today = timezone.localdate()
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
