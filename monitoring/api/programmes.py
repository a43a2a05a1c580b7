"""``/api/v1/plans/{id}/programme/``: a plan's run-walk programmes (one per walk-run phase),
where the athlete stands in the current one, and the clinicians' writes: the phase's copy
edited or replaced by a shipped programme (``PUT``), and a decision on a proposed step down
(``POST /plans/{id}/programme-decision/``). The stage is training information (everyone on the
case); why a step down is proposed and the decisions' reasons are clinical."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from athletes import permissions
from monitoring.evaluation.programmes import phase_programme_state
from monitoring.ingest.checks import athlete_today
from protocols.engine.programme import stages_of
from protocols.models import PlanPhase
from protocols.services import programmes as services


class StageSerializer(serializers.Serializer):
    run = serializers.IntegerField(help_text="Minutes running in each repeat.")
    walk = serializers.IntegerField(help_text="Minutes walking in each repeat (0: continuous).")
    repeats = serializers.IntegerField()
    sessions = serializers.IntegerField(help_text="Pain-free completed sessions that finish it.")


class ProgrammeInputSerializer(serializers.Serializer):
    phase = serializers.IntegerField(help_text="The walk-run phase of this plan.")
    slug = serializers.CharField(
        required=False, help_text="Replace the phase's copy with a shipped programme."
    )
    stages = StageSerializer(many=True, required=False)
    rest_days = serializers.IntegerField(required=False)
    pain_limit = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionInputSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    trigger = serializers.DateField(help_text="The run day of the proposal you decide on.")
    decision = serializers.ChoiceField(choices=services.DECISIONS)
    reason = serializers.CharField()


class StageOutSerializer(StageSerializer):
    label = serializers.CharField(help_text='"Run 2 min / walk 1 min × 10, 30 min".')


class StepDownSerializer(serializers.Serializer):
    trigger = serializers.DateField(help_text="The run day whose pain proposed it.")
    from_stage = serializers.IntegerField()
    to_stage = serializers.IntegerField()
    reasons = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Clinical readers only."
    )


class StateSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    sessions_done = serializers.IntegerField()
    sessions_needed = serializers.IntegerField()
    offered_stage = serializers.IntegerField(help_text="The lower stage while a step down waits.")
    run_due = serializers.BooleanField()
    next_run_on = serializers.DateField()
    finished = serializers.BooleanField()
    step_down = StepDownSerializer(allow_null=True)


class ProgrammeSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    phase_name = serializers.CharField()
    current = serializers.BooleanField()
    name = serializers.CharField()
    rest_days = serializers.IntegerField()
    pain_limit = serializers.IntegerField()
    stages = StageOutSerializer(many=True)
    citations = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Clinical readers only."
    )
    state = StateSerializer(allow_null=True, help_text="The current phase's only.")
    decisions = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Clinical readers only."
    )


PROGRAMME_EXAMPLE = [
    {
        "phase": 31,
        "phase_name": "Walk-run progression",
        "current": True,
        "name": "Gallatin & Graver walk-run progression (2019)",
        "rest_days": 1,
        "pain_limit": 2,
        "stages": [{"run": 1, "walk": 4, "repeats": 6, "sessions": 2, "label": "Run 1 min / "
                    "walk 4 min × 6, 30 min"}],
        "state": {"stage": 1, "sessions_done": 1, "sessions_needed": 2, "offered_stage": 1,
                  "run_due": True, "next_run_on": "2026-10-29", "finished": False,
                  "step_down": None},
    }
]  # fmt: skip


def _state(state, clinical: bool) -> dict | None:
    if state is None:
        return None
    down = state.step_down
    return {
        "stage": state.stage,
        "sessions_done": state.sessions_done,
        "sessions_needed": state.sessions_needed,
        "offered_stage": state.offered_stage,
        "run_due": state.run_due,
        "next_run_on": state.next_run_on,
        "finished": state.finished,
        "step_down": None
        if down is None
        else {
            "trigger": down.trigger,
            "from_stage": down.from_stage,
            "to_stage": down.to_stage,
            **({"reasons": list(down.reasons)} if clinical else {}),
        },
    }


def programmes_of(plan, *, clinical: bool) -> list[dict]:
    """The plan's walk-run phases' programmes, the current one with the athlete's state."""
    today = athlete_today(plan.case.athlete)
    out = []
    for phase in plan.phases.all():
        data = phase.programme
        if not data:
            continue
        current = plan.current_phase_id == phase.pk
        state = phase_programme_state(phase, plan.case.athlete_id, today) if current else None
        item = {
            "phase": phase.pk,
            "phase_name": phase.name,
            "current": current,
            "name": data.get("name"),
            "rest_days": data.get("rest_days"),
            "pain_limit": data.get("pain_limit"),
            "stages": [
                {**s, "label": stage.label()}
                for s, stage in zip(data["stages"], stages_of(data), strict=True)
            ],
            "state": _state(state, clinical),
        }
        if clinical:  # the sources name symptoms; the decisions say why
            item["citations"] = data.get("citations", [])
            item["decisions"] = data.get("decisions", [])
        out.append(item)
    return out


class ProgrammeActions:
    """The plan viewset's programme actions (``monitoring.api.plans.PlanViewSet``)."""

    programme_predicates = {
        "programme": permissions.can_view_programme_stage,
        "programme_update": permissions.can_decide_programme,
        "programme_decision": permissions.can_decide_programme,
    }

    def _walk_run_phase(self, plan, phase_id) -> PlanPhase:
        return get_object_or_404(PlanPhase, pk=phase_id, plan=plan)

    @extend_schema(
        summary="The plan's run-walk programmes",
        description="Each walk-run phase's own programme (stages, rest days, pain limit) and, "
        "for the current phase, where the athlete stands: stage, pain-free sessions done at it, "
        "whether a run is due today, a step down waiting for a clinician. Everyone on the case "
        "reads the stage; why a step down is proposed and the decisions are clinical.",
        responses={200: ProgrammeSerializer(many=True)},
        examples=[OpenApiExample("A programme", value=PROGRAMME_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["get"], url_path="programme", pagination_class=None)
    def programme(self, request, pk=None, format=None):
        plan = self.get_object()
        return Response(programmes_of(plan, clinical=self.sees_clinical(plan)))

    @extend_schema(
        summary="Edit a walk-run phase's programme",
        description="Replace the phase's copy with a shipped programme (`slug`), or edit its "
        "stages, rest days (at least 1) and pain limit. Clinicians of the case only; a reason "
        "is required on an active plan. Bad values: 400 with errors by field "
        "(`stages.0.repeats`).",
        request=ProgrammeInputSerializer,
        responses={200: ProgrammeSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Shorter stages",
                value={
                    "phase": 31,
                    "stages": [{"run": 1, "walk": 2, "repeats": 8, "sessions": 3}],
                    "rest_days": 1,
                    "pain_limit": 2,
                    "reason": "Calf tightness after the first run: a gentler start.",
                },
                request_only=True,
            ),
            OpenApiExample("The programmes", value=PROGRAMME_EXAMPLE, response_only=True),
        ],
    )
    @programme.mapping.put
    def programme_update(self, request, pk=None, format=None):
        plan = self.get_object()
        data = ProgrammeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        phase = self._walk_run_phase(plan, values.pop("phase"))
        slug, reason = values.pop("slug", None), values.pop("reason", "")
        services.phase_programme_set(
            phase=phase,
            edited_by=request.user,
            slug=slug,
            data=None if slug else {**(phase.programme or {"name": "Clinic programme"}), **values},
            reason=reason,
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(programmes_of(plan, clinical=True))

    @extend_schema(
        summary="Confirm or decline a proposed step down",
        description="The system proposes a step down of the run-walk programme on pain; a "
        "clinician of the case confirms or declines it with a reason. `trigger` is the run day "
        "of the proposal shown: if it is no longer the one waiting, 400 and nothing changes.",
        request=DecisionInputSerializer,
        responses={200: ProgrammeSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Confirm",
                value={
                    "phase": 31,
                    "trigger": "2026-10-27",
                    "decision": "confirmed",
                    "reason": "Shin pain 4/10 on the run; back to stage 1.",
                },
                request_only=True,
            ),
            OpenApiExample("The programmes", value=PROGRAMME_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"], url_path="programme-decision", pagination_class=None)
    def programme_decision(self, request, pk=None, format=None):
        plan = self.get_object()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        phase = self._walk_run_phase(plan, values["phase"])
        state = phase_programme_state(phase, plan.case.athlete_id, athlete_today(plan.case.athlete))
        services.programme_step_down_decide(
            phase=phase,
            decided_by=request.user,
            decision=values["decision"],
            trigger=values["trigger"],
            proposal=state.step_down if state else None,
            reason=values["reason"],
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(programmes_of(plan, clinical=True))
