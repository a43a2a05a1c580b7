"""The demo's exercise ticks: for each demo case, its phases' exercises ticked on most of the
prescribed days, week by week, up to yesterday (and a couple today), so that Today, Progress,
the case page and the coach's view show exercises and adherence. The same ticks whatever day it
runs (seeded by the case's athlete, counted back from today). Idempotent: a case that has ticks
is left alone."""

from __future__ import annotations

import datetime as dt
import random

from monitoring.exercises.adherence import monday
from monitoring.models import ExerciseCompletion
from protocols.models import Exercise, Plan
from protocols.services import install_shipped_exercises


def seed_exercise_ticks(case_ids: list[int], today: dt.date) -> int:
    install_shipped_exercises()  # present after migrate; made sure of
    by_key = {e.key: e for e in Exercise.objects.all()}
    done_already = set(
        ExerciseCompletion.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True)
    )
    plans = Plan.objects.filter(case_id__in=case_ids, status=Plan.Status.ACTIVE).select_related(
        "case__athlete"
    )
    rows = []
    for plan in plans:
        if plan.case_id in done_already:
            continue
        rng = random.Random(plan.case.athlete.last_name)  # noqa: S311 — demo data
        for phase in plan.phases.filter(started_on__isnull=False).order_by("order"):
            end = min(phase.ended_on or today, today)
            for row in phase.exercises:
                exercise = by_key.get(row["exercise"])
                if exercise is None:
                    continue
                for day in _days(phase.started_on, end, row["per_week"], today, rng):
                    rows.append(ExerciseCompletion(case=plan.case, exercise=exercise, done_on=day))
    ExerciseCompletion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _days(start: dt.date, end: dt.date, per_week: int, today: dt.date, rng) -> list[dt.date]:
    """About nine in ten of the prescribed sessions of each week, on spread-out days; today
    only now and then (the athlete has not done everything yet)."""
    days = []
    week = monday(start)
    while week <= end:
        open_days = [week + dt.timedelta(days=i) for i in range(7)]
        open_days = [
            d for d in open_days if start <= d <= end and (d < today or rng.random() < 0.3)
        ]
        wanted = min(len(open_days), per_week - (1 if rng.random() < 0.25 else 0))
        days += rng.sample(open_days, max(0, wanted))
        week += dt.timedelta(days=7)
    return days
