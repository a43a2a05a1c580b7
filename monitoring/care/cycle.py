"""Reading an athlete's menstrual-cycle log (``athletes.PeriodStart``), only while their consent
is on, for the Triad menses item and the REDs menstrual indicators.

The count covers the last 12 months only when the log does: from the earlier of the first
entry and the day logging was turned on. A shorter log gives a count but no points: a partial
year is not a score (unknown is never met)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from athletes.models import Athlete, PeriodStart
from athletes.permissions import cycle_consent_given
from monitoring.care.growth import menses_points

YEAR = dt.timedelta(days=365)
AMENORRHOEA_GAP_DAYS = 90  # about 3 missed cycles (REDs CAT2: 3–11 consecutive missed cycles)
# A start this close to the one before is read as the same period logged twice, not a new one
# (clinic protocol: a cycle under 15 days is not a cycle; the athlete may log a day of it).
SAME_PERIOD_DAYS = 14


@dataclass(frozen=True)
class CycleSummary:
    periods: int  # period starts in the last 12 months
    covered_from: dt.date  # the log reaches back to here
    full_year: bool
    longest_gap_days: int  # between starts, and from the last start to today
    last_start: dt.date | None

    @property
    def menses_points(self) -> int | None:
        return menses_points(self.periods) if self.full_year else None

    @property
    def text(self) -> str:
        since = "the last 12 months" if self.full_year else f"since {self.covered_from:%-d %b %Y}"
        head = f"{self.periods} period{'s' if self.periods != 1 else ''} logged in {since}"
        if not self.full_year:
            head += " (less than a year logged: no Triad points)"
        return head + f"; longest gap {self.longest_gap_days} days."

    def reds_suggestions(self) -> dict[str, bool]:
        """The REDs menstrual indicators the log suggests, for the clinician to confirm."""
        out: dict[str, bool] = {}
        if self.longest_gap_days >= AMENORRHOEA_GAP_DAYS:
            out["secondary_amenorrhoea"] = True
        elif self.full_year:
            out["secondary_amenorrhoea"] = False
        if self.full_year:
            out["oligomenorrhoea"] = 6 <= self.periods <= 9
        return out


def summarise(starts: list[dt.date], since: dt.date | None, today: dt.date) -> CycleSummary | None:
    """Pure: the summary of ``starts`` (any order) as of ``today``; None with nothing logged
    and no day logging began."""
    starts = _distinct_periods(sorted(d for d in starts if d <= today))
    first = min([d for d in [since, starts[0] if starts else None] if d is not None], default=None)
    if first is None:
        return None
    window_start = today - YEAR
    in_year = [d for d in starts if d > window_start]
    edges = [max(first, window_start), *in_year, today]
    gaps = [(b - a).days for a, b in zip(edges, edges[1:], strict=False)]
    return CycleSummary(
        periods=len(in_year),
        covered_from=first,
        full_year=first <= window_start,
        longest_gap_days=max(gaps, default=0),
        last_start=starts[-1] if starts else None,
    )


def _distinct_periods(starts: list[dt.date]) -> list[dt.date]:
    """``starts`` (sorted) less those within ``SAME_PERIOD_DAYS`` of the period before."""
    out: list[dt.date] = []
    for day in starts:
        if not out or (day - out[-1]).days > SAME_PERIOD_DAYS:
            out.append(day)
    return out


def cycle_summary(athlete: Athlete, today: dt.date) -> CycleSummary | None:
    """The athlete's summary, None while consent is off (the log is then never used)."""
    if not cycle_consent_given(athlete):
        return None
    starts = list(
        PeriodStart.objects.filter(athlete=athlete, started_on__gte=today - 2 * YEAR).values_list(
            "started_on", flat=True
        )
    )
    return summarise(starts, athlete.cycle_consent.since, today)


def period_starts(athlete: Athlete, limit: int = 24) -> list[PeriodStart]:
    if not cycle_consent_given(athlete):
        return []
    return list(PeriodStart.objects.filter(athlete=athlete).order_by("-started_on")[:limit])
