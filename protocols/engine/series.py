"""Pure arithmetic on dated values: daily series, streaks, weekly windows and training load.

A window is "the last N days ending on `end`, inclusive"; `not_before` clips its start (a phase
start, say). Nothing here reads a clock: the day to compute for is always a parameter. Values
are paired with their `datetime.date`. A measure taken once a day (a daily log's pain) keeps the
last value given for a repeated day (`by_day`); an amount (a session's training load) adds up
over the day (`day_totals`): two sessions on one day are both done.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

DatedValue = tuple[date, float | None]

ONE_DAY = timedelta(days=1)


# --- days and windows -------------------------------------------------------------------------


def day_range(start: date, end: date) -> list[date]:
    """Every day from `start` to `end` inclusive; empty when `start` is after `end`."""
    if start > end:
        return []
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def window_start(end: date, days: int, not_before: date | None = None) -> date:
    """First day of the `days`-day window ending on `end` (inclusive), never before `not_before`.

    The result is after `end` when `not_before` is: the window is then empty.
    """
    if days < 1:
        raise ValueError("A window needs at least one day.")
    start = end - timedelta(days=days - 1)
    if not_before is not None and not_before > start:
        return not_before
    return start


def by_day(values: Iterable[DatedValue]) -> dict[date, float | None]:
    """One value per day; when a day repeats, the last value wins (even a `None`)."""
    out: dict[date, float | None] = {}
    for day, value in values:
        out[day] = value
    return out


def day_totals(values: Iterable[DatedValue]) -> dict[date, float | None]:
    """Each day's sum of its known values (two sessions on a day add up); a day whose every
    value is unknown stays unknown (`None`), never a zero."""
    out: dict[date, float | None] = {}
    for day, value in values:
        if value is None:
            out.setdefault(day, None)
        else:
            before = out.get(day)
            out[day] = float(value) if before is None else before + float(value)
    return out


def daily_series(values: Iterable[DatedValue], start: date, end: date) -> list[DatedValue]:
    """One `(day, value)` pair for every day from `start` to `end`; a day without a value is a
    gap (`None`), never a zero."""
    known = by_day(values)
    return [(day, known.get(day)) for day in day_range(start, end)]


def window_values(
    values: Iterable[DatedValue], end: date, days: int = 7, *, not_before: date | None = None
) -> list[float]:
    """The known values of the window, oldest first (gaps left out)."""
    start = window_start(end, days, not_before)
    return [v for _, v in daily_series(values, start, end) if v is not None]


# --- streaks ----------------------------------------------------------------------------------


def streak(days: Iterable[date], end: date, *, not_before: date | None = None) -> int:
    """How many consecutive days up to and including `end` are among `days` (0 if `end` is not).

    A single missing day breaks the streak: a gap is not a success.
    """
    present = set(days)
    count = 0
    day = end
    while day in present and (not_before is None or day >= not_before):
        count += 1
        day -= ONE_DAY
    return count


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """The maximal runs of consecutive days, as `(first, last)` pairs in date order."""
    ordered = sorted(set(days))
    out: list[tuple[date, date]] = []
    for day in ordered:
        if out and out[-1][1] + ONE_DAY == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def longest_streak(days: Iterable[date]) -> int:
    """Length in days of the longest run of consecutive days."""
    return max(((last - first).days + 1 for first, last in runs(days)), default=0)


# --- weekly windows ---------------------------------------------------------------------------


def weekly_mean(
    values: Iterable[DatedValue], end: date, *, days: int = 7, not_before: date | None = None
) -> float | None:
    """Mean of the known values of the window ending on `end`; `None` when it has none."""
    known = window_values(values, end, days, not_before=not_before)
    return sum(known) / len(known) if known else None


def weekly_sum(
    values: Iterable[DatedValue], end: date, *, days: int = 7, not_before: date | None = None
) -> float:
    """Sum of every known value of the window ending on `end`: several on one day all count
    (`day_totals`), a gap adds nothing."""
    start = window_start(end, days, not_before)
    totals = day_totals(values)
    return float(sum(v for day, v in totals.items() if v is not None and start <= day <= end))


def week_over_week_change(
    values: Iterable[DatedValue], end: date, *, not_before: date | None = None
) -> float | None:
    """Change in % of the 7-day sum ending on `end` against the 7 days before it.

    `None` when the earlier week sums to zero (a rise from nothing has no percentage).
    """
    pairs = list(values)
    this_week = weekly_sum(pairs, end, not_before=not_before)
    last_week = weekly_sum(pairs, end - timedelta(days=7), not_before=not_before)
    if last_week == 0:
        return None
    return (this_week - last_week) / last_week * 100


# --- training load ----------------------------------------------------------------------------


def session_load(rpe: float | None, minutes: float | None) -> float | None:
    """Session-RPE load in arbitrary units: CR-10 rating × minutes (Foster et al., JSCR 2001).

    `None` when either is unknown.
    """
    if rpe is None or minutes is None:
        return None
    return float(rpe) * float(minutes)


def daily_loads(loads: Iterable[DatedValue], start: date, end: date) -> list[float]:
    """Total load of each day from `start` to `end`; a day without a session, or a session of
    unknown load, counts as 0 (several sessions on one day add up)."""
    totals: dict[date, float] = {}
    for day, load in loads:
        if start <= day <= end and load is not None:
            totals[day] = totals.get(day, 0.0) + float(load)
    return [totals.get(day, 0.0) for day in day_range(start, end)]


def ewma_lambda(n: int) -> float:
    """Decay factor λ = 2 / (N + 1) (Williams et al., BJSM 2017;51:209): 0.25 for N = 7,
    2/29 ≈ 0.069 for N = 28."""
    if n < 1:
        raise ValueError("N must be at least 1.")
    return 2 / (n + 1)


def ewma(loads: Sequence[float], n: int, *, seed: float | None = None) -> list[float]:
    """Exponentially weighted moving average, one value per day (Williams et al. 2017):
    EWMA_t = λ·L_t + (1 − λ)·EWMA_{t−1}, λ = 2/(N + 1).

    The day before the series has EWMA = `seed`; without a seed the first day's load is taken as
    its own average (EWMA_0 = L_0), so a series does not start with an artificial spike.
    """
    lam = ewma_lambda(n)
    out: list[float] = []
    previous = seed
    for load in loads:
        current = float(load) if previous is None else lam * load + (1 - lam) * previous
        out.append(current)
        previous = current
    return out


def acwr_ewma_series(
    loads: Sequence[float], *, acute: int = 7, chronic: int = 28
) -> list[float | None]:
    """EWMA acute:chronic ratio for every day of a daily-load series (rest days as 0);
    `None` where the chronic average is 0."""
    fast = ewma(loads, acute)
    slow = ewma(loads, chronic)
    return [a / c if c > 0 else None for a, c in zip(fast, slow, strict=True)]


def acwr_ewma(loads: Sequence[float], *, acute: int = 7, chronic: int = 28) -> float | None:
    """EWMA acute:chronic ratio on the last day of a daily-load series (rest days as 0).

    Gabbett (BJSM 2016): 0.8–1.3 "sweet spot", ≥ 1.5 "danger"; it predicts injury barely better
    than chance (Impellizzeri et al., Sports Med 2021;51:581-92), so use it as a caution, never
    a gate.
    """
    if not loads:
        return None
    return acwr_ewma_series(loads, acute=acute, chronic=chronic)[-1]


def acwr_ewma_on(
    loads: Iterable[DatedValue], end: date, *, acute: int = 7, chronic: int = 28
) -> tuple[int, float | None]:
    """(days of load history, EWMA acute:chronic ratio on `end`): the length of
    `load_series(loads, end)` and `acwr_ewma` of it, in one pass without the daily lists (the
    same arithmetic, so the same floats; a nightly run computes it for every case)."""
    last = end.toordinal()
    totals: dict[int, float] = {}
    for day, load in loads:
        if load is not None and (ordinal := day.toordinal()) <= last:
            totals[ordinal] = totals.get(ordinal, 0.0) + float(load)
    if not totals:
        return 0, None
    first = min(totals)
    lam_fast, lam_slow = ewma_lambda(acute), ewma_lambda(chronic)
    keep_fast, keep_slow = 1 - lam_fast, 1 - lam_slow  # the same floats as in the loop before
    get = totals.get
    fast = slow = totals[first]
    for ordinal in range(first + 1, last + 1):
        load = get(ordinal, 0.0)
        fast = lam_fast * load + keep_fast * fast
        slow = lam_slow * load + keep_slow * slow
    return last - first + 1, (fast / slow if slow > 0 else None)


def load_series(loads: Iterable[DatedValue], end: date) -> list[float]:
    """Daily loads from the first day with a known load up to `end` (rest days as 0); empty when
    there is no load on or before `end`."""
    known = [(day, load) for day, load in loads if load is not None and day <= end]
    if not known:
        return []
    return daily_loads(known, min(day for day, _ in known), end)


def monotony(loads: Sequence[float]) -> float | None:
    """Foster's training monotony: mean ÷ standard deviation of the daily loads of a week (rest
    days as 0).

    Uses the *population* SD (divide by n, not n − 1). `None` when there are fewer than two days
    or every day has the same load (SD 0).
    """
    n = len(loads)
    if n < 2:
        return None
    mean = sum(loads) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in loads) / n)
    if sd == 0:
        return None
    return mean / sd


def strain(loads: Sequence[float]) -> float | None:
    """Foster's training strain: weekly load × monotony (population SD); `None` with monotony."""
    m = monotony(loads)
    return None if m is None else sum(loads) * m


# --- adherence --------------------------------------------------------------------------------


def adherence(
    days: Iterable[date], today: date, n: int = 7, *, not_before: date | None = None
) -> int:
    """Number of distinct days with a log in the last `n` days ending `today` (inclusive)."""
    start = window_start(today, n, not_before)
    return sum(1 for day in set(days) if start <= day <= today)
