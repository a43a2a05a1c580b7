"""Bulk ingest of daily logs, activity sessions and device metrics: validate each item, upsert.

What an integrator can rely on:

- **Each item is judged on its own.** An invalid item is reported by its index and field and not
  stored; the valid items of the same request are stored all the same.
- **Upsert by natural key**: athlete + date for a daily log; athlete + source + external id for a
  session (and a source + external id pair belongs to one athlete); source + external id for a
  device metric. An item equal to what is stored changes nothing and is counted `unchanged`,
  so repeating a request is harmless and says so.
- **One transaction** for the valid items: all of them are stored or none.
- **Concurrent identical requests** leave exactly one row per natural key: rows are locked
  (`SELECT … FOR UPDATE`) before comparing, and an insert that loses a race to a concurrent
  request (a unique-constraint conflict) rolls the transaction back (to a savepoint within a
  caller's transaction) and is retried: the second time the other request's rows are there,
  locked and compared like any other.
- **Evaluations are queued once per affected case** (only for items that changed something),
  when the transaction commits (`monitoring.evaluation.queue.request_evaluation`).

The checks and values are those of single items (`monitoring.ingest.checks`: dates, ranges
through the models' validators); who may record includes integration accounts' team grants
(`athletes.api_scopes`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from athletes.api_scopes import ApiScope
from athletes.models import User
from monitoring.bulk import history_create, insert, new_instances
from monitoring.evaluation.queue import request_evaluation
from monitoring.ingest.checks import (
    EARLIEST_DATE,
    athlete_today,
    check_date,
    full_clean,
    log_values,
    session_values,
)
from monitoring.models import ActivitySession, DailyLog, DeviceMetric, Source
from rehab.db import MAX_ID, is_id
from rehab.errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_ITEMS = 1000
RACE_RETRIES = 3
NOT_YOURS = "Not an athlete of an active case you may record data for."

CREATED, UPDATED, UNCHANGED, INVALID = "created", "updated", "unchanged", "invalid"
Errors = dict[str, list[str]]


@dataclass
class ItemOutcome:
    index: int
    status: str
    id: int | None = None
    errors: Errors = field(default_factory=dict)


@dataclass
class BulkOutcome:
    """What a bulk request did, item by item, and which cases' evaluations it queued."""

    results: list[ItemOutcome]
    evaluations_queued: list[int]
    objects: dict[int, models.Model] = field(default_factory=dict)  # index → stored row

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def errors(self) -> Errors:
        """Messages by `items.<index>.<field>`, the shared error format's keys."""
        return {
            f"items.{r.index}.{name}": messages
            for r in self.results
            for name, messages in r.errors.items()
        }

    @property
    def changed(self) -> bool:
        return bool(self.count(CREATED) or self.count(UPDATED))

    @property
    def detail(self) -> str:
        total, invalid = len(self.results), self.count(INVALID)
        if total and invalid == total:
            return "Nothing was stored: every item is invalid (see errors)."
        valid = total - invalid
        if not self.changed:
            text = f"Nothing changed: {_items(valid)} already stored as sent."
        else:
            text = (
                f"Stored {_items(valid)}: {self.count(CREATED)} created, "
                f"{self.count(UPDATED)} updated, {self.count(UNCHANGED)} unchanged."
            )
        if invalid:
            text += f" {_items(invalid)} invalid and not stored (see errors)."
        return text


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


@dataclass(frozen=True)
class _Row:
    """A valid item: its natural key, its athlete and the values to store."""

    index: int
    key: tuple
    athlete_id: int
    values: dict[str, Any]


# --- the three kinds --------------------------------------------------------------------------


def daily_logs_upsert(
    *,
    items: Sequence[Mapping[str, Any] | None],
    submitted_by: User,
    invalid: Mapping[int, Errors] | None = None,
    source: str = Source.API,
    today: dt.date | None = None,
    scope: ApiScope | None = None,
    validated: bool = False,
) -> BulkOutcome:
    """Upsert daily logs by athlete + date. An item: `athlete` (id), `date`, log fields.

    A field left out keeps its stored value; a field sent as null clears it. `validated`: the
    items' fields have been through the API's item serializer (`monitoring.api.records`), whose
    fields
    carry the model fields' checks (types, ranges, choices, lengths), so the model's field
    validation is not run a second time on them.
    """
    today = today or athlete_today()

    def clean(item: Mapping[str, Any], loggable) -> _Row:
        athlete_id = _athlete(item, loggable)
        day = check_date(item.get("date"), today=today)
        values = log_values({k: v for k, v in item.items() if k not in {"athlete", "date"}})
        if validated:
            return _Row(0, (athlete_id, day), athlete_id, values)
        probe = DailyLog(athlete_id=athlete_id, date=day, source=source, **values)
        full_clean(probe, exclude=["athlete", "submitted_by"])
        return _Row(0, (athlete_id, day), athlete_id, {k: getattr(probe, k) for k in values})

    make = new_instances(DailyLog)

    def build(row: _Row) -> DailyLog:
        return make(
            athlete_id=row.athlete_id,
            date=row.key[1],
            source=source,
            submitted_by=submitted_by,
            **row.values,
        )

    return _ingest(
        items=items,
        invalid=invalid,
        submitted_by=submitted_by,
        clean=clean,
        duplicate=("date", "the same athlete and date"),
        model=DailyLog,
        lookup=lambda rows: {
            "athlete_id__in": {r.key[0] for r in rows},
            "date__in": {r.key[1] for r in rows},
        },
        key_of=lambda obj: (obj.athlete_id, obj.date),
        build=build,
        on_update={"source": source, "submitted_by": submitted_by},
        history=True,
        scope=scope,
    )


def activity_sessions_upsert(
    *,
    items: Sequence[Mapping[str, Any] | None],
    submitted_by: User,
    invalid: Mapping[int, Errors] | None = None,
    today: dt.date | None = None,
    scope: ApiScope | None = None,
) -> BulkOutcome:
    """Upsert sessions by source + external id (within the athlete).

    An item: `athlete`, `date`, `source` (default `device`), `external_id` (required:
    it is what makes a retry harmless) and session fields.
    """
    today = today or athlete_today()

    def clean(item: Mapping[str, Any], loggable) -> _Row:
        athlete_id = _athlete(item, loggable)
        day = check_date(item.get("date"), today=today)
        source = item.get("source") or Source.DEVICE
        external_id = str(item.get("external_id") or "").strip()
        if not external_id:
            raise ApplicationError(
                "External id required.",
                {"external_id": "Give the session's id in your system: it makes retries safe."},
            )
        fields = {
            k: v for k, v in item.items() if k not in {"athlete", "date", "source", "external_id"}
        }
        values = session_values(fields)
        probe = ActivitySession(
            athlete_id=athlete_id, date=day, source=source, external_id=external_id, **values
        )
        full_clean(probe, exclude=["athlete", "submitted_by"])
        cleaned = {k: getattr(probe, k) for k in values}
        cleaned["date"] = day
        return _Row(0, (source, external_id), athlete_id, cleaned)

    make = new_instances(ActivitySession)

    def build(row: _Row) -> ActivitySession:
        source, external_id = row.key
        return make(
            athlete_id=row.athlete_id,
            source=source,
            external_id=external_id,
            submitted_by=submitted_by,
            **row.values,
        )

    return _ingest(
        items=items,
        invalid=invalid,
        submitted_by=submitted_by,
        clean=clean,
        duplicate=("external_id", "the same source and external id"),
        model=ActivitySession,
        lookup=lambda rows: {
            "source__in": {r.key[0] for r in rows},
            "external_id__in": {r.key[1] for r in rows},
        },
        key_of=lambda obj: (obj.source, obj.external_id),
        build=build,
        on_update={"submitted_by": submitted_by},
        other_athlete="These source and external id belong to another athlete's session.",
        scope=scope,
    )


def device_metrics_upsert(
    *,
    items: Sequence[Mapping[str, Any] | None],
    submitted_by: User,
    invalid: Mapping[int, Errors] | None = None,
    today: dt.date | None = None,
    scope: ApiScope | None = None,
) -> BulkOutcome:
    """Upsert wearable samples by source + external id.

    An item: `athlete`, `metric`, `value`, `recorded_at` (with its time zone),
    `source`, `external_id`; `unit` is optional and must be the metric's unit.
    """
    today = today or athlete_today()

    def clean(item: Mapping[str, Any], loggable) -> _Row:
        athlete_id = _athlete(item, loggable)
        errors: dict[str, str] = {}
        metric = item.get("metric")
        unit = DeviceMetric.UNITS.get(metric or "")
        if unit is None:
            errors["metric"] = "Unknown metric."
        elif item.get("unit") not in (None, "", unit):
            errors["unit"] = f"{metric} is recorded in {unit}."
        recorded_at = item.get("recorded_at")
        day = None
        if not isinstance(recorded_at, dt.datetime) or timezone.is_naive(recorded_at):
            errors["recorded_at"] = "Give a date and time with its time zone."
        else:
            day = timezone.localdate(recorded_at)
            if day > today:
                errors["recorded_at"] = "Samples cannot be from the future."
            elif day < EARLIEST_DATE:
                errors["recorded_at"] = "Date too far in the past: check the year."
        try:
            value = float(item.get("value"))
        except (TypeError, ValueError):
            errors["value"] = "Enter a number."
        else:
            if not math.isfinite(value) or value < 0 or value > 1e7:
                errors["value"] = "Out of range (0 to 10,000,000)."
        source = str(item.get("source") or "").strip()
        external_id = str(item.get("external_id") or "").strip()
        if not source:
            errors["source"] = "Name the device or service the sample comes from."
        if not external_id:
            errors["external_id"] = "Give the sample's id in your system: it makes retries safe."
        if errors:
            raise ApplicationError("Invalid sample.", errors)
        probe = DeviceMetric(
            athlete_id=athlete_id,
            metric=metric,
            value=value,
            unit=unit,
            recorded_at=recorded_at,
            date=day,
            source=source,
            external_id=external_id,
        )
        full_clean(probe, exclude=["athlete"])
        values = {"metric": metric, "value": value, "unit": unit, "recorded_at": recorded_at}
        values["date"] = day
        return _Row(0, (source, external_id), athlete_id, values)

    def build(row: _Row) -> DeviceMetric:
        source, external_id = row.key
        return DeviceMetric(
            athlete_id=row.athlete_id, source=source, external_id=external_id, **row.values
        )

    return _ingest(
        items=items,
        invalid=invalid,
        submitted_by=submitted_by,
        clean=clean,
        duplicate=("external_id", "the same source and external id"),
        model=DeviceMetric,
        lookup=lambda rows: {
            "source__in": {r.key[0] for r in rows},
            "external_id__in": {r.key[1] for r in rows},
        },
        key_of=lambda obj: (obj.source, obj.external_id),
        build=build,
        on_update={},
        other_athlete="These source and external id belong to another athlete's sample.",
        scope=scope,
    )


# --- the shared machinery ---------------------------------------------------------------------


def _athlete_id(item: Any) -> int | None:
    """The athlete an item names (an id, or an athlete the serializer looked up), or None; a
    number no row can have (0, negative, 2**63 or more) names none."""
    athlete = item.get("athlete") if isinstance(item, Mapping) else None
    if isinstance(athlete, models.Model):
        athlete = athlete.pk
    return athlete if is_id(athlete) else None


def _athlete(item: Mapping[str, Any], loggable: Mapping[int, list[int]]) -> int:
    athlete_id = _athlete_id(item)
    raw = item.get("athlete")
    if athlete_id is None and isinstance(raw, int) and not isinstance(raw, bool):
        raise ApplicationError("Not an id.", {"athlete": f"An id is from 1 to {MAX_ID}."})
    if athlete_id is None or athlete_id not in loggable:
        # The same answer for an athlete who does not exist: nothing is revealed.
        raise ApplicationError("Not your athlete.", {"athlete": NOT_YOURS})
    return athlete_id


def _ingest(
    *,
    items: Sequence[Mapping[str, Any] | None],
    invalid: Mapping[int, Errors] | None,
    submitted_by: User,
    clean: Callable[[Mapping[str, Any], Mapping[int, list[int]]], _Row],
    duplicate: tuple[str, str],
    model: type[models.Model],
    lookup: Callable[[list[_Row]], dict[str, Any]],
    key_of: Callable[[Any], tuple],
    build: Callable[[_Row], models.Model],
    on_update: Mapping[str, Any],
    history: bool = False,
    other_athlete: str | None = None,
    scope: ApiScope | None = None,
) -> BulkOutcome:
    if len(items) > MAX_ITEMS:
        raise ApplicationError(
            f"At most {MAX_ITEMS:,} items per request.",
            {"items": f"Send at most {MAX_ITEMS:,} items; split the rest into more requests."},
        )
    if not items:
        raise ApplicationError("No items.", {"items": "Send at least one item."})
    # The API passes the request's scope (its cases are loaded once per request, and the
    # response reads them again); anyone else's scope is not the submitter's.
    if scope is None or scope.user.pk != submitted_by.pk:
        scope = ApiScope(submitted_by, light=True)
    scope.only_athletes({_athlete_id(item) for item in items} - {None})
    loggable = scope.loggable_cases()
    outcomes: dict[int, ItemOutcome] = {}
    rows: list[_Row] = []
    first_of_key: dict[tuple, int] = {}
    for index, item in enumerate(items):
        if invalid and index in invalid:
            outcomes[index] = ItemOutcome(index, INVALID, errors=dict(invalid[index]))
            continue
        if not isinstance(item, Mapping):
            outcomes[index] = ItemOutcome(
                index, INVALID, errors={"non_field_errors": ["Each item must be an object."]}
            )
            continue
        try:
            row = clean(item, loggable)
        except ApplicationError as exc:
            outcomes[index] = ItemOutcome(index, INVALID, errors=exc.errors or {})
            continue
        if row.key in first_of_key:
            name, what = duplicate
            outcomes[index] = ItemOutcome(
                index, INVALID, errors={name: [f"Item {first_of_key[row.key]} has {what}."]}
            )
            continue
        first_of_key[row.key] = index
        rows.append(_Row(index, row.key, row.athlete_id, row.values))
    stored: dict[int, models.Model] = {}
    queued: list[int] = []
    if rows:
        for attempt in range(RACE_RETRIES):
            try:
                # One transaction (a savepoint within a caller's): a conflict rolls it back
                # whole and the next attempt starts afresh, without a savepoint of its own.
                with transaction.atomic():
                    try:
                        written, stored = _write(
                            rows,
                            model=model,
                            lookup=lookup,
                            key_of=key_of,
                            build=build,
                            on_update=on_update,
                            history=history,
                            user=submitted_by,
                            other_athlete=other_athlete or "Already stored for another athlete.",
                        )
                    except IntegrityError as exc:
                        raise _Conflict from exc
                    changed_athletes = {
                        r.athlete_id for r in rows if written[r.index][0] in {CREATED, UPDATED}
                    }
                    queued = sorted({c for a in changed_athletes for c in loggable.get(a, [])})
                    request_evaluation(queued)
                break
            except _Conflict:
                # A concurrent request inserted some of the same keys and has committed:
                # read again, now with its rows, and compare.
                logger.info(
                    "%s: a concurrent request stored the same keys; reading again.",
                    model.__name__,
                )
                if attempt == RACE_RETRIES - 1:
                    raise ApplicationError(
                        "Other requests keep writing the same records; retry in a moment."
                    ) from None
        for index, (status, obj, errors) in written.items():
            outcomes[index] = ItemOutcome(index, status, obj.pk if obj else None, errors)
    results = [outcomes[i] for i in range(len(items))]
    return BulkOutcome(results=results, evaluations_queued=queued, objects=stored)


class _Conflict(Exception):
    """An insert met a row a concurrent request has committed meanwhile."""


def _write(rows, *, model, lookup, key_of, build, on_update, history, user, other_athlete):
    """Lock the stored rows of these keys, then insert, update or leave each."""
    found = model.objects.select_for_update().filter(**lookup(rows)).order_by("pk")
    by_key: dict[tuple, list] = {}
    for obj in found:
        by_key.setdefault(key_of(obj), []).append(obj)
    written: dict[int, tuple[str, Any, Errors]] = {}
    stored: dict[int, models.Model] = {}
    to_create: list[tuple[_Row, models.Model]] = []
    to_update: list[models.Model] = []
    update_fields: set[str] = set()
    now = timezone.now()
    for row in rows:
        candidates = by_key.get(row.key, [])
        obj = next((o for o in candidates if o.athlete_id == row.athlete_id), None)
        if obj is None and candidates:
            written[row.index] = (INVALID, None, {"external_id": [other_athlete]})
            continue
        if obj is None:
            to_create.append((row, build(row)))
            continue
        changed = [name for name, value in row.values.items() if getattr(obj, name) != value]
        if not changed:
            written[row.index] = (UNCHANGED, obj, {})
            stored[row.index] = obj
            continue
        for name in changed:
            setattr(obj, name, row.values[name])
        for name, value in on_update.items():
            setattr(obj, name, value)
        update_fields.update(changed, on_update)
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
            update_fields.add("updated_at")
        to_update.append(obj)
        written[row.index] = (UPDATED, obj, {})
        stored[row.index] = obj
    if to_create:
        # Sorted by key so that concurrent requests take the unique-index locks in one order.
        to_create.sort(key=lambda pair: tuple(str(part) for part in pair[0].key))
        objs = insert(model, [obj for _, obj in to_create])
        if history:
            history_create(model, objs, history_type="+", user=user)
        for (row, _), obj in zip(to_create, objs, strict=True):
            written[row.index] = (CREATED, obj, {})
            stored[row.index] = obj
    if to_update:
        fields = sorted(update_fields)
        if len(to_update) == 1:  # a plain UPDATE; bulk_update's CASE is for many rows
            obj = to_update[0]
            model.objects.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in fields})
        else:
            model.objects.bulk_update(to_update, fields)
        if history:
            history_create(model, to_update, history_type="~", user=user)
    return written, stored
