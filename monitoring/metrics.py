"""Metrics for screens and charts, built on the pure arithmetic of ``protocols.engine.series``.

Pure: records in, numbers out; no ORM, no clock. Daily series keep gaps as gaps (None), so a
chart shows a missing log as a break, not as a zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from monitoring import schema
from protocols.engine import series
from protocols.engine.records import LogEntry, SessionEntry

PAIN_FIELDS = schema.LOG_PAIN_FIELDS
ACWR_SWEET_SPOT = (0.8, 1.3)  # Gabbett, BJSM 2016;50:273-80
ACWR_DANGER = 1.5


@dataclass(frozen=True)
class LoadSummary:
    """Training load over the week ending on ``end`` (session-RPE, Foster et al. 2001)."""

    end: dt.date
    week_load: float
    previous_week_load: float
    change_percent: float | None
    monotony: float | None  # population SD
    strain: float | None
    acwr: float | None  # EWMA 7/28 (Williams et al. 2017)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return series.day_range(start, end)


def pain_series(logs: Iterable[LogEntry], start: dt.date, end: dt.date) -> dict[str, list]:
    """For each pain field, one value per day from start to end; None where nothing was logged."""
    logs = list(logs)
    out = {}
    for field in PAIN_FIELDS:
        values = [(log.day, getattr(log, field)) for log in logs]
        out[field] = [v for _, v in series.daily_series(values, start, end)]
    return out


def session_loads(sessions: Iterable[SessionEntry]) -> list[tuple[dt.date, float | None]]:
    return [(s.day, series.session_load(s.rpe, s.minutes)) for s in sessions]


def daily_load(sessions: Iterable[SessionEntry], start: dt.date, end: dt.date) -> list[float]:
    """Total session-RPE load of each day (several sessions add up; a rest day is 0)."""
    return series.daily_loads(session_loads(sessions), start, end)


def acwr_series(
    sessions: Iterable[SessionEntry], start: dt.date, end: dt.date
) -> list[float | None]:
    """The EWMA acute:chronic ratio for each day from start to end.

    The averages run from the first session on record (earlier history counts), so the ratio
    on ``start`` is the same as it would be in a longer chart.
    """
    loads = session_loads(sessions)
    known = [d for d, load in loads if load is not None]
    if not known:
        return [None] * len(days(start, end))
    first = min(min(known), start)
    ratios = series.acwr_ewma_series(series.daily_loads(loads, first, end))
    offset = (start - first).days
    return ratios[offset:]


def load_summary(sessions: Sequence[SessionEntry], end: dt.date) -> LoadSummary:
    loads = session_loads(sessions)
    week = series.daily_loads(loads, end - dt.timedelta(days=6), end)
    ratios = acwr_series(sessions, end, end)
    return LoadSummary(
        end=end,
        week_load=sum(week),
        previous_week_load=series.weekly_sum(loads, end - dt.timedelta(days=7)),
        change_percent=series.week_over_week_change(loads, end),
        monotony=series.monotony(week),
        strain=series.strain(week),
        acwr=ratios[-1] if ratios else None,
    )


def weekly_loads(
    sessions: Iterable[SessionEntry], end: dt.date, weeks: int
) -> list[tuple[dt.date, float]]:
    """(week start, total load) for the ``weeks`` 7-day weeks ending on ``end``, oldest first.

    Every session counts (two on one day add up, as in ``daily_load``); a session of unknown
    load adds nothing."""
    return weekly_totals(loads_by_day(session_loads(sessions)), end, weeks)


def loads_by_day(loads: Iterable[tuple[dt.date, float | None]]) -> dict[dt.date, float]:
    """Each day's total known load (several sessions add up; unknown loads add nothing)."""
    out: dict[dt.date, float] = {}
    for day, load in loads:
        if load is not None:
            out[day] = out.get(day, 0.0) + float(load)
    return out


def weekly_totals(
    per_day: Mapping[dt.date, float], end: dt.date, weeks: int
) -> list[tuple[dt.date, float]]:
    """``weekly_loads`` from each day's total load (``loads_by_day``)."""
    first = end - dt.timedelta(days=7 * weeks - 1)
    totals = [0.0] * weeks
    for day in sorted(per_day):  # each week adds its days in date order
        offset = (day - first).days
        if 0 <= offset < 7 * weeks:
            totals[offset // 7] += per_day[day]
    return [(first + dt.timedelta(days=7 * w), float(total)) for w, total in enumerate(totals)]


def pain_free_streak(logs: Iterable[LogEntry], end: dt.date) -> int:
    """Consecutive days up to ``end`` with a log whose every reported pain is 0."""
    free = [
        log.day
        for log in logs
        if all((getattr(log, f) or 0) == 0 for f in PAIN_FIELDS)
        and any(getattr(log, f) is not None for f in PAIN_FIELDS)
    ]
    return series.streak(free, end)


def adherence(logs: Iterable[LogEntry], today: dt.date, n: int = 7) -> int:
    """Days with a log in the last ``n`` days, today included."""
    return series.adherence([log.day for log in logs], today, n)


def pain_trend(logs: Iterable[LogEntry], end: dt.date, field: str = "pain_during") -> float | None:
    """This week's mean pain minus last week's (positive = rising); None without both weeks."""
    values = [(log.day, getattr(log, field)) for log in logs]
    this_week = series.weekly_mean(values, end)
    last_week = series.weekly_mean(values, end - dt.timedelta(days=7))
    if this_week is None or last_week is None:
        return None
    return this_week - last_week
