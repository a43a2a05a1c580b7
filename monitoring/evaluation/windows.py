"""Each case's records within its windows, for the evaluation: the daily logs from the phase
start (led by the latest log before it within the history), the activity sessions from the
history start, and the days of them recorded late (``sql.late_bounds``). On PostgreSQL the
database cuts the windows (``sql``); elsewhere the ORM reads the athletes' rows and Python cuts
them (``cut_windows``, the same records: tests/monitoring/test_snapshot_windows.py)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.db.models import FloatField, QuerySet, Value
from django.db.models.functions import Cast, NullIf

from monitoring import schema
from monitoring.evaluation import sql
from monitoring.evaluation.sql import LOG_READ, SESSION_READ
from monitoring.models import ActivitySession, DailyLog
from protocols.engine.records import LogEntry, SessionEntry
from rehab.db import any_of

_new = tuple.__new__  # a named tuple from a row in one C call
_first = itemgetter(0)


def logs_and_sessions(
    windows: list[tuple[int, int, dt.date, dt.date]], today: dt.date
) -> tuple[dict[int, tuple], dict[int, tuple], dict[int, frozenset]]:
    """Each case's logs (from its phase start, led by the latest log before it within the
    history) and sessions (from its history start), by case id, for ``case_windows``, and the
    days of them recorded late (``sql.late_bounds``), by case id (only the cases with any). On
    PostgreSQL each case's windows are cut by the database (two statements, ``sql``);
    elsewhere by ``cut_windows``."""
    if connection.vendor != "postgresql":
        return cut_windows(windows, today)
    return sql.logs_and_sessions(windows, today)


def cut_windows(
    windows: list[tuple[int, int, dt.date, dt.date]], today: dt.date
) -> tuple[dict[int, tuple], dict[int, tuple], dict[int, frozenset]]:
    """``logs_and_sessions`` through the ORM: the athletes' rows from the earliest history
    start, cut to each case's windows in Python."""
    earliest = min(history for _, _, _, history in windows)
    athlete_ids = sorted({athlete_id for _, athlete_id, _, _ in windows})
    all_logs = _by_athlete(list(log_rows(athlete_ids, earliest, today)), LogEntry)
    all_sessions = _by_athlete(list(session_rows(athlete_ids, earliest, today)), SessionEntry)
    written_late = late_rows(athlete_ids, earliest, today)
    logs, sessions, late = {}, {}, {}
    for case_id, athlete_id, began, history in windows:
        mine = all_logs.get(athlete_id, [])
        first = bisect_left(mine, history, key=_first)
        in_phase = bisect_left(mine, began, key=_first)
        logs[case_id] = tuple(mine[max(first, in_phase - 1) :])
        sessions[case_id] = _since(all_sessions.get(athlete_id, []), history)
        first_log = logs[case_id][0].day if logs[case_id] else began
        days = {
            day
            for model, day in written_late.get(athlete_id, ())
            if day >= (first_log if model is DailyLog else history)
        }
        if days:
            late[case_id] = frozenset(days)
    return logs, sessions, late


def late_rows(athlete_ids: list[int], start: dt.date, today: dt.date) -> dict[int, set]:
    """The athletes' logs and sessions from ``start`` recorded late (``sql.late_bounds``), as
    (model, day) by athlete."""
    bounds = sql.late_bounds(today)
    out: dict[int, set] = defaultdict(set)
    for model in (DailyLog, ActivitySession):
        rows = model.objects.filter(
            any_of(model, "athlete_id", athlete_ids),
            date__gte=start,
            date__lt=today,
            updated_at__gte=bounds["recent"],
            updated_at__lt=bounds["until"],
        ).values_list("athlete_id", "date", "updated_at")
        for athlete_id, day, written in rows:
            if written >= dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, dt.UTC):
                out[athlete_id].add((model, day))
    return out


def _orm_read(field: schema.Field):
    """A schema field's column as the engine reads it, converted by the database."""
    if field.read == "blank_is_none":
        return NullIf(field.name, Value(""))
    if field.read == "float":
        return Cast(field.name, FloatField())
    return field.name


def log_rows(athlete_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """``LOG_COLUMNS`` rows by athlete and day, converted by the database as the engine reads
    them (no pain character is None, hours are floats), so that a row past its athlete id is a
    ``LogEntry`` as it stands."""
    return (
        DailyLog.objects.filter(
            any_of(DailyLog, "athlete_id", athlete_ids), date__gte=start, date__lte=end
        )
        .order_by("athlete_id", "date")
        .values_list("athlete_id", "date", *(_orm_read(f) for f in LOG_READ))
    )


def session_rows(athlete_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """``SESSION_COLUMNS`` rows by athlete and day (same-day sessions in the order recorded)."""
    return (
        ActivitySession.objects.filter(
            any_of(ActivitySession, "athlete_id", athlete_ids),
            date__gte=start,
            date__lte=end,
        )
        .order_by("athlete_id", "date", "id")
        .values_list("athlete_id", "date", *(_orm_read(f) for f in SESSION_READ))
    )


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
