"""Adherence to a phase's exercise prescription, pure arithmetic (no ORM, no clock).

An exercise prescribed ``per_week`` times counts, in each calendar week (Monday to Sunday) of
the phase, at most ``per_week`` completions: a fourth session of a 3-a-week exercise does not
make up for another exercise skipped. A week's target is ``per_week``, scaled down for the
phase's first week when the phase began after its Monday (rounded up); the current week's target
counts in full from its Monday, so "this week" reads as "done so far out of the week's".
Clinic convention, not a validated measure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Adherence:
    done: int
    prescribed: int

    @property
    def percent(self) -> int | None:
        """Rounded percentage; None when nothing was prescribed (unknown, not 100%)."""
        if not self.prescribed:
            return None
        return round(100 * self.done / self.prescribed)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def due_in_week(per_week: int, week: dt.date, start: dt.date) -> int:
    """The times an exercise is due in the week from Monday ``week`` of a phase begun on
    ``start``: ``per_week``, scaled down for a first week begun after its Monday."""
    days = 7 - max(0, (start - week).days)
    return math.ceil(per_week * days / 7)


def adherence(
    per_week: Mapping[str, int],
    done_on: Mapping[str, Iterable[dt.date]],
    *,
    start: dt.date,
    today: dt.date,
) -> tuple[Adherence, Adherence]:
    """(this week, the phase so far) for exercises ``per_week`` (key → times a week), done on
    the days ``done_on`` (key → dates), in a phase that began on ``start``."""
    if today < start:
        return Adherence(0, 0), Adherence(0, 0)
    this_week = monday(today)
    weeks = []
    week = monday(start)
    while week <= this_week:
        weeks.append(week)
        week += dt.timedelta(days=7)
    week_done = week_target = phase_done = phase_target = 0
    for key, times in per_week.items():
        days = [d for d in done_on.get(key, ()) if start <= d <= today]
        for week in weeks:
            target = due_in_week(times, week, start)
            done = min(target, sum(1 for d in days if monday(d) == week))
            phase_done += done
            phase_target += target
            if week == this_week:
                week_done += done
                week_target += target
    return Adherence(week_done, week_target), Adherence(phase_done, phase_target)
