"""A coach's pages of one athlete: the printable restrictions card and the athlete view (the
phase ladder, the training load over time and this week's availability)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from monitoring import charts, metrics
from monitoring.evaluation.programmes import programme_stage_for
from monitoring.exercises.adherence import Adherence
from monitoring.exercises.selectors import adherence_for as exercise_adherence
from monitoring.models import Flag
from monitoring.surfaces.coach.facts import SPARK_WEEKS, CaseFacts, case_facts
from monitoring.surfaces.coach.queries import (
    active_plan,
    coach_case,
    coach_flags,
    last_log_dates,
    plan_inputs,
    session_entries,
)
from monitoring.surfaces.coach.restrictions import (
    AllowedActivity,
    Restrictions,
    phase_words,
    restrictions_for,
)
from monitoring.surfaces.coach.status import CoachFlag
from protocols.engine import projection
from protocols.engine.records import SessionEntry
from protocols.models import PlanPhase

CHART_MAX_DAYS = 182
"""The athlete view's load chart shows the plan since it started, at most half a year."""
ACWR_HISTORY_DAYS = 28
"""Load before the chart's first day that the acute:chronic ratio needs to settle."""


@dataclass
class WeekItem:
    """One prescription line against what was logged this week."""

    allowed: AllowedActivity
    done_sessions: int
    done_minutes: int


@dataclass(frozen=True)
class LadderStep:
    """A phase of the plan on the athlete view's ladder."""

    phase: projection.PhaseProjection  # status done / current / upcoming, actual or expected dates
    words: str  # impact and weight bearing in plain words


@dataclass
class CoachCaseView:
    """The restrictions card or the athlete view of one case (the card fills the facts and
    restrictions only)."""

    facts: CaseFacts
    restrictions: Restrictions | None
    ladder: list[LadderStep] = field(default_factory=list)
    week_start: dt.date | None = None
    week_end: dt.date | None = None
    week: list[WeekItem] = field(default_factory=list)
    other_sessions: int = 0
    chart: str = ""
    exercise_adherence: tuple[Adherence, Adherence] | None = None  # this week, the phase
    programme: Any = None  # the run-walk programme's ProgrammeState (the stage allowed)


def restrictions_of(facts: CaseFacts) -> Restrictions | None:
    """The restrictions of the current phase, on hold while a red flag is open; None without
    a phase or when the viewer may not see them."""
    if facts.phase is None or not facts.shows("restrictions"):
        return None
    hold = next((f.text for f in facts.flags if f.kind == Flag.Kind.RED_FLAG), "")
    return restrictions_for(facts.phase, hold_message=hold)


def restrictions_card(user: User, case_id: Any, *, today: dt.date) -> CoachCaseView:
    """The printable card: queries as in ``coach_cases`` plus the last log date (no sessions)."""
    case = coach_case(user, case_id, today=today)
    last = last_log_dates([case.athlete_id]).get(case.athlete_id)
    facts = case_facts(
        user,
        case,
        today=today,
        last_log_on=last,
        weeks=metrics.weekly_loads([], today, SPARK_WEEKS),
        plan=plan_inputs(case),
        flags=coach_flags(case),
    )
    return CoachCaseView(facts=facts, restrictions=restrictions_of(facts))


def athlete_view(user: User, case_id: Any, *, today: dt.date) -> CoachCaseView:
    """Phase ladder, training load over time with the phase periods, and this week's
    availability. Queries as in ``coach_cases`` plus the last log date and one for sessions."""
    case = coach_case(user, case_id, today=today)
    plan = active_plan(case)
    chart_start = today - dt.timedelta(days=55)
    if plan is not None and plan.started_on:
        chart_start = max(min(plan.started_on, today), today - dt.timedelta(days=CHART_MAX_DAYS))
    history_start = chart_start - dt.timedelta(days=ACWR_HISTORY_DAYS)
    sessions = session_entries([case.athlete_id], history_start, today).get(case.athlete_id, [])
    last = last_log_dates([case.athlete_id]).get(case.athlete_id)
    facts = case_facts(
        user,
        case,
        today=today,
        last_log_on=last,
        weeks=metrics.weekly_loads(sessions, today, SPARK_WEEKS),
        plan=plan_inputs(case),
        flags=coach_flags(case),
    )
    view = CoachCaseView(facts=facts, restrictions=restrictions_of(facts))
    if plan is not None and permissions.can_view_exercise_adherence(user, case):
        # the percentage only: no exercise names (monitoring.exercises); one query, none
        # when the phase prescribes no exercises
        view.exercise_adherence = exercise_adherence(case, plan.current_phase, today)
    view.programme = programme_stage_for(user, case, facts.phase, today)
    phases = list(plan.phases.all()) if plan is not None else []
    if facts.projection is not None and plan is not None:
        words = {p.order: phase_words(p) for p in phases}
        view.ladder = [LadderStep(p, words.get(p.order, "")) for p in facts.projection.phases]
    week_start = today - dt.timedelta(days=today.weekday())
    view.week_start, view.week_end = week_start, week_start + dt.timedelta(days=6)
    if facts.shows("training_load"):
        fill_week(view, [s for s in sessions if week_start <= s.day <= today])
        view.chart = charts.load_chart(
            metrics.days(chart_start, today),
            metrics.daily_load(sessions, chart_start, today),
            metrics.acwr_series(sessions, chart_start, today),
            phases=phase_periods(phases, chart_start, today),
            flags=flag_marks(case, facts, chart_start, today),
        )
    return view


def fill_week(view: CoachCaseView, this_week: Sequence[SessionEntry]) -> None:
    """Each prescribed activity against the sessions logged this week, and how many sessions
    were of anything else."""
    if view.restrictions is None:
        return
    seen = set()
    for allowed in view.restrictions.allowed:
        done = [s for s in this_week if s.activity == allowed.activity]
        seen.add(allowed.activity)
        view.week.append(WeekItem(allowed, len(done), int(sum(s.minutes or 0 for s in done))))
    view.other_sessions = sum(1 for s in this_week if s.activity not in seen)


def phase_periods(
    phases: Sequence[PlanPhase], start: dt.date, end: dt.date
) -> list[charts.PhasePeriod]:
    """The stretches of the chart's days each started phase covers."""
    periods = []
    for phase in phases:
        if phase.started_on is None:
            continue
        stop = phase.ended_on or end + dt.timedelta(days=1)
        if stop <= start or phase.started_on > end:
            continue
        periods.append(charts.PhasePeriod(phase.name, max(phase.started_on, start), stop))
    return periods


def flag_marks(case: Case, facts: CaseFacts, start: dt.date, end: dt.date) -> list[charts.FlagMark]:
    """The open flags raised within the chart's days, in coach words (none when the viewer may
    not see flags)."""
    if not facts.shows("flag_kinds"):
        return []
    marks = []
    for flag in case.open_flags:
        day = timezone.localdate(flag.raised_at)
        if start <= day <= end:
            marks.append(
                charts.FlagMark(
                    day,
                    flag.kind if flag.kind not in Flag.NEUTRAL_LABELS else "review",
                    CoachFlag(flag.kind, flag.coach_message).text,
                )
            )
    return marks
