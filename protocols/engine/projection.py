"""Projected phase dates of a plan: pure arithmetic on minimum and typical days.

Earliest: each remaining phase starts as soon as the one before has had its minimum days (as if
every criterion were met the day its minimum allows). Typical: each remaining phase lasts its
typical days. A phase under way counts from its start date; if it has already run longer than
its minimum (or typical) days, the projection moves from today instead. A phase under way ends no
earlier than its criteria allow (`ready_from`, from its latest evaluation: an unmet "no night
pain for 7 days" counts from the last report).
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
    # ready_from (optional): the earliest day the phase's criteria could all be met


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
    phases: Sequence[PhaseLike],
    *,
    today: dt.date,
    start: dt.date | None = None,
    ready_from: dt.date | None = None,
) -> Projection:
    """Project dates for phases in order; ``start`` is the plan's start (default today).

    The phase under way ends at the earliest on the day its criteria allow: ``ready_from``
    when given (today's evaluation), else its stored ``ready_from`` (the latest evaluation's).
    """
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
            ready = ready_from if ready_from is not None else getattr(phase, "ready_from", None)
            if ready is not None and ready > e_end:
                e_end = ready  # an unmet criterion with a duration holds the phase back
            t_end = max(t_start + dt.timedelta(days=typical_days), today, e_end)
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


# --- the what-if timeline: phases, the usual range for the site and grade, the assumptions ------

# Rest before return by MRI grade (Arendt, as summarised by Radiopaedia; docs/whatif.md), in days
# from diagnosis: grade 1 three weeks, 2 three to six, 3 twelve to sixteen, 4 sixteen or more.
GRADE_RETURN_DAYS: dict[int, tuple[int, int | None]] = {
    1: (21, 21),
    2: (21, 42),
    3: (84, 112),
    4: (112, None),
}
MRI_GRADING = frozenset({"fredericson", "arendt"})
# The scale a case was graded on, as the rest-before-return text quotes it. Kaeding–Miller has
# no rest-before-return table of its own: no range is shown for it.
SCALE_NAMES = {"fredericson": "Fredericson", "arendt": "Arendt", "kaeding_miller": "Kaeding–Miller"}


@dataclass(frozen=True)
class ReturnRange:
    """A usual time to return from the literature, in days from diagnosis."""

    label: str
    low: int
    high: int | None
    typical: int | None
    source: str

    def dates(self, diagnosed_on: dt.date) -> tuple[dt.date, dt.date | None, dt.date | None]:
        """(low, high, typical) as dates counted from the diagnosis."""

        def at(days: int | None) -> dt.date | None:
            return diagnosed_on + dt.timedelta(days=days) if days is not None else None

        return at(self.low), at(self.high), at(self.typical)  # type: ignore[return-value]


def return_ranges(
    *,
    site_label: str,
    typical_days: int | None,
    ci: tuple[int, int] | None,
    grade: int | None,
    grading_system: str,
) -> list[ReturnRange]:
    """The usual ranges that apply to a case: the pooled return time of its site (Hoenig et al.,
    BJSM 2023, 95% CI) and the rest before return of its MRI grade (Arendt)."""
    out = []
    if typical_days is not None and ci is not None:
        out.append(
            ReturnRange(
                f"Pooled return for the {site_label.lower()}",
                ci[0],
                ci[1],
                typical_days,
                "Hoenig et al., BJSM 2023 (76 studies, 2,974 injuries), 95% CI",
            )
        )
    if grade in GRADE_RETURN_DAYS and grading_system in MRI_GRADING:
        low, high = GRADE_RETURN_DAYS[grade]
        scale = SCALE_NAMES[grading_system]
        source = "Arendt grading, as summarised by Radiopaedia"
        if grading_system != "arendt":
            source = (
                f"Rest before return by Arendt grade, as summarised by Radiopaedia, read for "
                f"{scale} grade {grade} (the two MRI scales' grades 1-4 correspond)"
            )
        out.append(
            ReturnRange(f"Rest before return for {scale} grade {grade}", low, high, None, source)
        )
    return out


@dataclass(frozen=True)
class TimelineBar:
    """One row of the timeline, positioned in % of the axis."""

    label: str
    status: str  # done | current | upcoming | return | range
    start: dt.date
    end: dt.date
    earliest_end: dt.date | None
    left: float
    width: float
    early_width: float  # the part from the start to the earliest end, in % of the axis
    text: str


@dataclass(frozen=True)
class Timeline:
    projection: Projection
    bars: tuple[TimelineBar, ...]
    ranges: tuple[ReturnRange, ...]
    axis_start: dt.date
    axis_end: dt.date
    today: dt.date
    today_left: float
    days_since_diagnosis: int
    assumptions: tuple[str, ...]
    running_long: tuple[str, ...]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def timeline(
    phases: Sequence[PhaseLike],
    *,
    today: dt.date,
    start: dt.date | None,
    diagnosed_on: dt.date,
    ranges: Sequence[ReturnRange] = (),
    returned_on: dt.date | None = None,
) -> Timeline:
    """The projection of ``project`` laid out as a timeline, with the usual ranges for the
    site and grade, the assumptions in words, and what runs longer than usual.

    A case runs long when its days since diagnosis pass a range's upper bound before return, or
    when its typical projected return falls after it.
    """
    proj = project(phases, today=today, start=start)
    begin = min([diagnosed_on, start or today, today])
    ends = [today, *(p.typical_end for p in proj.phases)]
    for r in ranges:
        low, high, typical = r.dates(diagnosed_on)
        ends += [d for d in (low, high, typical) if d is not None]
    finish = max(ends) + dt.timedelta(days=3)
    span = max((finish - begin).days, 1)

    def pos(day: dt.date) -> float:
        return round(100 * (day - begin).days / span, 2)

    bars: list[TimelineBar] = []
    for number, p in enumerate(proj.phases, start=1):
        if p.status == "done":
            s, e, early = p.started_on or p.earliest_start, p.ended_on or p.earliest_end, None
            text = f"{s:%-d %b} – {e:%-d %b}, done"
        elif p.status == "current":
            s, e, early = p.earliest_start, p.typical_end, p.earliest_end
            text = f"since {s:%-d %b}; ready at the earliest {p.earliest_end:%-d %b}, "
            text += f"typically {p.typical_end:%-d %b}"
        else:
            s, e, early = p.earliest_start, p.typical_end, None
            text = f"starts at the earliest {p.earliest_start:%-d %b}, typically "
            text += f"{p.typical_start:%-d %b}; ends typically {p.typical_end:%-d %b}"
        e = max(e, s)
        # The lighter part of a bar: up to the earliest end (current) or, for a phase to come,
        # the days between its earliest and its typical start.
        lead_to = early if early else (p.typical_start if p.status == "upcoming" else s)
        bars.append(
            TimelineBar(
                f"{number}. {p.name}",
                p.status,
                s,
                e,
                early,
                pos(s),
                max(pos(e) - pos(s), 0.6),
                max(pos(lead_to) - pos(s), 0.0),
                text,
            )
        )

    since = (today - diagnosed_on).days
    long: list[str] = []
    for r in ranges:
        low, high, typical = r.dates(diagnosed_on)
        bar_end = high or low
        bars.append(
            TimelineBar(
                r.label,
                "range",
                low,
                bar_end,
                typical,
                pos(low),
                max(pos(bar_end) - pos(low), 0.6),
                0.0,
                (
                    f"{r.low}–{r.high} days from diagnosis ({low:%-d %b} – {high:%-d %b})"
                    if high and r.high != r.low
                    else f"{r.low}{'' if high else '+'} days from diagnosis ({low:%-d %b})"
                )
                + (f", typically {r.typical} days" if r.typical else "")
                + f". {r.source}.",
            )
        )
        if r.high is None or returned_on is not None:
            continue
        if since > r.high:
            long.append(
                f"Day {since} since diagnosis: longer than the usual range "
                f"({r.label}: up to {r.high} days)."
            )
        elif proj.typical_return and (proj.typical_return - diagnosed_on).days > r.high:
            days = (proj.typical_return - diagnosed_on).days
            long.append(
                f"The typical projected return ({proj.typical_return:%-d %b %Y}, day {days}) "
                f"falls after the usual range ({r.label}: up to {r.high} days)."
            )

    assumptions = [
        "Earliest: each phase ends the day its minimum days allow, as if every criterion were "
        "met that day.",
        "Typical: each phase lasts its typical days.",
        "A phase under way counts from its start; once it has run past its minimum (or "
        "typical) days, the projection moves on from today.",
        "A phase under way ends no earlier than its criteria allow: a criterion not yet met that "
        "needs a number of days (no night pain for 7 days, say) counts them from the last "
        "report, as of the latest evaluation.",
        "Usual ranges count from the diagnosis date "
        f"({diagnosed_on:%-d %b %Y}, {_plural(since, 'day')} ago).",
    ]
    return Timeline(
        projection=proj,
        bars=tuple(bars),
        ranges=tuple(ranges),
        axis_start=begin,
        axis_end=finish,
        today=today,
        today_left=pos(today),
        days_since_diagnosis=since,
        assumptions=tuple(assumptions),
        running_long=tuple(long),
    )
