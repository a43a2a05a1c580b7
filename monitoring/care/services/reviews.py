"""Scheduled reviews of a case: schedule, complete (a repeating booster schedules its next
one), cancel, and the claim of a review's overdue e-mail."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from monitoring.care import rules as care_rules
from monitoring.ingest.checks import athlete_today
from monitoring.models.care import Review
from protocols.models import Plan, PlanPhase
from rehab.errors import ApplicationError

REVIEW_HORIZON_DAYS = 730


def maintenance_state(case: Case) -> bool:
    """``in_maintenance`` for a case, reading its active plan (two queries)."""
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    if plan is None:
        return care_rules.in_maintenance(case.status == Case.Status.RETURNED, None, 0)
    last = PlanPhase.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True)
    return care_rules.in_maintenance(
        case.status == Case.Status.RETURNED, plan.current_phase, next(iter(last[:1]), 0)
    )


def review_schedule(
    *,
    case: Case,
    by: User,
    kind: str,
    due_on: dt.date,
    booster: bool = False,
    repeat_weeks: int | None = None,
    note: str = "",
    coach_note: str = "",
    today: dt.date | None = None,
) -> Review:
    """Schedule a review. ``note`` is for the clinical team; ``coach_note`` for everyone on the
    care team (athletes.permissions.classification: the coach reads only the latter)."""
    today = today or athlete_today()
    if not permissions.can_schedule_review(by, case):
        raise ApplicationError("Only the case's clinicians schedule reviews.")
    errors: dict[str, str] = {}
    if kind not in Review.Kind.values:
        errors["kind"] = "Choose a clinic visit, a call or imaging."
    if not isinstance(due_on, dt.date):
        errors["due_on"] = "Enter a date as YYYY-MM-DD."
    elif due_on < today:
        errors["due_on"] = f"Choose today ({today:%d %b %Y}) or a later day."
    elif due_on > today + dt.timedelta(days=REVIEW_HORIZON_DAYS):
        errors["due_on"] = "Choose a date within two years."
    if repeat_weeks is not None and not booster:
        errors["repeat_weeks"] = "Only booster reviews repeat."
    if repeat_weeks is not None and not 1 <= repeat_weeks <= 52:
        errors["repeat_weeks"] = "Every 1 to 52 weeks."
    if len(note or "") > 300:
        errors["note"] = "At most 300 characters."
    if len(coach_note or "") > 300:
        errors["coach_note"] = "At most 300 characters."
    if errors:
        raise ApplicationError("Please correct the review.", errors)
    if booster and not maintenance_state(case):
        raise ApplicationError(
            "Booster reviews are for a case in its full-return (maintenance) phase.",
            {"booster": "This case is not in its full-return phase yet."},
        )
    return Review.objects.create(
        case=case,
        kind=kind,
        due_on=due_on,
        booster=booster,
        repeat_weeks=repeat_weeks if booster else None,
        note=(note or "").strip(),
        coach_note=(coach_note or "").strip(),
        scheduled_by=by,
    )


@transaction.atomic
def review_complete(
    *, review: Review, by: User, on: dt.date | None = None, today: dt.date | None = None
) -> Review | None:
    """Mark a scheduled review done. A repeating booster schedules its next one; returns it."""
    today = today or athlete_today()
    on = on or today
    if not permissions.can_schedule_review(by, review.case):
        raise ApplicationError("Only the case's clinicians complete reviews.")
    if on > today:
        raise ApplicationError(
            "A review cannot be done in the future.", {"on": "Today or earlier."}
        )
    # Conditional update: two clicks complete it once and schedule one next booster.
    changed = Review.objects.filter(pk=review.pk, status=Review.Status.SCHEDULED).update(
        status=Review.Status.DONE, done_on=on, done_by=by, updated_at=timezone.now()
    )
    if not changed:
        raise ApplicationError("This review is no longer scheduled.")
    review.refresh_from_db()
    if review.booster and review.repeat_weeks:
        return Review.objects.create(
            case=review.case,
            kind=review.kind,
            due_on=care_rules.next_booster(on, review.repeat_weeks),
            booster=True,
            repeat_weeks=review.repeat_weeks,
            note=review.note,
            coach_note=review.coach_note,
            scheduled_by=by,
        )
    return None


def review_cancel(*, review: Review, by: User) -> None:
    if not permissions.can_schedule_review(by, review.case):
        raise ApplicationError("Only the case's clinicians cancel reviews.")
    changed = Review.objects.filter(pk=review.pk, status=Review.Status.SCHEDULED).update(
        status=Review.Status.CANCELLED, updated_at=timezone.now()
    )
    if not changed:
        raise ApplicationError("This review is no longer scheduled.")


def review_claim_overdue_notice(*, review_id: int, today: dt.date) -> bool:
    """Claim the overdue e-mail of a review: once per review, whatever runs overlap."""
    return bool(
        Review.objects.filter(
            pk=review_id,
            status=Review.Status.SCHEDULED,
            due_on__lt=today,
            overdue_notified_on__isnull=True,
        ).update(overdue_notified_on=today, updated_at=timezone.now())
    )
