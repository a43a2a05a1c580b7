"""Running volume: a week's running against the athlete's pre-injury week, the pre-injury
baseline computed from the sessions recorded before the injury, and a cadence goal's band.

Pure: no ORM, no clock, no I/O. Read by the ``pre_injury_volume`` criterion, the case page's
baseline form and the athlete's road-back bar, so that each says the same thing.

- Only ``run`` sessions count as running volume: a walk-run session's distance and minutes
  include its walking, and counting them would overstate how far back the athlete is (the
  safe side for a gate).
- A week's volume is the SUM of its running sessions (several a day count, clinical.md §11).
- Speed and hills return at 50–60% of the pre-injury volume, normal training at 75–80%
  (Gallatin & Graver 2019, clinical.md §6): clinic protocol, not validated thresholds.
- A cadence goal raises the baseline step rate by 5–10% (Warden et al., Curr Osteoporos Rep
  2021; clinical.md §11); never a gate (clinical.md §8).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple, Protocol

RUNNING_ACTIVITIES: frozenset[str] = frozenset({"run"})

SPEED_AND_HILLS_PERCENT = 50  # Gallatin & Graver 2019: 50–60% (clinic protocol)
NORMAL_TRAINING_PERCENT = 75  # Gallatin & Graver 2019: 75–80% (clinic protocol)

BASELINE_MAX_WEEKS = 8
BASELINE_MIN_WEEKS = 4

CADENCE_GOAL_PERCENT = (5, 10)  # Warden et al. 2021


class _Session(Protocol):
    day: date
    activity: str
    minutes: float | None
    distance_km: float | None


class Volume(NamedTuple):
    """The running of a stretch of days: sums over its ``run`` sessions. ``km`` is None when a
    running session has no distance (``without_km`` of them), ``minutes`` likewise."""

    runs: int
    km: float | None
    minutes: float | None
    without_km: int = 0
    without_minutes: int = 0


def is_running(activity: str) -> bool:
    return activity in RUNNING_ACTIVITIES


def running_volume(sessions: Iterable[_Session], start: date, end: date) -> Volume:
    """The summed running of the sessions from ``start`` to ``end`` inclusive."""
    runs = [s for s in sessions if start <= s.day <= end and is_running(s.activity)]
    without_km = sum(1 for s in runs if s.distance_km is None)
    without_minutes = sum(1 for s in runs if s.minutes is None)
    km = None if without_km else sum(float(s.distance_km or 0) for s in runs)
    minutes = None if without_minutes else sum(float(s.minutes or 0) for s in runs)
    return Volume(len(runs), km, minutes, without_km, without_minutes)


def percent_of(value: float | None, baseline: float | None) -> float | None:
    """``value`` as a % of ``baseline``; None when either is unknown or the baseline is 0."""
    if value is None or baseline is None or baseline <= 0 or not math.isfinite(baseline):
        return None
    return value / baseline * 100


class Baseline(NamedTuple):
    """A pre-injury week computed from recorded sessions: the means per week over ``weeks``
    whole weeks from ``first_day`` to ``last_day``, from ``sessions`` running sessions of which
    ``with_distance`` had a distance. ``km_week`` is None unless every one had."""

    km_week: float | None
    runs_week: float
    minutes_week: float | None
    weeks: int
    first_day: date
    last_day: date
    sessions: int
    with_distance: int

    def basis(self) -> str:
        """Which weeks and sessions it used, in a sentence for the case record."""
        distance = (
            "all with a distance"
            if self.with_distance == self.sessions
            else f"{self.with_distance} with a distance"
        )
        return (
            f"Mean of the {self.weeks} weeks {self.first_day:%-d %b %Y} – "
            f"{self.last_day:%-d %b %Y}: {self.sessions} running session"
            f"{'' if self.sessions == 1 else 's'} ({distance})."
        )


def baseline_from_sessions(
    sessions: Iterable[_Session],
    before: date,
    *,
    max_weeks: int = BASELINE_MAX_WEEKS,
    min_weeks: int = BASELINE_MIN_WEEKS,
) -> Baseline | None:
    """The mean running week of the ``max_weeks`` whole weeks (7-day blocks) ending the day
    before ``before`` (the injury's onset or diagnosis), from the first of those weeks with a
    running session on: weeks before the athlete recorded anything are not counted as rest,
    weeks without a run after it are (they were part of the athlete's running). None when the
    recorded weeks are fewer than ``min_weeks`` (not enough history to call it a baseline)."""
    last_day = before - timedelta(days=1)
    earliest = before - timedelta(days=7 * max_weeks)
    runs = [s for s in sessions if earliest <= s.day <= last_day and is_running(s.activity)]
    if not runs:
        return None
    first_run = min(s.day for s in runs)
    weeks = (last_day - first_run).days // 7 + 1
    if weeks < min_weeks:
        return None
    first_day = before - timedelta(days=7 * weeks)
    volume = running_volume(runs, first_day, last_day)
    with_distance = volume.runs - volume.without_km
    return Baseline(
        km_week=None if volume.km is None else round(volume.km / weeks, 1),
        runs_week=round(volume.runs / weeks, 1),
        minutes_week=None if volume.minutes is None else round(volume.minutes / weeks),
        weeks=weeks,
        first_day=first_day,
        last_day=last_day,
        sessions=volume.runs,
        with_distance=with_distance,
    )


def cadence_band(step_rate: float, low_percent: float, high_percent: float) -> tuple[int, int]:
    """The goal band of steps a minute: the baseline step rate raised by ``low_percent`` to
    ``high_percent`` %, rounded to whole steps."""
    return (
        round(step_rate * (1 + low_percent / 100)),
        round(step_rate * (1 + high_percent / 100)),
    )
