"""Reads shared by pages, the API and the evaluation tasks.

The snapshot builders load what the gating engine needs in a constant number of queries,
whatever the amount of data: one case (``case_snapshot``) or a chunk of cases
(``chunk_snapshots``).
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.db.models import FloatField, Prefetch, QuerySet, Value
from django.db.models.functions import Cast, NullIf

from athletes.models import Case
from protocols.gating import (
    AssessmentEntry,
    LogEntry,
    PhaseSpec,
    SessionEntry,
    Snapshot,
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


_new = tuple.__new__  # a named tuple from a row in one C call
_first = itemgetter(0)


def _log_rows(athlete_ids: Iterable[int], start: dt.date, end: dt.date) -> QuerySet:
    """``LOG_COLUMNS`` rows by athlete and day, converted by the database as the engine reads
    them (no pain character is None, hours are floats), so that a row past its athlete id is a
    ``LogEntry`` as it stands."""
    return (
        DailyLog.objects.filter(athlete_id__in=athlete_ids, date__gte=start, date__lte=end)
        .order_by("athlete_id", "date")
        .values_list(
            "athlete_id", "date", "pain_rest", "pain_during", "pain_after", "pain_next_morning",
            NullIf("pain_character", Value("")), "localized", "night_pain", "swelling",
            Cast("pain_lasted_hours", FloatField()),
        )
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


# What the evaluation reads of a plan, its case, athlete and current phase: the phase's
# prescriptions, citations and notes (JSON and long text) stay in the database.
_PLAN_FIELDS = (
    "id", "case_id", "status", "current_phase_id", "started_on",
    "case__id", "case__athlete_id", "case__risk", "case__status", "case__site", "case__side",
    "case__athlete__id", "case__athlete__first_name", "case__athlete__last_name",
    "current_phase__id", "current_phase__plan_id", "current_phase__order",
    "current_phase__name", "current_phase__min_days", "current_phase__advance_when",
    "current_phase__regress_when", "current_phase__warn_when", "current_phase__started_on",
    "current_phase__signed_off_on",
)  # fmt: skip


def _by_athlete(rows: list[tuple], make: type) -> dict[int, list]:
    """Rows ordered by athlete id (first column) into records of ``make`` by athlete, in the
    rows' order."""
    out: dict[int, list] = {}
    for athlete_id, group in groupby(rows, _first):
        out[athlete_id] = [_new(make, row[1:]) for row in group]
    return out


def _since(records: list, start: dt.date) -> tuple:
    """The day-ordered ``records`` from ``start`` on."""
    return tuple(records[bisect_left(records, start, key=_first) :])


def chunk_snapshots(case_ids: Sequence[int], today: dt.date) -> list[CaseContext]:
    """Snapshots for a chunk of cases in four queries, whatever the chunk's size.

    1. active plans with case, athlete and current phase (the columns the evaluation reads);
    2. daily logs of those athletes in their windows, by athlete and day (tuples made into
       ``LogEntry`` records as they come, no model instances);
    3. their activity sessions, likewise;
    4. the cases' assessments.
    Phases with the same gates share one validated ``PhaseSpec``.
    """
    plans = list(active_plans(case_ids).only(*_PLAN_FIELDS))
    if not plans:
        return []
    starts = {p.case_id: _window_start(p.current_phase, today) for p in plans}
    earliest = min(starts.values())
    athlete_ids = {p.case.athlete_id for p in plans}
    logs = _by_athlete(_tuples(_log_rows(athlete_ids, earliest, today)), LogEntry)
    sessions = _by_athlete(
        _tuples(
            ActivitySession.objects.filter(
                athlete_id__in=athlete_ids, date__gte=earliest, date__lte=today
            )
            .order_by("athlete_id", "date", "id")
            .values_list(*SESSION_COLUMNS)
        ),
        SessionEntry,
    )
    assessments: dict[int, list[AssessmentEntry]] = defaultdict(list)
    for case_id, *values in _tuples(
        Assessment.objects.filter(
            case_id__in=[p.case_id for p in plans], date__gte=earliest, date__lte=today
        )
        .order_by("date", "id")  # the later of two same-day results wins, every time
        .values_list(*ASSESSMENT_COLUMNS)
    ):
        assessments[case_id].append(_new(AssessmentEntry, values))

    contexts = []
    for plan in plans:
        case, phase, start = plan.case, plan.current_phase, starts[plan.case_id]
        snapshot = Snapshot.presorted(
            phase_started_on=phase.started_on or today,
            logs=_since(logs.get(case.athlete_id, []), start),
            sessions=_since(sessions.get(case.athlete_id, []), start),
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
