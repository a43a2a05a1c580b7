"""Projected phase dates of a plan: pure arithmetic on minimum and typical days.

Earliest: each remaining phase starts as soon as the one before has had its minimum days (as if
every criterion were met the day its minimum allows). Typical: each remaining phase lasts its
typical days. A phase under way counts from its start date; if it has already run longer than
its minimum (or typical) days, the projection moves from today instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class PhaseLike(Protocol):
    order: int
    name: str
    min_days: int
    typical_days: int
    started_on: dt.date | None
    ended_on: dt.date | None


@dataclass(frozen=True)
class PhaseProjection:
    order: int
    name: str
    status: str  # "done" | "current" | "upcoming"
    started_on: dt.date | None
    ended_on: dt.date | None
    earliest_start: dt.date
    typical_start: dt.date
    earliest_end: dt.date
    typical_end: dt.date


@dataclass(frozen=True)
class Projection:
    phases: tuple[PhaseProjection, ...]
    earliest_return: dt.date | None
    typical_return: dt.date | None

    def for_order(self, order: int) -> PhaseProjection | None:
        return next((p for p in self.phases if p.order == order), None)


def project(
    phases: Sequence[PhaseLike], *, today: dt.date, start: dt.date | None = None
) -> Projection:
    """Project dates for phases in order; ``start`` is the plan's start (default today)."""
    earliest = typical = start or today
    out: list[PhaseProjection] = []
    for phase in sorted(phases, key=lambda p: p.order):
        min_days, typical_days = phase.min_days, max(phase.typical_days, phase.min_days)
        if phase.ended_on is not None:
            started = phase.started_on or phase.ended_on
            out.append(
                PhaseProjection(
                    phase.order,
                    phase.name,
                    "done",
                    phase.started_on,
                    phase.ended_on,
                    started,
                    started,
                    phase.ended_on,
                    phase.ended_on,
                )
            )
            earliest = typical = phase.ended_on
            continue
        if phase.started_on is not None:
            e_start = t_start = phase.started_on
            e_end = max(e_start + dt.timedelta(days=min_days), today)
            t_end = max(t_start + dt.timedelta(days=typical_days), today)
            status = "current"
        else:
            e_start, t_start = earliest, typical
            e_end = e_start + dt.timedelta(days=min_days)
            t_end = t_start + dt.timedelta(days=typical_days)
            status = "upcoming"
        out.append(
            PhaseProjection(
                phase.order,
                phase.name,
                status,
                phase.started_on,
                None,
                e_start,
                t_start,
                e_end,
                t_end,
            )
        )
        earliest, typical = e_end, t_end
    if not out:
        return Projection((), None, None)
    return Projection(tuple(out), out[-1].earliest_start, out[-1].typical_start)
