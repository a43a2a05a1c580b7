"""This week, planned against done: each prescribed activity's sessions a week and the days the
athlete logged one ("Walk-run: 2 of 3"), week by week (Monday to Sunday, the athlete's own
dates). A week is read against the stage the athlete was on at its end (today for this week).
A day whose only session of the activity was stopped early (a run-walk session cut short, most
often by pain) is not a session done: it is counted apart ("1 stopped early")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from monitoring.models import ActivitySession
from monitoring.models.records import Completion
from monitoring.surfaces.athlete.view_models.context import AthleteContext
from protocols.models import Activity, PlanPhase

_LABELS = dict(Activity.choices)


@dataclass(frozen=True)
class WeekLine:
    """One activity of a week: how many days it was planned and done, and the minutes logged."""

    activity: str
    label: str
    planned: int | None  # None: logged, but not in the plan that week
    done: int
    minutes: int
    minutes_each: int | None  # the prescription's minutes per session
    stopped: int = 0  # days whose only sessions of the activity were stopped early
    earlier_stage: str = ""  # not in the week's stage, but in the stage before it that week

    @property
    def met(self) -> bool:
        return self.planned is not None and self.done >= self.planned

    @property
    def words(self) -> str:
        if self.planned is None:
            where = f"in {self.earlier_stage}" if self.earlier_stage else "not in your plan"
            return f"{self.label}: {self.done} ({where})"
        words = f"{self.label}: {self.done} of {self.planned}"
        return f"{words}, {self.stopped} stopped early" if self.stopped else words


@dataclass(frozen=True)
class Week:
    monday: dt.date
    last_day: dt.date  # Sunday, or today for the week in progress
    phase: PlanPhase | None
    stage_began: dt.date | None  # the stage began within this week, on this day
    lines: list[WeekLine]

    @property
    def planned(self) -> list[WeekLine]:
        return [line for line in self.lines if line.planned is not None]

    @property
    def others(self) -> list[WeekLine]:
        return [line for line in self.lines if line.planned is None]

    @property
    def current(self) -> bool:
        return self.last_day - self.monday < dt.timedelta(days=6)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def phase_on(phases: list[PlanPhase], day: dt.date) -> PlanPhase | None:
    """The stage the athlete was on on ``day``: started by then and not ended before it."""
    on = [
        p
        for p in phases
        if p.started_on and p.started_on <= day and (p.ended_on is None or p.ended_on >= day)
    ]
    return max(on, key=lambda p: (p.started_on, p.order), default=None)


def weeks(ctx: AthleteContext, count: int = 1) -> list[Week]:
    """The last ``count`` weeks up to today, this week first. One query (the sessions)."""
    if ctx.plan is None:
        return []
    first = monday_of(ctx.today) - dt.timedelta(weeks=count - 1)
    rows = ActivitySession.objects.filter(
        athlete=ctx.athlete, date__gte=first, date__lte=ctx.today
    ).values_list("date", "activity", "minutes", "completion")
    days: dict[tuple[dt.date, str], set[dt.date]] = defaultdict(set)
    stopped: dict[tuple[dt.date, str], set[dt.date]] = defaultdict(set)
    minutes: dict[tuple[dt.date, str], int] = defaultdict(int)
    for day, activity, mins, completion in rows:
        key = (monday_of(day), activity)
        (stopped if completion == Completion.STOPPED_EARLY else days)[key].add(day)
        minutes[key] += mins or 0
    for key, cut_short in stopped.items():
        cut_short -= days.get(key, set())  # another session of that day was done
    out = []
    phases = ctx.phases
    for n in range(count):
        monday = monday_of(ctx.today) - dt.timedelta(weeks=n)
        last = min(monday + dt.timedelta(days=6), ctx.today)
        phase = ctx.phase if n == 0 else phase_on(phases, last)
        before = _earlier_stage(phases, phase, monday)
        week = _week(monday, last, phase, days, stopped, minutes, before)
        if phase is not None or week.lines:  # a week before the plan with nothing logged: none
            out.append(week)
    return out


def _earlier_stage(
    phases: list[PlanPhase], phase: PlanPhase | None, monday: dt.date
) -> PlanPhase | None:
    """The stage the athlete was on at the start of a week that ``phase`` began within."""
    if phase is None or not phase.started_on or phase.started_on <= monday:
        return None
    return phase_on([p for p in phases if p.pk != phase.pk], monday)


def _planned(phase: PlanPhase | None) -> dict[str, tuple[int, int | None]]:
    """A stage's activities with their sessions a week and minutes each."""
    planned: dict[str, tuple[int, int | None]] = {}
    for rx in phase.prescriptions if phase else []:
        activity, per_week = rx.get("activity"), rx.get("sessions_per_week")
        if activity and per_week and activity not in planned:
            planned[activity] = (min(int(per_week), 7), rx.get("minutes"))
    return planned


def _week(monday, last, phase, days, stopped, minutes, before=None) -> Week:
    lines = []
    planned = _planned(phase)
    earlier = _planned(before)
    for activity, (per_week, each) in planned.items():
        key = (monday, activity)
        lines.append(
            WeekLine(
                activity,
                _LABELS.get(activity, activity),
                per_week,
                len(days.get(key, ())),
                minutes.get(key, 0),
                each,
                len(stopped.get(key, ())),
            )
        )
    logged = sorted({a for (m, a) in (*days, *stopped) if m == monday and a not in planned})
    for activity in logged:
        key = (monday, activity)
        label = _LABELS.get(activity, activity)
        done, cut_short = len(days.get(key, ())), len(stopped.get(key, ()))
        stage = f"your earlier stage, {before.name}" if activity in earlier else ""
        lines.append(WeekLine(activity, label, None, done, minutes[key], None, cut_short, stage))
    began = phase.started_on if phase and phase.started_on and phase.started_on > monday else None
    return Week(monday, last, phase, began, lines)
