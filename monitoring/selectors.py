"""Reads shared by pages, the API and the evaluation tasks.

The snapshot builders load what the gating engine needs in a constant number of queries,
whatever the amount of data: one case (``case_snapshot``) or a chunk of cases
(``chunk_snapshots``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet

from athletes.models import Case
from protocols.gating import (
    AssessmentEntry,
    LogEntry,
    PhaseSpec,
    SessionEntry,
    Snapshot,
    positional,
)
from protocols.models import Plan, PlanPhase
from protocols.selectors import phase_spec

from .models import ActivitySession, Assessment, DailyLog, Flag

# Days of history loaded before the phase start: enough for the EWMA chronic load (28 days)
# to settle and for the missing-log count; criteria themselves never look before the phase.
LOAD_HISTORY_DAYS = 56


@dataclass(frozen=True)
class CaseContext:
    """A case with its active plan and current phase, and the engine's inputs for it."""

    case: Case
    plan: Plan
    phase: PlanPhase
    spec: PhaseSpec
    snapshot: Snapshot


LOG_COLUMNS = (
    "athlete_id", "date", "pain_rest", "pain_during", "pain_after", "pain_next_morning",
    "pain_character", "localized", "night_pain", "swelling", "pain_lasted_hours",
)  # fmt: skip
SESSION_COLUMNS = ("athlete_id", "date", "activity", "minutes", "rpe", "pain_during")
ASSESSMENT_COLUMNS = ("case_id", "date", "test", "value", "pain")


_new_log = positional(LogEntry)
_new_session = positional(SessionEntry)
_new_assessment = positional(AssessmentEntry)


def _log_entry(row: tuple) -> LogEntry:
    _, day, rest, during, after, morning, character, localized, night, swelling, lasted = row
    return LogEntry(
        day=day,
        pain_rest=rest,
        pain_during=during,
        pain_after=after,
        pain_next_morning=morning,
        pain_character=character or None,
        localized=localized,
        night_pain=night,
        swelling=swelling,
        pain_lasted_hours=float(lasted) if lasted is not None else None,
    )


def _session_entry(row: tuple) -> SessionEntry:
    _, day, activity, minutes, rpe, pain = row
    return SessionEntry(day=day, activity=activity, minutes=minutes, rpe=rpe, pain_during=pain)


def _assessment_entry(row: tuple) -> AssessmentEntry:
    _, day, test, value, pain = row
    return AssessmentEntry(day=day, test=test, value=value, pain=pain)


def _fast_log_entry(row: tuple) -> LogEntry:
    """`_log_entry`, built positionally (LogEntry's fields are in LOG_COLUMNS' order)."""
    _, day, rest, during, after, morning, character, localized, night, swelling, lasted = row
    return _new_log(
        day, rest, during, after, morning, character or None, localized, night, swelling,
        float(lasted) if lasted is not None else None,
    )  # fmt: skip


def _tuples(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset as the driver returns them: one query, without
    the per-row work of Django's iterator (these columns need no conversion on PostgreSQL)."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Validated phase specs by their gates: a nightly run meets the same few phases thousands of
# times. Bounded; a spec is immutable, so sharing one between chunks and tasks is safe.
_SPECS: dict[str, PhaseSpec] = {}
_SPECS_MAX = 2048


def _spec_for(phase: PlanPhase) -> PhaseSpec:
    key = json.dumps(
        [phase.name, phase.min_days, phase.advance_when, phase.regress_when, phase.warn_when],
        sort_keys=True,
    )
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) >= _SPECS_MAX:
            _SPECS.clear()
        spec = _SPECS[key] = phase_spec(phase)
    return spec


def active_plans(case_ids: Iterable[int] | None = None) -> QuerySet[Plan]:
    """Active plans with their case, athlete and current phase: one query."""
    plans = Plan.objects.filter(
        status=Plan.Status.ACTIVE, case__status=Case.Status.ACTIVE, current_phase__isnull=False
    ).select_related("case__athlete", "current_phase")
    if case_ids is not None:
        plans = plans.filter(case_id__in=list(case_ids))
    return plans


def _window_start(phase: PlanPhase, today: dt.date) -> dt.date:
    started = phase.started_on or today
    return min(started, today) - dt.timedelta(days=LOAD_HISTORY_DAYS)


def chunk_snapshots(case_ids: Sequence[int], today: dt.date) -> list[CaseContext]:
    """Snapshots for a chunk of cases in four queries, whatever the chunk's size.

    1. active plans with case, athlete and current phase;
    2. daily logs of those athletes in their windows (tuples, not model instances);
    3. their activity sessions;
    4. the cases' assessments.
    Phases with the same gates share one validated ``PhaseSpec``.
    """
    plans = list(active_plans(case_ids))
    if not plans:
        return []
    starts = {p.case_id: _window_start(p.current_phase, today) for p in plans}
    earliest = min(starts.values())
    athlete_ids = {p.case.athlete_id for p in plans}
    logs: dict[int, list[LogEntry]] = defaultdict(list)
    for row in _tuples(
        DailyLog.objects.filter(
            athlete_id__in=athlete_ids, date__gte=earliest, date__lte=today
        ).values_list(*LOG_COLUMNS)
    ):
        logs[row[0]].append(_fast_log_entry(row))
    sessions: dict[int, list[SessionEntry]] = defaultdict(list)
    for athlete_id, *values in _tuples(
        ActivitySession.objects.filter(
            athlete_id__in=athlete_ids, date__gte=earliest, date__lte=today
        ).values_list(*SESSION_COLUMNS)
    ):
        sessions[athlete_id].append(_new_session(*values))
    assessments: dict[int, list[AssessmentEntry]] = defaultdict(list)
    for case_id, *values in _tuples(
        Assessment.objects.filter(
            case_id__in=[p.case_id for p in plans], date__gte=earliest, date__lte=today
        )
        .order_by("date", "id")  # the later of two same-day results wins, every time
        .values_list(*ASSESSMENT_COLUMNS)
    ):
        assessments[case_id].append(_new_assessment(*values))

    contexts = []
    for plan in plans:
        case, phase, start = plan.case, plan.current_phase, starts[plan.case_id]
        snapshot = Snapshot(
            phase_started_on=phase.started_on or today,
            logs=tuple(e for e in logs[case.athlete_id] if e.day >= start),
            sessions=tuple(e for e in sessions[case.athlete_id] if e.day >= start),
            assessments=tuple(assessments[case.pk]),
            signed_off_on=phase.signed_off_on,
            high_risk_site=case.risk == Case.Risk.HIGH,
        )
        contexts.append(CaseContext(case, plan, phase, _spec_for(phase), snapshot))
    return contexts


def case_snapshot(case_id: int, today: dt.date) -> CaseContext | None:
    """One case's snapshot (four queries), or None when it has no active plan."""
    contexts = chunk_snapshots([case_id], today)
    return contexts[0] if contexts else None


def unresolved_flags(case_ids: Iterable[int]) -> QuerySet[Flag]:
    return Flag.objects.filter(case_id__in=list(case_ids), status__in=Flag.UNRESOLVED)


def active_case_ids() -> list[int]:
    return list(active_plans().order_by("case_id").values_list("case_id", flat=True))


def open_flags_for_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.prefetch_related(
        Prefetch(
            "flags",
            queryset=Flag.objects.filter(status__in=Flag.UNRESOLVED),
            to_attr="unresolved_flags",
        )
    )
