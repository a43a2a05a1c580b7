"""The progress page's data: the days of the last weeks with their logs and sessions, and the
pain and load charts with the phases and the phase's lowest pain limit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from athletes.models import Athlete
from monitoring import charts, metrics
from monitoring.models import ActivitySession, DailyLog
from monitoring.surfaces.athlete.view_models.context import AthleteContext, is_editable
from protocols.engine import wording
from protocols.engine.records import LogEntry, SessionEntry, merge_day_pain
from protocols.models import PlanPhase

HISTORY_DAYS = 28
"""The log history and the charts of the progress page."""


def day_log(athlete: Athlete, day: dt.date) -> DailyLog | None:
    """The athlete's log of ``day``, if any."""
    return DailyLog.objects.filter(athlete=athlete, date=day).first()


@dataclass(frozen=True)
class HistoryDay:
    day: dt.date
    log: DailyLog | None
    sessions: list[ActivitySession]
    editable: bool

    @property
    def pains(self) -> list[tuple[str, int]]:
        if self.log is None:
            return []
        names = (
            ("rest", "pain_rest"),
            ("during", "pain_during"),
            ("after", "pain_after"),
            ("next morning", "pain_next_morning"),
        )
        return [(label, v) for label, f in names if (v := getattr(self.log, f)) is not None]


@dataclass
class ProgressData:
    history: list[HistoryDay]
    pain_chart: str
    load_chart: str
    logged_days: int
    sessions: int = 0
    week_load: float = 0.0


def _log_entries(logs: Iterable[DailyLog]) -> list[LogEntry]:
    return [
        LogEntry(
            day=log.date,
            pain_rest=log.pain_rest,
            pain_during=log.pain_during,
            pain_after=log.pain_after,
            pain_next_morning=log.pain_next_morning,
        )
        for log in logs
    ]


def _session_entries(sessions: Iterable[ActivitySession]) -> list[SessionEntry]:
    return [
        SessionEntry(
            day=s.date,
            activity=s.activity,
            minutes=s.minutes,
            rpe=s.rpe,
            pain_during=s.pain_during,
            pain_after=s.pain_after,
        )
        for s in sessions
    ]


def pain_by_day(
    logs: Iterable[DailyLog], sessions: Iterable[ActivitySession], start: dt.date, end: dt.date
) -> dict[str, list]:
    """The pain chart's series, one value a day: a day's pain during and after activity is the
    worst of its daily log and its sessions, as the rules read it (``records.merge_day_pain``;
    clinical.md §11)."""
    merged = merge_day_pain(_log_entries(logs), _session_entries(sessions))
    return metrics.pain_series(merged, start, end)


def progress_data(ctx: AthleteContext, *, days: int = HISTORY_DAYS) -> ProgressData:
    """History and charts of the last ``days`` days in two queries (logs, sessions)."""
    end = ctx.today
    start = end - dt.timedelta(days=days - 1)
    logs = list(DailyLog.objects.filter(athlete=ctx.athlete, date__gte=start, date__lte=end))
    sessions = list(
        ActivitySession.objects.filter(
            athlete=ctx.athlete, date__gte=start, date__lte=end
        ).order_by("date", "id")
    )
    by_day: dict[dt.date, list[ActivitySession]] = defaultdict(list)
    for s in sessions:
        by_day[s.date].append(s)
    log_by_day = {log.date: log for log in logs}
    history = [
        HistoryDay(
            day=d,
            log=log_by_day.get(d),
            sessions=by_day.get(d, []),
            editable=is_editable(d, end),
        )
        for d in (end - dt.timedelta(days=n) for n in range(days))
    ]
    span = metrics.days(start, end)
    pain = pain_by_day(logs, sessions, start, end)
    loads = metrics.daily_load(_session_entries(sessions), start, end)
    phases = _phase_periods(ctx, start, end)
    limit = _pain_limit(ctx.phase)
    return ProgressData(
        history=history,
        pain_chart=charts.pain_chart(
            span,
            pain,
            phases=phases,
            compact=True,
            limit=limit,
            fields=("pain_rest", "pain_during", "pain_after", "pain_next_morning"),
            night=[log.date for log in logs if log.night_pain],
        ),
        load_chart=charts.load_chart(span, loads, phases=phases, compact=True),
        logged_days=len(logs),
        sessions=len(sessions),
        week_load=sum(loads[-7:]),
    )


def _pain_limit(phase: PlanPhase | None) -> float | None:
    """The line the pain chart draws: the lowest pain level the phase's items set."""
    if phase is None:
        return None
    return wording.lowest_pain_level(phase.advance_when or [], phase.regress_when or [])


def _phase_periods(ctx: AthleteContext, start: dt.date, end: dt.date) -> list[charts.PhasePeriod]:
    out = []
    for phase in ctx.phases:
        if phase.started_on is None or phase.started_on > end:
            continue
        stop = phase.ended_on or end + dt.timedelta(days=1)
        if stop < start:
            continue
        out.append(charts.PhasePeriod(phase.name, max(phase.started_on, start), stop))
    return out
