"""The checks every write of recorded data makes, single items and bulk requests alike: the
athlete's today, dates, numbers, the models' field validation, who may record for whom, and the
daily-log and session values as the models store them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from athletes import permissions
from athletes.models import Athlete, Case, User
from monitoring.models import DailyLog, DeviceMetric
from monitoring.schema import (
    LOG_DECIMAL_FIELDS,
    LOG_FIELDS,
    LOG_TEXT_FIELDS,
    SESSION_DECIMAL_FIELDS,
    SESSION_FIELDS,
    SESSION_TEXT_FIELDS,
)
from rehab.errors import ApplicationError

EARLIEST_DATE = dt.date(2000, 1, 1)


def athlete_today() -> dt.date:
    """The athlete's today, in the clinic's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def check_date(day: Any, *, field: str = "date", today: dt.date) -> dt.date:
    """``day`` if it is a date from ``EARLIEST_DATE`` to ``today``; refused otherwise."""
    if not isinstance(day, dt.date):
        raise ApplicationError("Invalid date.", {field: "Enter a date as YYYY-MM-DD."})
    if day > today:
        raise ApplicationError(
            "Dates cannot be in the future.",
            {field: f"{day:%d %b %Y} is after today ({today:%d %b %Y})."},
        )
    if day < EARLIEST_DATE:
        raise ApplicationError("Date too far in the past.", {field: "Check the year."})
    return day


def full_clean(instance, exclude: Sequence[str] = ()) -> None:
    """The model's field validation (uniqueness and constraints are the database's), its
    errors as an ``ApplicationError``."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from exc


def to_decimal(value: Any, field: str) -> Decimal | None:
    """A number sent as text or number, as a Decimal; None for nothing; refused otherwise."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError("Invalid number.", {field: "Enter a number."}) from None


def reject_unknown(fields: Iterable[str], known: Sequence[str], message: str) -> None:
    """Refuse the fields not in ``known``, each with ``message``."""
    unknown = set(fields) - set(known)
    if unknown:
        raise ApplicationError("Unknown fields.", {f: message for f in sorted(unknown)})


def log_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A daily log's fields as stored: known fields only, decimals parsed, a text sent as null
    stored blank, and no "pain at one spot" when there is no pain (unless it was sent)."""
    reject_unknown(fields, LOG_FIELDS, "Not a daily-log field.")
    values = dict(fields)
    for key in LOG_DECIMAL_FIELDS:
        if key in values:
            values[key] = to_decimal(values[key], key)
    for key in LOG_TEXT_FIELDS:
        if key in values and values[key] is None:
            values[key] = ""
    if values.get("pain_character") == DailyLog.PainCharacter.NONE:
        values.setdefault("localized", None)
    return values


def session_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A session's fields as stored: known fields only, a text sent as null stored blank,
    decimals parsed."""
    reject_unknown(fields, SESSION_FIELDS, "Not a session field.")
    values = {k: ("" if v is None and k in SESSION_TEXT_FIELDS else v) for k, v in fields.items()}
    for key in SESSION_DECIMAL_FIELDS:
        if key in values:
            values[key] = to_decimal(values[key], key)
    return values


def active_cases_for_logging(athlete: Athlete, user: User) -> list[Case]:
    """The athlete's active cases the user may log for; refuses when there are none."""
    cases = list(
        Case.objects.filter(athlete=athlete, status=Case.Status.ACTIVE).select_related("athlete")
    )
    allowed = [c for c in cases if permissions.can_log_for(user, c)]
    if not allowed:
        raise ApplicationError(
            "You may not record data for this athlete.",
            {"athlete": "Not an athlete of an active case you are on."},
        )
    return allowed


def sample_values(item: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """A wearable sample's values as stored (metric, value, unit, recorded at, date, source,
    external id), every field's problem reported at once."""
    errors: dict[str, str] = {}
    metric = item.get("metric")
    unit = DeviceMetric.UNITS.get(metric or "")
    if unit is None:
        errors["metric"] = "Unknown metric."
    elif item.get("unit") not in (None, "", unit):
        errors["unit"] = f"{metric} is recorded in {unit}."
    recorded_at = item.get("recorded_at")
    day = _sample_day(recorded_at, today, errors)
    value = _sample_value(item.get("value"), errors)
    source = str(item.get("source") or "").strip()
    external_id = str(item.get("external_id") or "").strip()
    if not source:
        errors["source"] = "Name the device or service the sample comes from."
    if not external_id:
        errors["external_id"] = "Give the sample's id in your system: it makes retries safe."
    if errors:
        raise ApplicationError("Invalid sample.", errors)
    return {
        "metric": metric,
        "value": value,
        "unit": unit,
        "recorded_at": recorded_at,
        "date": day,
        "source": source,
        "external_id": external_id,
    }


def _sample_day(recorded_at: Any, today: dt.date, errors: dict[str, str]) -> dt.date | None:
    """The day of an aware ``recorded_at`` in the clinic's time zone, or None with its error."""
    if not isinstance(recorded_at, dt.datetime) or timezone.is_naive(recorded_at):
        errors["recorded_at"] = "Give a date and time with its time zone."
        return None
    day = timezone.localdate(recorded_at)
    if day > today:
        errors["recorded_at"] = "Samples cannot be from the future."
    elif day < EARLIEST_DATE:
        errors["recorded_at"] = "Date too far in the past: check the year."
    return day


def _sample_value(raw: Any, errors: dict[str, str]) -> float | None:
    """A sample's value as a float from 0 to 10,000,000, or None with its error."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        errors["value"] = "Enter a number."
        return None
    if not math.isfinite(value) or value < 0 or value > 1e7:
        errors["value"] = "Out of range (0 to 10,000,000)."
    return value
