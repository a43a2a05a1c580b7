"""Reads of the exercise prescriptions and their ticks, for Today, Progress, the case page, the
coach and the API. Each read is a fixed number of queries, whatever the number of exercises."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from athletes.models import Case
from monitoring.exercises.adherence import Adherence, adherence, due_in_week, monday
from monitoring.models import ExerciseCompletion
from protocols.models import Exercise, PlanPhase


@dataclass(frozen=True)
class PrescribedExercise:
    """One row of the phase's prescription with its exercise and its ticks."""

    exercise: Exercise
    sets: int
    reps: int | None
    seconds: int | None
    per_week: int
    notes: str
    done_today: bool
    done_this_week: int
    week_target: int  # the times it counts this week (adherence.due_in_week)

    @property
    def dose(self) -> str:
        amount = f"{self.reps} reps" if self.reps else f"{self.seconds} s"
        side = " each side" if self.exercise.per_side else ""
        return f"{self.sets} × {amount}{side}"

    @property
    def week_line(self) -> str:
        return f"{self.done_this_week} of {self.per_week} this week"


@dataclass(frozen=True)
class ExerciseSummary:
    rows: list[PrescribedExercise]
    week: Adherence
    phase: Adherence


def _completions(case: Case, since: dt.date, today: dt.date) -> dict[str, list[dt.date]]:
    done: dict[str, list[dt.date]] = defaultdict(list)
    rows = ExerciseCompletion.objects.filter(
        case=case, done_on__gte=since, done_on__lte=today
    ).values_list("exercise__key", "done_on")
    for key, day in rows:
        done[key].append(day)
    return done


def phase_exercises(case: Case, phase: PlanPhase | None, today: dt.date) -> ExerciseSummary | None:
    """The phase's exercises with today's ticks and the week's count, and adherence this week
    and over the phase. Two queries (the exercises, the ticks since the phase began)."""
    if phase is None or not phase.exercises:
        return None
    keys = [row["exercise"] for row in phase.exercises]
    by_key = {e.key: e for e in Exercise.objects.filter(key__in=keys)}
    start = phase.started_on or today
    end = min(today, phase.ended_on) if phase.ended_on else today
    done = _completions(case, min(start, monday(end)), end)
    week_start = monday(end)
    rows = [
        PrescribedExercise(
            exercise=by_key[row["exercise"]],
            sets=row["sets"],
            reps=row.get("reps"),
            seconds=row.get("seconds"),
            per_week=row["per_week"],
            notes=row.get("notes") or "",
            done_today=today in done.get(row["exercise"], ()),
            done_this_week=sum(1 for d in done.get(row["exercise"], ()) if d >= week_start),
            week_target=due_in_week(row["per_week"], week_start, start),
        )
        for row in phase.exercises
        if row["exercise"] in by_key
    ]
    per_week = {r.exercise.key: r.per_week for r in rows}
    week, whole = adherence(per_week, done, start=start, today=end)
    return ExerciseSummary(rows=rows, week=week, phase=whole)


def adherence_for(
    case: Case, phase: PlanPhase | None, today: dt.date
) -> tuple[Adherence, Adherence] | None:
    """(this week, the phase so far) without the exercises' details: one query (the ticks)."""
    if phase is None or not phase.exercises:
        return None
    start = phase.started_on or today
    end = min(today, phase.ended_on) if phase.ended_on else today
    done = _completions(case, min(start, monday(end)), end)
    per_week = {row["exercise"]: row["per_week"] for row in phase.exercises}
    return adherence(per_week, done, start=start, today=end)
