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

from athletes import permissions
from athletes.models import Athlete, CareTeamMember, Case, User
from monitoring import schema
from monitoring.models import (
    ActivitySession,
    Assessment,
    BatteryResult,
    DailyLog,
    Flag,
    TestBattery,
)
from protocols.engine.records import LogEntry, SessionEntry
from protocols.models import Plan, PlanPhase
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


def col(model: type, alias: str, name: str) -> str:
    """The quoted column of ``model``'s field ``name`` behind the table alias ``alias``."""
    return f"{alias}.{connection.ops.quote_name(model._meta.get_field(name).column)}"


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

    def select(model: type, alias: str, read: tuple) -> str:
        day = col(model, alias, "date")
        fields = [f"{day} AS day"]
        fields += [f"{sql_read(f, col(model, alias, f.name))} AS {f.record}" for f in read]
        written = col(model, alias, "updated_at")
        late = (
            f"{written} >= %(recent)s AND {written} < %(until)s AND {day} < %(today)s "
            f"AND {written} >= {day} + 1"
        )
        fields.append(f"({late}) AS {LATE}")
        return ", ".join(fields)

    log = {name: col(DailyLog, "d", name) for name in LOG_COLUMNS}
    log_select = select(DailyLog, "d", LOG_READ)
    # Identifiers come from the models' metadata, quoted; every value goes as a parameter.
    windows = (
        "unnest(%(cases)s::bigint[], %(athletes)s::bigint[], %(phase_starts)s::date[], "
        "%(history_starts)s::date[]) AS w(case_id, athlete_id, phase_start, history_start)"
    )
    logs = (
        f"SELECT w.case_id, l.* FROM {windows} CROSS JOIN LATERAL ("  # noqa: S608
        f"(SELECT {log_select} FROM {table(DailyLog)} d WHERE {log['athlete_id']} = w.athlete_id "
        f"AND {log['date']} < w.phase_start AND {log['date']} >= w.history_start "
        f"ORDER BY {log['date']} DESC LIMIT 1) UNION ALL "
        f"(SELECT {log_select} FROM {table(DailyLog)} d WHERE {log['athlete_id']} = w.athlete_id "
        f"AND {log['date']} >= w.phase_start AND {log['date']} <= %(today)s)"
        ") AS l ORDER BY 1, 2"
    )
    s = {name: col(ActivitySession, "s", name) for name in (*SESSION_COLUMNS, "id")}
    sessions = (
        f"SELECT w.case_id, {select(ActivitySession, 's', SESSION_READ)} "  # noqa: S608
        f"FROM {windows} "
        f"JOIN {table(ActivitySession)} s ON {s['athlete_id']} = w.athlete_id "
        f"AND {s['date']} >= w.history_start AND {s['date']} <= %(today)s "
        f"ORDER BY w.case_id, {s['date']}, {s['id']}"
    )
    return {
        "logs": logs,
        "sessions": sessions,
        "assessments": assessment_statement(),
        "flags": flag_statement(),
        "reviewed": reviewed_statement(),
        "batteries": battery_statement(),
        "clinical_team": clinical_team_statement(),
    }


def _run(statement: str, params: dict | list) -> list[tuple]:
    """The rows of one of ``_STATEMENTS``, written on first use, run on ``prepared_cursor``."""
    if not _STATEMENTS:
        _STATEMENTS.update(_window_statements())
    with prepared_cursor() as cursor:
        cursor.execute(_STATEMENTS[statement], params)
        return cursor.fetchall()


_STATEMENTS: dict[str, str] = {}


def case_records(
    statement: str, windows: Windows, today: dt.date, make: type, late: dict[int, set]
) -> dict[int, tuple]:
    """The ``make`` records of a per-case window statement, by case id; the days of rows
    recorded late (``late_bounds``) are added to ``late``, by case id. The windows go as
    four parallel arrays, one parameter each whatever the chunk's size."""
    if not _STATEMENTS:
        _STATEMENTS.update(_window_statements())
    cases, athletes, phase_starts, history_starts = zip(*windows, strict=True)
    params = {
        "cases": list(cases),
        "athletes": list(athletes),
        "phase_starts": list(phase_starts),
        "history_starts": list(history_starts),
        "today": today,
        **late_bounds(today),
    }
    with prepared_cursor() as cursor:
        cursor.execute(_STATEMENTS[statement], params)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    flagged, day = names.index(LATE), names.index("day")
    for row in filter(itemgetter(flagged), rows):
        late.setdefault(row[0], set()).add(row[day])
    return records(names, rows, make)


def late_bounds(today: dt.date) -> dict[str, dt.datetime]:
    """A row dated before ``today`` was recorded late when it was written after its day had
    ended and from the start of yesterday (``recent``): the regression rules judge its day as
    well (``Snapshot.recorded_late``) for as long as a rule of today and yesterday would judge a
    day recorded in time. Times are UTC's, whose day may differ by one from the athlete's, so the
    writes of the day after ``today`` count too (``until``): a late write is judged at once, and
    an evaluation of a day long past does not judge writes made since."""
    start = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)
    return {"recent": start - dt.timedelta(days=1), "until": start + dt.timedelta(days=2)}


# The column of a window read that says its row was recorded late (see ``late_bounds``).
LATE = "recorded_late"


def logs_and_sessions(
    windows: Windows, today: dt.date
) -> tuple[dict[int, tuple], dict[int, tuple], dict[int, frozenset]]:
    """Each case's logs (from its phase start, led by the latest log before it within the
    history) and sessions (from its history start), by case id, and the days of them recorded
    late, by case id (only the cases with any); two statements."""
    late: dict[int, set] = {}
    logs = case_records("logs", windows, today, LogEntry, late)
    sessions = case_records("sessions", windows, today, SessionEntry, late)
    ids = [case_id for case_id, _, _, _ in windows]
    return (
        {i: logs.get(i, ()) for i in ids},
        {i: sessions.get(i, ()) for i in ids},
        {i: frozenset(days) for i, days in late.items()},
    )


# --- the plans read --------------------------------------------------------------------------

# The tables a plans-read column path starts from, by its prefix: alias, and how it joins.
_PLAN_JOINS = {
    "": ("p", ""),
    "case__": ("c", "JOIN {case} c ON c.{id} = p.{case_id}"),
    "case__athlete__": ("a", "JOIN {athlete} a ON a.{id} = c.{athlete_id}"),
    "current_phase__": ("ph", "JOIN {phase} ph ON ph.{id} = p.{current_phase_id}"),
}


def plan_statement(
    read: tuple[tuple[type, str, tuple[str, ...]], ...],
    gates: tuple[str, ...],
    previous: tuple[str, ...],
) -> str:
    """PLANS_SQL: the active plans of a chunk's cases (``%(ids)s``), one row each: the ``read``
    columns (model, path prefix, attnames; in that order), the current phase's ``gates`` as
    JSON text, and the ``previous`` fields of the phase before it (NULLs for the first phase):
    ``selectors._plan_rows``' queryset written by hand, the same rows in the same order (a test
    compares the two).

    Every evaluation reads its plans, a single log's as a chunk's; building that queryset in
    Django (its joins, casts and four subqueries) cost about 8 ms a call, several times running
    it; this statement is written once per process and prepared on the server (``rehab.db``).
    """
    qn = connection.ops.quote_name
    names = {
        "case": qn(Case._meta.db_table),
        "athlete": qn(Athlete._meta.db_table),
        "phase": qn(PlanPhase._meta.db_table),
        **{c: qn(c) for c in ("id", "case_id", "athlete_id", "current_phase_id")},
    }

    columns = [
        col(model, _PLAN_JOINS[prefix][0], name)
        for model, prefix, fields in read
        for name in fields
    ]
    columns += [f"{col(PlanPhase, 'ph', name)}::text" for name in gates]
    columns += [f"prev.{qn(PlanPhase._meta.get_field(name).column)}" for name in previous]
    joins = " ".join(join.format(**names) for _, join in _PLAN_JOINS.values() if join)
    order, plan_id = qn(PlanPhase._meta.get_field("order").column), qn("plan_id")
    earlier = (
        f"SELECT * FROM {names['phase']} pp WHERE pp.{plan_id} = p.{qn('id')} "  # noqa: S608
        f"AND pp.{order} < ph.{order} ORDER BY pp.{order} DESC LIMIT 1"
    )
    return (
        f"SELECT {', '.join(columns)} FROM {qn(Plan._meta.db_table)} p {joins} "  # noqa: S608
        f"LEFT JOIN LATERAL ({earlier}) prev ON TRUE "
        f"WHERE {col(Case, 'c', 'status')} = %(case_status)s "
        f"AND {col(Plan, 'p', 'current_phase')} IS NOT NULL "
        f"AND {col(Plan, 'p', 'status')} = %(plan_status)s "
        f"AND {col(Plan, 'p', 'case')} = ANY(%(ids)s) AND c.{qn('id')} = ANY(%(ids)s) "
        f"ORDER BY {col(Plan, 'p', 'created_at')} DESC"
    )


def plan_rows(
    case_ids: list[int],
    read: tuple[tuple[type, str, tuple[str, ...]], ...],
    gates: tuple[str, ...],
    previous: tuple[str, ...],
) -> list[tuple]:
    """The rows of ``plan_statement(read, gates, previous)`` for these cases."""
    statement = _PLAN_STATEMENTS.get((read, gates, previous))
    if statement is None:
        statement = _PLAN_STATEMENTS[read, gates, previous] = plan_statement(read, gates, previous)
    params = {
        "ids": case_ids,
        "case_status": Case.Status.ACTIVE.value,
        "plan_status": Plan.Status.ACTIVE.value,
    }
    with prepared_cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


_PLAN_STATEMENTS: dict[tuple, str] = {}


# --- the assessments, flags, batteries and clinical teams reads -------------------------------


def assessment_statement() -> str:
    """ASSESSMENTS_SQL: ``selectors._assessment_rows``' queryset written by hand (a test
    compares the two): the cases' (``%(ids)s``) assessments up to ``%(end)s`` from
    ``%(start)s``, and the bone-health screens (``%(screens)s``) of any day, by day and id, as
    ``ASSESSMENT_COLUMNS``. Every evaluation reads it; Django built it in about 1 ms."""
    qn = connection.ops.quote_name
    a = {
        name: f"a.{qn(Assessment._meta.get_field(name).column)}"
        for name in (*ASSESSMENT_COLUMNS, "case", "test")
    }
    columns = ", ".join(f"{a[name]} AS {qn(name)}" for name in ASSESSMENT_COLUMNS)
    return (
        f"SELECT {columns} FROM {qn(Assessment._meta.db_table)} a "  # noqa: S608
        f"WHERE {a['case']} = ANY(%(ids)s) AND {a['date']} <= %(end)s "
        f"AND ({a['date']} >= %(start)s OR {a['test']} = ANY(%(screens)s)) "
        f"ORDER BY {a['date']}, a.{qn('id')}"
    )


def assessment_rows(
    case_ids: list[int], start: dt.date, end: dt.date, screens: list[str]
) -> list[tuple]:
    return _run("assessments", {"ids": case_ids, "start": start, "end": end, "screens": screens})


def flag_statement() -> str:
    """FLAGS_SQL: ``selectors._unresolved_flag_rows``' queryset written by hand (a test
    compares the two): the cases' (``%(ids)s``) flags of the statuses ``%(statuses)s``, every
    field but the evaluation (``FLAG_FIELDS``, in the model's order, for ``Flag.from_db``), by
    id. Every evaluation reads it; Django built it in about 2 ms, several times running it."""
    qn = connection.ops.quote_name
    f = {name: f"f.{qn(Flag._meta.get_field(name).column)}" for name in (*FLAG_FIELDS, "case")}
    return (
        f"SELECT {', '.join(f[name] for name in FLAG_FIELDS)} "  # noqa: S608
        f"FROM {qn(Flag._meta.db_table)} f "
        f"WHERE {f['case']} = ANY(%(ids)s) AND {f['status']} = ANY(%(statuses)s) "
        f"ORDER BY {f['id']}"
    )


# Every field of a flag but the evaluation it carries, in the model's field order (from_db).
FLAG_FIELDS = tuple(f.attname for f in Flag._meta.concrete_fields if f.attname != "evaluation")


def flag_rows(case_ids: list[int], statuses: list[str]) -> list[tuple]:
    return _run("flags", {"ids": case_ids, "statuses": statuses})


def reviewed_statement() -> str:
    """REVIEWED_SQL: ``selectors._reviewed_rows``' queryset written by hand (a test compares
    the two): (case id, phase id, kind, message) of the cases' (``%(ids)s``) flags a person
    resolved (status ``%(resolved)s``, ``resolved_by`` set), by id. Every chunk of the night
    reads it, and almost always finds nothing: Django built and the server planned the
    queryset in about 1.1 ms a chunk (0.035 s of a next night of 2,000 cases in 32 chunks, a
    twenty-fifth of it); prepared, 0.2 ms."""
    qn = connection.ops.quote_name
    f = {
        name: f"f.{qn(Flag._meta.get_field(name).column)}"
        for name in ("id", "case", "phase", "kind", "message", "status", "resolved_by")
    }
    return (
        f"SELECT {f['case']}, {f['phase']}, {f['kind']}, {f['message']} "  # noqa: S608
        f"FROM {qn(Flag._meta.db_table)} f "
        f"WHERE {f['case']} = ANY(%(ids)s) AND {f['status']} = %(resolved)s "
        f"AND {f['resolved_by']} IS NOT NULL ORDER BY {f['id']}"
    )


def reviewed_rows(case_ids: list[int]) -> list[tuple]:
    return _run("reviewed", {"ids": case_ids, "resolved": Flag.Status.RESOLVED.value})


def battery_statement() -> str:
    """BATTERIES_SQL: ``batteries.symmetry_rows``' queryset written by hand (a test compares
    the two): the cases' (``%(ids)s``) test batteries from ``%(start)s`` to ``%(end)s`` as
    ``batteries.SYMMETRY_COLUMNS``, one row per result (a battery without results once, its
    result columns NULL), by case, day, battery and result. Every chunk of the night reads it;
    Django built the queryset in about 2 ms of a chunk's CPU time (0.06 s of a night of 2,000
    cases in 32 chunks, a twentieth of it)."""
    qn = connection.ops.quote_name
    battery = ["case", "id", "date", "involved_side", "limb_length_left_cm", "limb_length_right_cm"]
    result = ["test", "muscle_group", "left", "right", "pain"]
    columns = [col(TestBattery, "b", name) for name in battery]
    columns += [col(BatteryResult, "r", name) for name in result]
    return (
        f"SELECT {', '.join(columns)} FROM {qn(TestBattery._meta.db_table)} b "  # noqa: S608
        f"LEFT JOIN {qn(BatteryResult._meta.db_table)} r "
        f"ON {col(BatteryResult, 'r', 'battery')} = {col(TestBattery, 'b', 'id')} "
        f"WHERE {col(TestBattery, 'b', 'case')} = ANY(%(ids)s) "
        f"AND {col(TestBattery, 'b', 'date')} >= %(start)s "
        f"AND {col(TestBattery, 'b', 'date')} <= %(end)s "
        f"ORDER BY {col(TestBattery, 'b', 'case')}, {col(TestBattery, 'b', 'date')}, "
        f"{col(TestBattery, 'b', 'id')}, {col(BatteryResult, 'r', 'id')}"
    )


def battery_rows(case_ids: list[int], start: dt.date, end: dt.date) -> list[tuple]:
    return _run("batteries", {"ids": case_ids, "start": start, "end": end})


def clinical_team_statement() -> str:
    """CLINICAL_TEAM_SQL: ``selectors._clinical_member_rows``' queryset written by hand (a
    test compares the two): (case id, user id, e-mail) of the cases' (``%(ids)s``) members of
    the roles ``%(roles)s`` who are active, by the consent rule
    (``permissions.members_with_consent_sql``), by case and user. Each chunk of a night that
    raises a red flag or a regression reads it twice (its notices, then its e-mails); Django
    built the queryset, with its consent subquery, in about 4 ms of CPU time each time (0.17
    to 0.23 s of a first night of 2,000 cases in 32 chunks)."""
    qn = connection.ops.quote_name
    member = qn(CareTeamMember._meta.db_table)
    consent = permissions.members_with_consent_sql("m", "u", "c")
    return (
        f"SELECT {col(CareTeamMember, 'm', 'case')}, {col(CareTeamMember, 'm', 'user')}, "  # noqa: S608
        f"{col(User, 'u', 'email')} FROM {member} m "
        f"JOIN {qn(User._meta.db_table)} u "
        f"ON {col(User, 'u', 'id')} = {col(CareTeamMember, 'm', 'user')} "
        f"JOIN {qn(Case._meta.db_table)} c "
        f"ON {col(Case, 'c', 'id')} = {col(CareTeamMember, 'm', 'case')} "
        f"WHERE {col(CareTeamMember, 'm', 'case')} = ANY(%(ids)s) "
        f"AND {col(CareTeamMember, 'm', 'role')} = ANY(%(roles)s) "
        f"AND {col(User, 'u', 'is_active')} = %(active)s AND {consent} "
        f"ORDER BY {col(CareTeamMember, 'm', 'case')}, {col(CareTeamMember, 'm', 'user')}"
    )


def clinical_team_rows(case_ids: list[int], roles: list[str]) -> list[tuple]:
    params = {"ids": case_ids, "roles": roles, "active": True, **permissions.consent_sql_params()}
    return _run("clinical_team", params)
