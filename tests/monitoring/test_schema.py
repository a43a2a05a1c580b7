"""``monitoring.schema`` is the one declaration of the daily-log and session fields: the models
hold no data field it does not declare (with the same range), every consumer's field list is a
projection of it, and the engine's records are built from rows by name, so that a column read in
the wrong place fails here instead of shifting pain values silently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.validators import MaxValueValidator, MinValueValidator

from monitoring import metrics, schema
from monitoring.api import fhir, logs, sessions
from monitoring.evaluation import selectors, sql, whatif
from monitoring.evaluation import windows as windows_read
from monitoring.ingest import checks, items
from monitoring.models import ActivitySession, DailyLog
from monitoring.surfaces.athlete import forms as forms_athlete
from monitoring.surfaces.athlete import view_models as athlete
from protocols.engine.records import LogEntry, SessionEntry

from .conftest import D0

# The model fields that are bookkeeping, not what is recorded.
BOOKKEEPING = {
    "id",
    "athlete",
    "date",
    "source",
    "external_id",
    "submitted_by",
    "created_at",
    "updated_at",
    # A session's pair of shoes is one of the athlete's named pairs (``monitoring.Shoe``), chosen
    # on the daily form and written through ``activity_session_record(shoe=...)``: a relation to
    # the athlete's own records, not a value a device records.
    "shoe",
    # When a watch started the session (an activity file's): when, not what was recorded.
    "started_at",
}


def _data_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in BOOKKEEPING]


@pytest.mark.parametrize(
    ("model", "declared"), [(DailyLog, schema.LOG), (ActivitySession, schema.SESSION)]
)
def test_every_data_field_of_the_model_is_declared_with_its_range(model, declared):
    fields = _data_fields(model)
    assert [f.name for f in fields] == [f.name for f in declared]
    for field, spec in zip(fields, declared, strict=True):
        low = [v.limit_value for v in field._validators if isinstance(v, MinValueValidator)]
        high = [v.limit_value for v in field._validators if isinstance(v, MaxValueValidator)]
        if spec.kind in {"text", "choice"}:
            assert bool(field.choices) == (spec.kind == "choice"), spec.name
            if spec.kind == "text":
                assert field.max_length == spec.high, spec.name
            continue
        if spec.kind == "bool":
            assert field.get_internal_type() == "BooleanField", spec.name
            continue
        # Positive fields carry a 0 floor of their own; a declared low above it is a validator.
        assert (low[0] if low else 0) == spec.low, spec.name
        assert (high[0] if high else None) == spec.high, spec.name


def test_pain_ratings_are_the_models_and_the_databases():
    assert DailyLog.PAIN_FIELDS == schema.LOG_PAIN_FIELDS
    names = {c.name for c in DailyLog._meta.constraints}
    assert {f"dailylog_{f}_0_10" for f in schema.LOG_PAIN_FIELDS} <= names
    assert {f.name for f in schema.SESSION if f.pain} == {"pain_during", "pain_after"}


def test_each_consumer_reads_the_schema():
    assert checks.LOG_FIELDS is schema.LOG_FIELDS
    assert checks.SESSION_FIELDS is schema.SESSION_FIELDS
    assert items.LOG_FIELDS is schema.LOG_FIELDS
    assert items.SESSION_FIELDS is schema.SESSION_FIELDS
    assert logs.DailyLogItemSerializer.Meta.fields == ["athlete", "date", *schema.LOG_FIELDS]
    session_item = sessions.ActivitySessionItemSerializer.Meta.fields
    assert session_item[4:] == list(schema.SESSION_FIELDS)
    clinical = logs.DailyLogClinicalSerializer.Meta.fields
    assert [f for f in clinical if f in schema.LOG_FIELDS] == list(schema.LOG_FIELDS)
    full = sessions.SessionClinicalSerializer.Meta.fields
    assert [f for f in full if f in schema.SESSION_FIELDS] == list(schema.SESSION_FIELDS)
    coach = sessions.SessionLoadSerializer.Meta.fields
    assert set(schema.SESSION_FIELDS) - set(coach) == set(schema.SESSION_CLINICAL_ONLY)
    assert schema.SESSION_CLINICAL_ONLY == ("pain_during", "pain_after", "note")
    assert fhir._LOG_ITEMS == schema.LOG_FIELDS
    # Decimals are the models' decimal fields (the write paths parse them as such).
    for model, declared, decimals in (
        (DailyLog, schema.LOG, schema.LOG_DECIMAL_FIELDS),
        (ActivitySession, schema.SESSION, schema.SESSION_DECIMAL_FIELDS),
    ):
        names = {f.name for f in declared}
        model_decimals = {
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() == "DecimalField" and f.name in names
        }
        assert set(decimals) == model_decimals
    assert tuple(fhir.PAIN_CONTEXTS) == schema.LOG_PAIN_FIELDS
    # The athlete's daily form asks exactly the schema's form fields.
    form = set(forms_athlete.DailyLogForm.base_fields) & set(schema.LOG_FIELDS)
    assert form == set(schema.LOG_FORM_FIELDS)
    assert set(forms_athlete.LOG_FIELDS) == form - {"pain_next_morning"}
    assert athlete.WELLBEING_FIELDS == schema.LOG_WELLBEING_FIELDS
    assert set(schema.LOG_WELLBEING_FIELDS) <= form
    assert metrics.PAIN_FIELDS == DailyLog.PAIN_FIELDS == schema.LOG_PAIN_FIELDS


def test_the_record_columns_are_the_records_fields_by_name():
    assert sql.LOG_COLUMNS[:2] == ("athlete_id", "date")
    assert LogEntry._fields[0] == "day" and SessionEntry._fields[0] == "day"
    logs = [f.record for f in sql.LOG_READ]
    sessions = [f.record for f in sql.SESSION_READ]
    assert logs == list(LogEntry._fields[1:])
    assert sessions == list(SessionEntry._fields[1:])
    # Each column is the schema field that maps to that record field.
    by_record = {f.record: f.name for f in schema.LOG if f.record}
    assert list(sql.LOG_COLUMNS[2:]) == [by_record[r] for r in LogEntry._fields[1:]]
    by_record = {f.record: f.name for f in schema.SESSION if f.record}
    assert list(sql.SESSION_COLUMNS[2:]) == [by_record[r] for r in SessionEntry._fields[1:]]


def test_a_record_field_without_its_column_is_refused_at_import():
    swapped = ("day", "pain_during", "pain_rest", *LogEntry._fields[3:])
    # Another record order gives the columns in that order: they follow the names.
    assert [f.name for f in schema.record_columns("log", swapped)][:2] == [
        "pain_during",
        "pain_rest",
    ]
    with pytest.raises(ValueError, match="do not match"):
        schema.record_columns("log", (*LogEntry._fields, "pain_unknown"))
    with pytest.raises(ValueError, match="do not match"):
        schema.record_columns("session", SessionEntry._fields[:-1])


# --- rows from the database become records field by field ---------------------------------------

DAY = D0 + dt.timedelta(days=2)
TODAY = D0 + dt.timedelta(days=4)
# A distinct value in every record field: a column read in another field's place shows.
LOG_VALUES = {
    "pain_rest": 1,
    "pain_during": 2,
    "pain_after": 3,
    "pain_next_morning": 4,
    "pain_character": "dull",
    "localized": True,
    "night_pain": False,
    "swelling": True,
    "pain_lasted_hours": 2.5,
}
SESSION_VALUES = {"activity": "run", "minutes": 30, "rpe": 6, "pain_during": 1, "pain_after": 2}
EXPECTED_LOG = LogEntry(day=DAY, **LOG_VALUES)
EXPECTED_SESSION = SessionEntry(day=DAY, **SESSION_VALUES)


@pytest.fixture
def recorded(walk_run, case, athlete_user):
    items.daily_log_record(
        athlete=case.athlete, date=DAY, submitted_by=athlete_user, fields=LOG_VALUES, today=TODAY
    )
    items.activity_session_record(
        athlete=case.athlete,
        date=DAY,
        submitted_by=athlete_user,
        fields=SESSION_VALUES,
        today=TODAY,
    )
    return case


def test_the_nightly_read_gives_each_value_its_own_field(recorded):
    (ctx,) = selectors.chunk_snapshots([recorded.pk], TODAY)
    assert ctx.snapshot.logs[-1] == EXPECTED_LOG
    assert ctx.snapshot.sessions[-1] == EXPECTED_SESSION
    # The portable (non-PostgreSQL) read, the same rows through the ORM.
    windows = [(recorded.pk, recorded.athlete_id, D0, D0 - dt.timedelta(days=30))]
    logs, sessions, _ = windows_read.cut_windows(windows, TODAY)
    assert logs[recorded.pk][-1] == EXPECTED_LOG
    assert sessions[recorded.pk][-1] == EXPECTED_SESSION


def test_the_what_if_read_gives_each_value_its_own_field(recorded):
    (log_row,) = DailyLog.objects.filter(athlete=recorded.athlete).values_list(*sql.LOG_COLUMNS)
    (session_row,) = ActivitySession.objects.filter(athlete=recorded.athlete).values_list(
        *sql.SESSION_COLUMNS
    )
    assert whatif.log_entry(log_row) == EXPECTED_LOG
    assert whatif.session_entry(session_row) == EXPECTED_SESSION


def test_raw_rows_become_records_by_column_name_in_any_select_order(recorded):
    """The hand-written reads name each column after the record field it fills
    (``sql.records``): a SELECT list in another order still gives each pain rating its own
    field, and a column left out is an error, not a shifted value."""
    from django.db import connection

    reads = [f"{sql.sql_read(f, f.name)} AS {f.record}" for f in reversed(sql.LOG_READ)]
    statement = (
        f"SELECT {', '.join(reads)}, date AS day, %s AS case_id "  # noqa: S608
        f"FROM {DailyLog._meta.db_table} WHERE athlete_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [recorded.pk, recorded.athlete_id])
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    assert names[0] == "pain_lasted_hours" and names[-2:] == ["day", "case_id"]
    assert sql.records(names, rows, LogEntry) == {recorded.pk: (EXPECTED_LOG,)}
    assert EXPECTED_LOG.pain_rest != EXPECTED_LOG.pain_during
    without_rest = [name if name != "pain_rest" else "other" for name in names]
    with pytest.raises(LookupError, match="pain_rest"):
        sql.records(without_rest, rows, LogEntry)


def test_the_benchmarks_raw_baseline_writes_the_schemas_log_fields_by_name():
    from bench import ingest as bench_ingest

    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    (batch,) = bench_ingest.log_items([7], total=1, first_day=DAY)
    (row,) = bench_ingest.raw_rows([batch], 3, now)
    written = dict(zip(bench_ingest.RAW_COLUMNS, row, strict=True))
    item = batch[0]
    assert bench_ingest.RAW_COLUMNS[2:-4] == schema.LOG_FIELDS
    assert written["athlete_id"] == 7 and written["date"] == DAY
    for name in ("pain_rest", "pain_during", "pain_after", "fatigue", "steps", "soreness"):
        assert written[name] == item[name], name
    assert str(written["sleep_hours"]) == item["sleep_hours"]
    assert written["pain_next_morning"] is None and written["note"] == ""
