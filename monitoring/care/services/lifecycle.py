"""The end of a case: discharge on return to sport, or close a case opened in error.

Either ends the case's plans (an active plan completes on discharge and stops on a close; a
draft stops), resolves its open flags with the reason, cancels its scheduled reviews on a close,
and leaves the case out of the nightly evaluation and the athlete's reminders (both read active
cases only). A re-injury is a new case (``athletes.services.case_open``) linked to the earlier.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.audit import audited
from athletes.models import Case, User
from monitoring.evaluation.flags import flag_resolve
from monitoring.ingest.checks import athlete_today
from monitoring.models import Flag
from monitoring.models.care import Review
from monitoring.webhooks.events import webhook_event
from protocols.models import Plan
from protocols.services.return_to_play import MISSING_MESSAGE, current_return_decision
from rehab.errors import ApplicationError


def can_end(case: Case) -> bool:
    """Active, or returned to sport by its plan's last decision but not yet discharged."""
    return case.status == Case.Status.ACTIVE or (
        case.status == Case.Status.RETURNED and not case.outcome
    )


def _open_case(case: Case, by: User) -> Case:
    if not permissions.can_decide_transition(by, case):
        raise ApplicationError("Only the case's clinicians and physiotherapists end a case.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not can_end(locked):
        raise ApplicationError(f"This case is {locked.get_status_display().lower()} already.")
    return locked


def _early(case: Case) -> str | None:
    """The plan's phase when it is not the last one (a discharge before the plan's end)."""
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    if plan is None or plan.current_phase is None:
        return None
    count = plan.phases.count()
    if plan.current_phase.order < count:
        return f"phase {plan.current_phase.order} of {count}, “{plan.current_phase.name}”"
    return None


def _end_plans(case: Case, *, on: dt.date, completed: bool) -> None:
    for plan in Plan.objects.select_for_update().filter(
        case=case, status__in=[Plan.Status.ACTIVE, Plan.Status.DRAFT]
    ):
        done = completed and plan.status == Plan.Status.ACTIVE
        plan.status = Plan.Status.COMPLETED if done else Plan.Status.STOPPED
        plan.ended_on = on
        plan.current_phase = None
        plan.save(update_fields=["status", "ended_on", "current_phase"])


def _resolve_flags(case: Case, by: User, why: str) -> None:
    for flag in Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED).select_related("case"):
        flag.case = case
        flag_resolve(flag=flag, by=by, resolution=why)


@transaction.atomic
@audited(by="by", reason="Discharged on return to sport")
def case_discharge(
    *,
    case: Case,
    by: User,
    returned_on: dt.date,
    outcome: str,
    summary: str,
    before_plan_end: bool = False,
) -> Case:
    """Discharge on return to sport: the date, the outcome and a summary the athlete keeps. A
    plan not in its last phase is discharged only when the clinician says so
    (``before_plan_end``): the system recommends; a clinician decides, knowingly."""
    locked = _open_case(case, by)
    red = Flag.objects.filter(case=locked, kind=Flag.Kind.RED_FLAG, status__in=Flag.UNRESOLVED)
    if red.exists():
        raise ApplicationError(
            "A red flag is open on this case: resolve it (with what was done) before a discharge.",
            {"__all__": "A red flag is open: resolve it on this page's flags first."},
        )
    errors = {}
    if current_return_decision(locked) is None:  # the final transition: StARRT recorded first
        errors["return_decision"] = MISSING_MESSAGE
    early = _early(locked)
    if early and not before_plan_end:
        errors["before_plan_end"] = (
            f"The plan is in {early}, not its last phase: tick this to discharge before the "
            "plan's end, and say why in the summary."
        )
    if outcome not in Case.Outcome.values:
        errors["outcome"] = "Choose the outcome."
    if not (summary or "").strip():
        errors["summary"] = "Write the summary the athlete keeps."
    today = athlete_today()
    if returned_on is None:
        errors["returned_on"] = "Enter the date."
    elif returned_on > today:
        errors["returned_on"] = "The discharge date cannot be in the future."
    elif returned_on < locked.diagnosed_on:
        errors["returned_on"] = f"Before the diagnosis ({locked.diagnosed_on:%-d %b %Y})."
    if errors:
        raise ApplicationError("Please correct the errors below.", errors)
    _end_plans(locked, on=returned_on, completed=True)
    _resolve_flags(locked, by, "Case discharged on return to sport")
    locked.status = Case.Status.RETURNED
    locked.returned_on = returned_on
    locked.outcome = outcome
    locked.discharge_summary = summary.strip()
    locked.discharged_by = by
    locked.save(
        update_fields=["status", "returned_on", "outcome", "discharge_summary", "discharged_by"]
    )
    webhook_event("case.discharged", [locked])
    return locked


@transaction.atomic
@audited(by="by", reason=lambda kw: f"Closed: {kw.get('reason', '')}"[:100])
def case_close(*, case: Case, by: User, reason: str) -> Case:
    """Close a case opened in error (or that will not go on here): nothing more is expected."""
    locked = _open_case(case, by)
    if not (reason or "").strip():
        raise ApplicationError("Say why the case closes.", {"reason": "A reason is required."})
    today = athlete_today()
    _end_plans(locked, on=today, completed=False)
    _resolve_flags(locked, by, f"Case closed: {reason.strip()}"[:500])
    Review.objects.filter(case=locked, status=Review.Status.SCHEDULED).update(
        status=Review.Status.CANCELLED, updated_at=timezone.now()
    )
    locked.status = Case.Status.CLOSED
    locked.closed_on = today
    locked.closed_reason = reason.strip()
    locked.closed_by = by
    locked.save(update_fields=["status", "closed_on", "closed_reason", "closed_by"])
    return locked
