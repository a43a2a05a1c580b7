"""Corrections of a plan: its start date typed wrong, its last phase decision undone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction

from athletes import permissions
from athletes.audit import audited
from athletes.models import Case, User
from protocols.models import (
    PhaseTransition,
    Plan,
    PlanEdit,
    PlanPhase,
)
from protocols.services.validation import (
    check_start,
    json_safe,
    require,
)
from rehab.errors import ApplicationError

# --- corrections: a plan's start date, the last phase decision ---------------------------------


def _reason_required(reason: str) -> str:
    if not reason or not reason.strip():
        raise ApplicationError("Give a reason for the correction.", {"reason": "Required."})
    return reason.strip()


@transaction.atomic
@audited(by="corrected_by", reason=lambda kw: kw.get("reason") or "Start date corrected")
def plan_start_correct(
    *, plan: Plan, started_on: dt.date, corrected_by: User, reason: str, today: dt.date
) -> Plan:
    """Correct the date an active plan started (a date typed wrong): the plan, its first phase
    and the start decision move together; recorded with the reason (a ``PlanEdit`` and the
    history rows). The date stays on or after the diagnosis, not in the future and not after
    the first phase ended."""
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    require(permissions.can_edit_plan(corrected_by, plan.case))
    reason = _reason_required(reason)
    if plan.status != Plan.Status.ACTIVE:
        raise ApplicationError("Only an active plan's start date can be corrected.")
    check_start(plan, started_on)
    if started_on > today:
        raise ApplicationError(
            "A plan cannot start in the future.", {"started_on": "Today or earlier."}
        )
    first = plan.phases.order_by("order").first()
    if first is None:
        raise ApplicationError("This plan has no phases.")
    if first.ended_on and started_on > first.ended_on:
        raise ApplicationError(
            "The first phase ended before that date.",
            {"started_on": f"On or before {first.ended_on:%-d %b %Y}, when the first phase ended."},
        )
    before = plan.started_on
    if before == started_on:
        raise ApplicationError(
            "The plan already starts on that date.", {"started_on": "Unchanged."}
        )
    plan.started_on = started_on
    plan.save(update_fields=["started_on"])
    transitions = list(plan.transitions.order_by("decided_at", "id"))
    for start in transitions:
        if start.kind == PhaseTransition.Kind.START:
            start.effective_on = started_on
            start.save(update_fields=["effective_on"])
    _apply_dates(list(plan.phases.order_by("order")), _replay(plan.phases.all(), transitions)[0])
    PlanEdit.objects.create(
        plan=plan,
        edited_by=corrected_by,
        reason=reason,
        changes=json_safe([{"change": "start_corrected", "before": before, "after": started_on}]),
    )
    return plan


UNDOABLE = (
    PhaseTransition.Kind.ADVANCE,
    PhaseTransition.Kind.REGRESS,
    PhaseTransition.Kind.HOLD,
    PhaseTransition.Kind.COMPLETE,
)


def _replay(phases: Sequence[PlanPhase], transitions: Sequence[PhaseTransition]) -> tuple:
    """The phases' dates and the current phase as the decisions leave them, in their order
    (what ``transition_decide`` and ``plan_start`` write, decision by decision)."""
    dates = {p.pk: [None, None] for p in phases}
    order = {p.pk: p.order for p in phases}
    current = None
    for t in transitions:
        if t.kind == PhaseTransition.Kind.START:
            dates[t.to_phase_id] = [t.effective_on, None]
            current = t.to_phase_id
        elif t.kind == PhaseTransition.Kind.ADVANCE:
            dates[t.from_phase_id][1] = t.effective_on
            dates[t.to_phase_id] = [t.effective_on, None]
            current = t.to_phase_id
        elif t.kind == PhaseTransition.Kind.REGRESS:
            target = order[t.to_phase_id]
            for pk, o in order.items():
                if o > target:
                    dates[pk] = [None, None]
            dates[t.to_phase_id] = [t.effective_on, None]
            current = t.to_phase_id
        elif t.kind == PhaseTransition.Kind.COMPLETE:
            dates[t.from_phase_id][1] = t.effective_on
            current = None
    return dates, current


def _apply_dates(phases: Sequence[PlanPhase], dates: Mapping[int, list]) -> None:
    """Save the phases whose dates differ from ``dates``; a phase that starts on another day
    loses its sign-off (it was for the phase as it ran then)."""
    for phase in phases:
        started_on, ended_on = dates[phase.pk]
        if (phase.started_on, phase.ended_on) == (started_on, ended_on):
            continue
        if phase.started_on != started_on and started_on is None:
            phase.signed_off_on, phase.signed_off_by = None, None
        phase.started_on, phase.ended_on = started_on, ended_on
        phase.save(update_fields=["started_on", "ended_on", "signed_off_on", "signed_off_by"])


@transaction.atomic
@audited(by="undone_by", reason=lambda kw: kw.get("reason") or "Phase decision undone")
def transition_undo(*, plan: Plan, undone_by: User, reason: str) -> PhaseTransition:
    """Undo the plan's last phase decision (advance, step back, hold or complete), with a reason.

    The phases' dates and the current phase become what the earlier decisions made them; a
    completed plan and its case become active again. The decision is removed from the plan's
    decisions and kept in the audit trail: its history row (who undid it and why) and a
    ``PlanEdit`` that quotes it. An undone step back's "judged from" day is cleared; a sign-off
    it cleared is not restored.
    Returns the undone decision (no longer saved).
    """
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    require(
        permissions.can_decide_transition(undone_by, plan.case),
        "Only the case's clinicians may undo a phase decision.",
    )
    reason = _reason_required(reason)
    transitions = list(plan.transitions.order_by("decided_at", "id"))
    last = transitions[-1] if transitions else None
    if last is None or last.kind not in UNDOABLE:
        raise ApplicationError("There is no phase decision to undo.")
    if plan.status not in (Plan.Status.ACTIVE, Plan.Status.COMPLETED):
        raise ApplicationError("This plan has stopped: its decisions cannot be undone.")
    if plan.case.outcome or plan.case.status == Case.Status.CLOSED:
        raise ApplicationError(
            "This case has ended (discharged or closed): its plan's decisions cannot be undone."
        )
    phases = list(plan.phases.order_by("order"))
    dates, current = _replay(phases, transitions[:-1])
    _apply_dates(phases, dates)
    plan.current_phase_id = current
    fields = ["current_phase"]
    if last.kind == PhaseTransition.Kind.COMPLETE:
        plan.status, plan.ended_on = Plan.Status.ACTIVE, None
        fields += ["status", "ended_on"]
        case = plan.case
        case.status, case.returned_on = Case.Status.ACTIVE, None
        case.save(update_fields=["status", "returned_on"])
    try:
        with transaction.atomic():
            plan.save(update_fields=fields)
    except IntegrityError:
        raise ApplicationError("This case has another active plan now.") from None
    # An undone step back no longer judges its phase from a later day; every phase's earliest
    # "ready" day is the evaluation's to recompute.
    if last.kind == PhaseTransition.Kind.REGRESS and last.to_phase_id:
        PlanPhase.objects.filter(pk=last.to_phase_id).update(judged_from=None)
    PlanPhase.objects.filter(plan=plan).update(ready_from=None)
    PlanEdit.objects.create(
        plan=plan,
        edited_by=undone_by,
        reason=reason,
        changes=json_safe(
            [
                {
                    "change": "decision_undone",
                    "kind": last.kind,
                    "from_phase": last.from_phase.name if last.from_phase else None,
                    "to_phase": last.to_phase.name if last.to_phase else None,
                    "effective_on": last.effective_on,
                    "decided_by": str(last.decided_by),
                    "decided_at": last.decided_at,
                    "reason": last.reason,
                }
            ]
        ),
    )
    last.delete()
    return last
