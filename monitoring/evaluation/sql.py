"""The evaluation's hand-written reads on PostgreSQL: each case's daily logs and sessions within
its own windows, cut by the database, and the columns they read for the engine's records.

A row read by raw SQL becomes a record by its columns' names (``records``): each column is
named after the record field it fills, so a column moved in a SELECT list cannot shift one
value into another field.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from operator import itemgetter

from django.db import connection

from monitoring import schema
from monitoring.models import ActivitySession, DailyLog
from protocols.engine.records import LogEntry, SessionEntry
from rehab.db import prepared_cursor

# The columns read for the engine's records, in the records' field order, derived from the
# schema by record field name.
LOG_READ = schema.record_columns("log", LogEntry._fields)
SESSION_READ = schema.record_columns("session", SessionEntry._fields)
LOG_COLUMNS = ("athlete_id", "date", *(f.name for f in LOG_READ))
SESSION_COLUMNS = ("athlete_id", "date", *(f.name for f in SESSION_READ))
ASSESSMENT_COLUMNS = ("case_id", "date", "test", "value", "pain")

Windows = list[tuple[int, int, dt.date, dt.date]]

_new = tuple.__new__  # a named tuple from a tuple of its values in one C call


def sql_read(field: schema.Field, column: str) -> str:
    """A schema field's column as the engine reads it, converted by the database (as the ORM
    reads of ``selectors`` convert it)."""
    if field.read == "blank_is_none":
        return f"NULLIF({column}, '')"
    if field.read == "float":
        return f"{column}::float8"
    return column


def records(names: list[str], rows: list[tuple], make: type) -> dict[int, tuple]:
    """Rows whose columns are ``names``, ordered by their ``case_id`` column, as tuples of
    ``make`` records by case id. Each record field takes the column of its own name, wherever
    it stands in the row; a field without its column is an error."""
    missing = [name for name in ("case_id", *make._fields) if name not in names]
    if missing:
        raise LookupError(f"The rows have no column for {', '.join(missing)}.")
    case_of = itemgetter(names.index("case_id"))
    values_of = itemgetter(*(names.index(name) for name in make._fields))
    return {
        case_id: tuple([_new(make, values_of(row)) for row in group])
        for case_id, group in groupby(rows, case_of)
    }


def _window_statements() -> dict[str, str]:
    """The per-case window reads, written from the models' tables and columns, each column
    named after the record field it fills (see ``records``)."""
    qn = connection.ops.quote_name

    def table(model: type) -> str:
        return qn(model._meta.db_table)

    def col(model: type, name: str, alias: str) -> str:
        return f"{alias}.{qn(model._meta.get_field(name).column)}"

    def select(model: type, alias: str, read: tuple) -> str:
        fields = [f"{col(model, 'date', alias)} AS day"]
        fields += [f"{sql_read(f, col(model, f.name, alias))} AS {f.record}" for f in read]
        return ", ".join(fields)

    log = {name: col(DailyLog, name, "d") for name in LOG_COLUMNS}
    log_select = select(DailyLog, "d", LOG_READ)
    # Identifiers come from the models' metadata, quoted; every value goes as a parameter.
    logs = (
        "SELECT w.case_id, l.* FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::date[]) "  # noqa: S608
        "AS w(case_id, athlete_id, phase_start, history_start) CROSS JOIN LATERAL ("
        f"(SELECT {log_select} FROM {table(DailyLog)} d WHERE {log['athlete_id']} = w.athlete_id "
        f"AND {log['date']} < w.phase_start AND {log['date']} >= w.history_start "
        f"ORDER BY {log['date']} DESC LIMIT 1) UNION ALL "
        f"(SELECT {log_select} FROM {table(DailyLog)} d WHERE {log['athlete_id']} = w.athlete_id "
        f"AND {log['date']} >= w.phase_start AND {log['date']} <= %s)"
        ") AS l ORDER BY 1, 2"
    )
    s = {name: col(ActivitySession, name, "s") for name in (*SESSION_COLUMNS, "id")}
    sessions = (
        f"SELECT w.case_id, {select(ActivitySession, 's', SESSION_READ)} "  # noqa: S608
        "FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::date[]) "
        "AS w(case_id, athlete_id, phase_start, history_start) "
        f"JOIN {table(ActivitySession)} s ON {s['athlete_id']} = w.athlete_id "
        f"AND {s['date']} >= w.history_start AND {s['date']} <= %s "
        f"ORDER BY w.case_id, {s['date']}, {s['id']}"
    )
    return {"logs": logs, "sessions": sessions}


_STATEMENTS: dict[str, str] = {}


def case_records(statement: str, windows: Windows, today: dt.date, make: type) -> dict[int, tuple]:
    """The ``make`` records of a per-case window statement, by case id. The windows go as four
    parallel arrays, one parameter each whatever the chunk's size."""
    if not _STATEMENTS:
        _STATEMENTS.update(_window_statements())
    arrays = [list(column) for column in zip(*windows, strict=True)]
    with prepared_cursor() as cursor:
        cursor.execute(_STATEMENTS[statement], [*arrays, today])
        names = [column.name for column in cursor.description]
        return records(names, cursor.fetchall(), make)


def logs_and_sessions(
    windows: Windows, today: dt.date
) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Each case's logs (from its phase start, led by the latest log before it within the
    history) and sessions (from its history start), by case id; two statements."""
    logs = case_records("logs", windows, today, LogEntry)
    sessions = case_records("sessions", windows, today, SessionEntry)
    ids = [case_id for case_id, _, _, _ in windows]
    return {i: logs.get(i, ()) for i in ids}, {i: sessions.get(i, ()) for i in ids}
