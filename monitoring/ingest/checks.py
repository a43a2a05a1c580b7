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
from athletes.models.people import zone_named
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


def athlete_today(athlete: Athlete | None = None, *, now: dt.datetime | None = None) -> dt.date:
    """The athlete's today in their own time zone (``Athlete.time_zone``); the clinic's today
    (settings.TIME_ZONE) for an athlete without one, or with no athlete given."""
    if athlete is None:
        return timezone.localdate(now or timezone.now())
    return athlete.today(now)


def cases_by_today(
    case_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[dt.date, list[int]]:
    """Case ids grouped by their athlete's today (each athlete's own time zone), in id order.
    One query."""
    rows = Case.objects.filter(pk__in=list(case_ids)).values_list("pk", "athlete__time_zone")
    moment = now or timezone.now()
    days: dict[str, dt.date] = {}
    grouped: dict[dt.date, list[int]] = {}
    for case_id, zone in sorted(rows):
        if zone not in days:
            days[zone] = timezone.localdate(moment, zone_named(zone))
        grouped.setdefault(days[zone], []).append(case_id)
    return grouped


class AthleteDays:
    """Each athlete's today for a request that names several athletes (a bulk request): their
    time zones are read once, in one query, when first asked. With ``today`` given (a test's
    pinned date), every athlete's today is that date."""

    def __init__(self, today: dt.date | None = None, now: dt.datetime | None = None):
        self.fixed = today
        self.now = now or timezone.now()
        self._zones: dict[int, str] | None = None
        self._wanted: set[int] = set()

    def want(self, athlete_ids: Iterable[int]) -> None:
        """Athletes whose today will be asked (all read in the one query)."""
        self._wanted.update(athlete_ids)

    def zone(self, athlete_id: int):
        if self._zones is None or athlete_id not in self._zones:
            ids = (self._wanted | {athlete_id}) - set(self._zones or ())
            found = dict(Athlete.objects.filter(pk__in=ids).values_list("pk", "time_zone"))
            self._zones = {**(self._zones or {}), **{i: found.get(i, "") for i in ids}}
        return zone_named(self._zones[athlete_id])

    def __call__(self, athlete_id: int) -> dt.date:
        if self.fixed is not None:
            return self.fixed
        return timezone.localdate(self.now, self.zone(athlete_id))

    def day_of(self, moment: dt.datetime, athlete_id: int) -> dt.date:
        """The date of an aware ``moment`` where the athlete lives."""
        return timezone.localdate(moment, self.zone(athlete_id))


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


def sample_values(item: Mapping[str, Any], today: dt.date, zone=None) -> dict[str, Any]:
    """A wearable sample's values as stored (metric, value, unit, recorded at, date, source,
    external id), every field's problem reported at once. Its date is the day of
    ``recorded_at`` in ``zone`` (the athlete's; default the clinic's)."""
    errors: dict[str, str] = {}
    metric = item.get("metric")
    unit = DeviceMetric.UNITS.get(metric or "")
    if unit is None:
        errors["metric"] = "Unknown metric."
    elif item.get("unit") not in (None, "", unit):
        errors["unit"] = f"{metric} is recorded in {unit}."
    recorded_at = item.get("recorded_at")
    day = _sample_day(recorded_at, today, errors, zone)
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


def _sample_day(
    recorded_at: Any, today: dt.date, errors: dict[str, str], zone=None
) -> dt.date | None:
    """The day of an aware ``recorded_at`` in ``zone`` (the athlete's), or None with its
    error."""
    if not isinstance(recorded_at, dt.datetime) or timezone.is_naive(recorded_at):
        errors["recorded_at"] = "Give a date and time with its time zone."
        return None
    day = timezone.localdate(recorded_at, zone)
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
