"""Reads of the road back: the sessions before the injury and the baseline they give, this
week's running against the pre-injury week, session cadences and gait checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import QuerySet

from athletes.models import Case
from monitoring.models import ActivitySession, GaitCheck
from protocols.engine import volume


class Run(NamedTuple):
    """A run as these reads use it: a ``SessionEntry``'s day, activity, minutes and distance
    (so the engine's volume arithmetic takes it), with its cadence."""

    day: dt.date
    activity: str
    minutes: float | None
    distance_km: float | None
    cadence: int | None


def runs(athlete_id: int, start: dt.date, end: dt.date) -> list[Run]:
    """The athlete's runs from ``start`` to ``end``, by day (one query)."""
    rows = (
        ActivitySession.objects.filter(
            athlete_id=athlete_id,
            date__gte=start,
            date__lte=end,
            activity__in=sorted(volume.RUNNING_ACTIVITIES),
        )
        .order_by("date", "id")
        .values_list("date", "activity", "minutes", "distance_km", "cadence")
    )
    return [
        Run(day, activity, minutes, None if km is None else float(km), cadence)
        for day, activity, minutes, km, cadence in rows
    ]


def baseline_start(case: Case) -> dt.date:
    """The first day the pre-injury baseline may read."""
    return case.diagnosed_on - dt.timedelta(weeks=volume.BASELINE_MAX_WEEKS)


def computed_baseline(case: Case, recorded: list[Run] | None = None) -> volume.Baseline | None:
    """The pre-injury week computed from the athlete's runs in the ``BASELINE_MAX_WEEKS`` weeks
    before the diagnosis (one query unless ``recorded`` holds them), or None when fewer than
    ``BASELINE_MIN_WEEKS`` weeks were recorded."""
    before = case.diagnosed_on
    if recorded is None:
        recorded = runs(case.athlete_id, baseline_start(case), before - dt.timedelta(days=1))
    return volume.baseline_from_sessions(recorded, before)


@dataclass(frozen=True)
class StepRate:
    steps: int
    runs: int
    first: dt.date
    last: dt.date

    def basis(self) -> str:
        return (
            f"Mean cadence of {self.runs} run{'s' if self.runs != 1 else ''} "
            f"{self.first:%-d %b %Y} – {self.last:%-d %b %Y}"
        )


def computed_step_rate(case: Case, recorded: list[Run] | None = None) -> StepRate | None:
    """The mean cadence of the runs with one (from watch files) in the weeks before the
    diagnosis (one query unless ``recorded`` holds them); None when no such run was recorded."""
    before = case.diagnosed_on
    if recorded is None:
        recorded = runs(case.athlete_id, baseline_start(case), before - dt.timedelta(days=1))
    rated = [
        r for r in recorded if r.cadence is not None and 100 <= r.cadence <= 250 and r.day < before
    ]
    if not rated:
        return None
    steps = round(sum(r.cadence or 0 for r in rated) / len(rated))
    return StepRate(steps, len(rated), rated[0].day, rated[-1].day)


@dataclass(frozen=True)
class RoadBack:
    """This week's running against the pre-injury week. ``percent`` is None when a run of the
    week lacks the baseline's unit (``missing`` runs): unknown, shown as such."""

    unit: str  # "km" or "min"
    done: float | None
    baseline: float
    percent: float | None
    runs: int
    missing: int
    start: dt.date
    end: dt.date

    marks = (
        (volume.SPEED_AND_HILLS_PERCENT, "speed and hills"),
        (volume.NORMAL_TRAINING_PERCENT, "normal training"),
    )

    @property
    def bar_percent(self) -> float:
        """The bar's fill, 0–100 (a week past the pre-injury one fills it)."""
        return min(100.0, self.percent or 0.0)

    @property
    def next_mark(self) -> str | None:
        for at, words in self.marks:
            if (self.percent or 0) < at:
                return words
        return None


def road_back(case: Case, today: dt.date, recorded: list[Run] | None = None) -> RoadBack | None:
    """The last 7 days' running (today included) against the case's pre-injury week, or None
    without a baseline. One query unless ``recorded`` holds the week's runs."""
    km, minutes = case.pre_injury_km_week, case.pre_injury_minutes_week
    if km:
        unit, baseline = "km", float(km)
    elif minutes:
        unit, baseline = "min", float(minutes)
    else:
        return None
    start = today - dt.timedelta(days=6)
    if recorded is None:
        recorded = runs(case.athlete_id, start, today)
    week = volume.running_volume(recorded, start, today)
    done = week.km if unit == "km" else week.minutes
    missing = week.without_km if unit == "km" else week.without_minutes
    percent = volume.percent_of(done, baseline)
    return RoadBack(unit, done, baseline, percent, week.runs, missing, start, today)


def cadence_goal(case: Case) -> tuple[int, int] | None:
    """The goal band in steps a minute, or None while no goal is set."""
    low, high = case.cadence_goal_low_percent, case.cadence_goal_high_percent
    if not case.baseline_step_rate or low is None or high is None:
        return None
    return volume.cadence_band(case.baseline_step_rate, low, high)


def gait_checks(case: Case) -> QuerySet[GaitCheck]:
    """The case's gait checks, latest first, with who recorded each."""
    return GaitCheck.objects.filter(case=case).select_related("recorded_by")
