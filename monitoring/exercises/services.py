"""The athlete's tick of an exercise: idempotent, one per case, exercise and day."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from athletes import permissions
from athletes.models import Case, User
from monitoring.ingest.checks import athlete_today
from monitoring.models import ExerciseCompletion
from protocols.models import Exercise, Plan
from rehab.errors import ApplicationError

EDITABLE_DAYS = 7  # today and the 6 days before, as for the daily log


def _prescribed(case: Case, key: str) -> Exercise:
    """The exercise ``key`` if the case's current phase prescribes it."""
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    phase = plan.current_phase if plan else None
    keys = {row["exercise"] for row in (phase.exercises if phase else [])}
    exercise = Exercise.objects.filter(key=key).first() if key in keys else None
    if exercise is None:
        raise ApplicationError(
            "This exercise is not in the current phase.",
            {"exercise": "Choose one of the current phase's exercises."},
        )
    return exercise


def exercise_tick(
    *, case: Case, exercise_key: str, by: User, on: dt.date | None = None, done: bool = True
) -> ExerciseCompletion | None:
    """Record ``exercise_key`` done on ``on`` (the athlete's today by default), or un-tick it.

    Idempotent: ticking twice, or a phone's outbox sending the tick again, leaves one row;
    un-ticking what is not ticked does nothing. Returns the completion (None once un-ticked).
    """
    if not permissions.can_tick_exercise(by, case):
        raise ApplicationError("You may not tick exercises on this case.")
    today = athlete_today(case.athlete)
    on = on or today
    if not today - dt.timedelta(days=EDITABLE_DAYS - 1) <= on <= today:
        raise ApplicationError(
            "Exercises are ticked for today or the 6 days before.",
            {"done_on": "Choose today or one of the 6 days before."},
        )
    exercise = _prescribed(case, exercise_key)
    lookup = {"case": case, "exercise": exercise, "done_on": on}
    if not done:
        ExerciseCompletion.objects.filter(**lookup).delete()
        return None
    try:
        with transaction.atomic():
            completion, _ = ExerciseCompletion.objects.get_or_create(
                **lookup, defaults={"recorded_by": by}
            )
    except IntegrityError:  # a concurrent tick of the same exercise and day won
        completion = ExerciseCompletion.objects.get(**lookup)
    return completion
