"""Goals of a case's current phase, set by the care team and ticked by the athlete."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from monitoring.ingest.checks import athlete_today
from monitoring.models.care import Goal
from protocols.models import Plan
from rehab.errors import ApplicationError

GOAL_MAX_OPEN = 5  # "a few short goals" a phase


def goal_create(
    *, case: Case, by: User, text: str, due_on: dt.date | None = None, today: dt.date | None = None
) -> Goal:
    """A goal for the case's current phase (of its active plan)."""
    today = today or athlete_today()
    if not permissions.can_set_goal(by, case):
        raise ApplicationError("You may not set goals on this case.")
    clean = (text or "").strip()
    if len(clean) < 3:
        raise ApplicationError("The goal is empty.", {"text": "Write a short goal."})
    if len(clean) > 140:
        raise ApplicationError("The goal is too long.", {"text": "At most 140 characters."})
    if due_on is not None and due_on < today:
        raise ApplicationError("The date has passed.", {"due_on": "Today or a later day."})
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    if plan is None or plan.current_phase is None:
        raise ApplicationError("Goals belong to a phase: this case has no phase under way.")
    with transaction.atomic():
        open_goals = Goal.objects.select_for_update().filter(
            case=case, phase=plan.current_phase, done_at__isnull=True
        )
        if len(open_goals) >= GOAL_MAX_OPEN:
            raise ApplicationError(
                "Enough goals for now.",
                {"text": f"At most {GOAL_MAX_OPEN} open goals a phase: tick or finish one first."},
            )
        return Goal.objects.create(
            case=case, phase=plan.current_phase, text=clean, due_on=due_on, set_by=by
        )


def goal_tick(*, goal: Goal, by: User, done: bool = True) -> Goal:
    if not permissions.can_tick_goal(by, goal.case):
        raise ApplicationError("You may not tick goals on this case.")
    goal.done_at = timezone.now() if done else None
    goal.save(update_fields=["done_at"])
    return goal
