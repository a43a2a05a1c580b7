"""A clinician's phase decision: advance, step back, hold or complete.

No code path moves a plan to another phase without a person's decision: every phase change
is a ``PhaseTransition`` with who, when, why and the evaluation that was shown."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.audit import audited
from athletes.models import Case, User
from protocols.models import (
    PhaseTransition,
    Plan,
    PlanPhase,
)
from protocols.services.return_to_play import require_return_decision
from protocols.services.validation import require
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

# How far after a step back a clinician may start judging the phase again.
JUDGED_FROM_MAX_DAYS = 28


@transaction.atomic
@audited(by="decided_by", reason=lambda kw: kw.get("reason") or "")
def transition_decide(
    *,
    plan: Plan,
    kind: str,
    decided_by: User,
    reason: str,
    effective_on: dt.date,
    evaluation: Mapping[str, Any] | None = None,
    to_phase: PlanPhase | None = None,
    expected_phase_id: int | None = None,
    judged_from: dt.date | None = None,
    overridden: bool = False,
) -> PhaseTransition:
    """Record a clinician's decision: advance, step back, hold or complete. ``overridden``: the
    decision goes against the evaluation and the clinician confirmed it (kept on the record).

    ``expected_phase_id`` is the phase the person was looking at: if the plan has moved on
    since (another clinician, a repeated submission), nothing changes and they are told.

    A step back judges the phase stepped back to on data from ``judged_from`` on (default: the
    day after the decision takes effect), so that the pain that caused it does not raise
    another step back at once (PlanPhase.judged_from).
    """
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    require(
        permissions.can_decide_transition(decided_by, plan.case),
        "Only the case's clinicians may decide a phase change.",
    )
    _check_decision(plan, kind=kind, reason=reason, expected_phase_id=expected_phase_id)
    if kind == PhaseTransition.Kind.COMPLETE:  # the final transition: StARRT recorded first
        require_return_decision(plan.case, "kind")
    phases = list(plan.phases.order_by("order"))
    current = next(p for p in phases if p.pk == plan.current_phase_id)
    _check_dates(current, kind=kind, effective_on=effective_on, judged_from=judged_from)
    target = _target(phases, current, kind=kind, to_phase=to_phase)
    transition = PhaseTransition.objects.create(
        plan=plan,
        kind=kind,
        from_phase=current,
        to_phase=target,
        effective_on=effective_on,
        decided_by=decided_by,
        reason=reason.strip(),
        evaluation=evaluation,
        overridden=overridden,
    )
    if kind != PhaseTransition.Kind.HOLD:
        _move(plan, current, target, kind=kind, effective_on=effective_on, judged_from=judged_from)
        transition_announce(transition)
    return transition


def transition_announce(transition: PhaseTransition) -> None:
    """After the commit, queue the ``plan.transitioned`` webhook event (monitoring's task, by
    its name: this app does not import monitoring). A broker that is down loses the event."""
    pk = transition.pk

    def send() -> None:
        try:
            enqueue("monitoring.tasks.webhook_transition", pk)
        except Exception:
            logger.exception("Could not queue the webhook event of transition %s", pk)

    transaction.on_commit(send)


def _check_decision(plan: Plan, *, kind: str, reason: str, expected_phase_id: int | None) -> None:
    """The plan is active and still where the person saw it; the decision has a reason and is
    one a person decides."""
    if plan.status != Plan.Status.ACTIVE or plan.current_phase_id is None:
        raise ApplicationError("This plan is not active.")
    if expected_phase_id is not None and expected_phase_id != plan.current_phase_id:
        raise ApplicationError("The plan has changed since you looked at it; reload the page.")
    if not reason or not reason.strip():
        raise ApplicationError(
            "Give a reason for the decision.", {"reason": "A reason is required."}
        )
    if kind not in PhaseTransition.Kind.values or kind in {"start", "stop"}:
        raise ApplicationError(
            "Unknown decision.", {"kind": "Choose advance, step back, hold or complete."}
        )


def _check_dates(
    current: PlanPhase, *, kind: str, effective_on: dt.date, judged_from: dt.date | None
) -> None:
    """The decision takes effect once the phase started; a date to judge from goes with a step
    back, within ``JUDGED_FROM_MAX_DAYS`` of its effect."""
    if current.started_on and effective_on < current.started_on:
        raise ApplicationError(
            "The decision cannot take effect before the phase started.",
            {"effective_on": f"On or after {current.started_on}."},
        )
    if judged_from is None:
        return
    if kind != PhaseTransition.Kind.REGRESS:
        raise ApplicationError(
            "A date to judge from goes with a step back only.",
            {"judged_from": "Only for a step back."},
        )
    latest = effective_on + dt.timedelta(days=JUDGED_FROM_MAX_DAYS)
    if not effective_on <= judged_from <= latest:
        raise ApplicationError(
            "The phase can be judged from the day the step back takes effect, up to "
            f"{JUDGED_FROM_MAX_DAYS} days later.",
            {"judged_from": f"From {effective_on} to {latest}."},
        )


def _target(
    phases: Sequence[PlanPhase], current: PlanPhase, *, kind: str, to_phase: PlanPhase | None
) -> PlanPhase | None:
    """The phase an advance or a step back goes to (by default the next or the previous one);
    None for a hold or a completion."""
    if kind == PhaseTransition.Kind.ADVANCE:
        later = [p for p in phases if p.order > current.order]
        if not later:
            raise ApplicationError("This is the last phase; complete the plan instead.")
        target = to_phase if to_phase is not None else later[0]
        if target.pk not in {p.pk for p in later}:
            raise ApplicationError("Advance to a later phase.", {"to_phase": "Not a later phase."})
        return target
    if kind == PhaseTransition.Kind.REGRESS:
        earlier = [p for p in phases if p.order < current.order]
        if not earlier:
            raise ApplicationError("This is the first phase; hold it instead.")
        target = to_phase if to_phase is not None else earlier[-1]
        if target.pk not in {p.pk for p in earlier}:
            raise ApplicationError(
                "Step back to an earlier phase.", {"to_phase": "Not an earlier phase."}
            )
        return target
    return None


def _move(
    plan: Plan,
    current: PlanPhase,
    target: PlanPhase | None,
    *,
    kind: str,
    effective_on: dt.date,
    judged_from: dt.date | None,
) -> None:
    """The plan's phases after an advance, a step back or a completion."""
    if kind == PhaseTransition.Kind.REGRESS:
        # The target and every phase after it are to be done again: their dates clear.
        PlanPhase.objects.filter(plan=plan, order__gt=target.order).update(
            started_on=None,
            ended_on=None,
            signed_off_on=None,
            signed_off_by=None,
            judged_from=None,
            ready_from=None,
        )
    else:
        current.ended_on = effective_on
        current.save(update_fields=["ended_on"])
    if kind == PhaseTransition.Kind.COMPLETE:
        plan.status = Plan.Status.COMPLETED
        plan.ended_on = effective_on
        plan.current_phase = None
        plan.save(update_fields=["status", "ended_on", "current_phase"])
        Case.objects.filter(pk=plan.case_id).update(
            status=Case.Status.RETURNED, returned_on=effective_on, updated_at=timezone.now()
        )
        return
    assert target is not None
    # A phase entered again (after a step back) starts afresh: new dates, no old sign-off.
    target.started_on = effective_on
    target.ended_on = None
    target.signed_off_on = None
    target.signed_off_by = None
    # After a step back the phase is judged on data from the chosen day (by default the day
    # after the decision): the pain that caused it is not counted against the phase again.
    if kind == PhaseTransition.Kind.REGRESS:
        target.judged_from = judged_from or effective_on + dt.timedelta(days=1)
    else:
        target.judged_from = None
    target.ready_from = None
    target.save(
        update_fields=[
            "started_on",
            "ended_on",
            "signed_off_on",
            "signed_off_by",
            "judged_from",
            "ready_from",
        ]
    )
    plan.current_phase = target
    plan.save(update_fields=["current_phase"])
