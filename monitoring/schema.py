"""The daily-log and activity-session fields, declared once.

Each data field of ``DailyLog`` and ``ActivitySession`` that an athlete, a device or an
integration records is declared here, in the order the API lists it: its kind and range, whether
it is a pain rating, whether it is clinical-only (hidden from coaches and integration accounts),
and the field of ``protocols.engine.records.LogEntry`` / ``SessionEntry`` it becomes when the
rules engine reads it. The API's serializers, the write path's field check, FHIR's questionnaire
items (their text is the model field's ``verbose_name``), the selectors' row mapping and the
ingest benchmark's raw baseline read their lists from here (``tests/monitoring/test_schema.py``
checks they agree with it and with the models). A new field also needs its model field and
migration, its place on the athlete's form (``monitoring/surfaces/athlete/forms.py`` and
``templates/athlete/log.html``) and, for the rules to read it, a field of the engine's record.

Pure Python (no Django): the engine-facing record mapping can be checked without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["nrs", "hooper", "choice", "bool", "hours", "count", "minutes", "km", "text"]
# How the selectors read a column for the engine: as stored, an empty choice as None, or a
# decimal as a float (the database converts, so a row is a record as it stands).
Read = Literal["as_is", "blank_is_none", "float"]


@dataclass(frozen=True)
class Field:
    name: str  # the model field and the API key
    kind: Kind
    low: float | None = None  # inclusive range, for numbers
    high: float | None = None
    pain: bool = False  # a 0–10 pain rating
    clinical_only: bool = False  # hidden from coaches and integration accounts
    record: str | None = None  # the engine record's field it becomes; None: not read by rules
    read: Read = "as_is"
    on_form: bool = True  # asked by the athlete's daily form (not: a device's or a note)
    wellbeing: bool = False  # how the athlete slept and felt: the form carries it over a day


def _nrs(name: str, *, record: bool = True, clinical_only: bool = False) -> Field:
    return Field(
        name,
        "nrs",
        0,
        10,
        pain=True,
        clinical_only=clinical_only,
        record=name if record else None,
    )


def _hooper(name: str) -> Field:
    return Field(name, "hooper", 1, 7, wellbeing=True)


# The daily log (monitoring.models.DailyLog), in the API's order.
LOG: tuple[Field, ...] = (
    _nrs("pain_rest"),
    _nrs("pain_during"),
    _nrs("pain_after"),
    _nrs("pain_next_morning"),
    Field("pain_character", "choice", record="pain_character", read="blank_is_none"),
    Field("localized", "bool", record="localized"),
    Field("pain_location", "text", high=120),
    Field("night_pain", "bool", record="night_pain"),
    Field("swelling", "bool", record="swelling"),
    Field("pain_lasted_hours", "hours", 0, 168, record="pain_lasted_hours", read="float"),
    _hooper("fatigue"),
    Field("sleep_hours", "hours", 0, 24, wellbeing=True),
    _hooper("sleep_quality"),
    _hooper("stress"),
    _hooper("mood"),
    _hooper("soreness"),
    Field("steps", "count", 0, on_form=False),
    Field("note", "text", high=2000, on_form=False),
)

# The activity session (monitoring.models.ActivitySession), in the API's order.
SESSION: tuple[Field, ...] = (
    Field("activity", "choice", record="activity"),
    Field("minutes", "minutes", 1, 600, record="minutes"),
    Field("rpe", "nrs", 0, 10, record="rpe"),  # CR-10 effort, not pain
    Field("distance_km", "km", 0, 1000, record="distance_km", read="float"),
    Field("ground_contacts", "count", 0),
    Field("steps", "count", 0),
    Field("surface", "choice"),
    Field("footwear", "text", high=80),
    _nrs("pain_during", clinical_only=True),
    _nrs("pain_after", clinical_only=True),
    Field("note", "text", high=2000, clinical_only=True),
    # a watch's averages (an activity file's or an integration's): charted, not judged
    Field("avg_heart_rate", "count", 0, 250),
    Field("max_heart_rate", "count", 0, 250),
    Field("cadence", "count", 0, 300),
    Field("ground_contact_ms", "count", 0, 2000),
    Field("vertical_oscillation_mm", "count", 0, 500),
)

# The FHIR QuestionnaireResponse items of a daily log: every log field (monitoring.api.fhir).
# The 0–10 pain ratings are also Observations coded LOINC 72514-3, with a local context code.
FHIR_PAIN_CONTEXTS = {
    "pain_rest": "Pain at rest",
    "pain_during": "Pain during activity",
    "pain_after": "Pain after activity",
    "pain_next_morning": "Pain the next morning",
}

# --- projections: what the consumers read --------------------------------------------------------

LOG_FIELDS: tuple[str, ...] = tuple(f.name for f in LOG)
SESSION_FIELDS: tuple[str, ...] = tuple(f.name for f in SESSION)
LOG_PAIN_FIELDS: tuple[str, ...] = tuple(f.name for f in LOG if f.pain)
LOG_FORM_FIELDS: tuple[str, ...] = tuple(f.name for f in LOG if f.on_form)
LOG_WELLBEING_FIELDS: tuple[str, ...] = tuple(f.name for f in LOG if f.wellbeing)
SESSION_CLINICAL_ONLY: tuple[str, ...] = tuple(f.name for f in SESSION if f.clinical_only)
LOG_DECIMAL_FIELDS: tuple[str, ...] = tuple(f.name for f in LOG if f.kind == "hours")
SESSION_DECIMAL_FIELDS: tuple[str, ...] = tuple(f.name for f in SESSION if f.kind == "km")
LOG_TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in LOG if f.kind in {"text", "choice"})
SESSION_TEXT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in SESSION if f.kind in {"text", "choice"} and f.name != "activity"
)

_LOG_RECORD = ("day", *(f.record for f in LOG if f.record))
_SESSION_RECORD = ("day", *(f.record for f in SESSION if f.record))


def _columns(fields: tuple[Field, ...], record_fields: tuple[str, ...]) -> tuple[Field, ...]:
    """The schema fields in the order of the record's fields (after its day): a row read in this
    order is the record, field by field, by name (a record field without a column, or a column
    in another place, is an error here, at import, not a shifted value at night)."""
    by_record = {f.record: f for f in fields if f.record}
    missing = [name for name in record_fields[1:] if name not in by_record]
    if record_fields[0] != "day" or missing or len(by_record) != len(record_fields) - 1:
        raise ValueError(f"record fields {record_fields} do not match the schema: {missing}")
    return tuple(by_record[name] for name in record_fields[1:])


def record_columns(kind: Literal["log", "session"], record_fields: tuple[str, ...]) -> tuple:
    """The schema fields read for a record, in ``record_fields`` order (see ``_columns``)."""
    return _columns(LOG if kind == "log" else SESSION, record_fields)


def as_read(field: Field, value):
    """A stored value as the engine reads it (what the selectors have the database do)."""
    if value is None:
        return None
    if field.read == "blank_is_none":
        return value or None
    if field.read == "float":
        return float(value)
    return value
