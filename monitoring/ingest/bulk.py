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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from athletes.api_scopes import ApiScope
from athletes.models import Athlete, User
from monitoring.ingest.checks import (
    AthleteDays,
    check_date,
    full_clean,
    log_values,
    sample_values,
    session_values,
)
from monitoring.ingest.writer import (
    CREATED,
    INVALID,
    UNCHANGED,
    UPDATED,
    Errors,
    Row,
    Writer,
)
from monitoring.models import ActivitySession, DailyLog, DeviceMetric, Source, ValueConflict
from monitoring.webhooks.events import webhook_event
from rehab.db import MAX_ID, is_id
from rehab.errors import ApplicationError

MAX_ITEMS = 1000
NOT_YOURS = "Not an athlete of an active case you may record data for."
NOT_FOUND = "not_found"
"""An item's status when its athlete is not one the caller may record for, or does not exist:
the two are not told apart."""


class NotYours(ApplicationError):
    """An item names an athlete the caller may not record for (or none that exists)."""


@dataclass
class ItemOutcome:
    index: int
    status: str
    id: int | None = None
    errors: Errors = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # the athlete's values kept over the item's


@dataclass
class BulkOutcome:
    """What a bulk request did, item by item, and which cases' evaluations it queued."""

    results: list[ItemOutcome]
    evaluations_queued: list[int]
    objects: dict[int, models.Model] = field(default_factory=dict)  # index → stored row

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def refused(self) -> int:
        """Items not stored: invalid, or naming an athlete the caller may not record for."""
        return self.count(INVALID) + self.count(NOT_FOUND)

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
        total, invalid = len(self.results), self.refused
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
    items' fields have been through the API's item serializer (`monitoring.api.logs`), whose
    fields carry the model fields' checks (types, ranges, choices, lengths), so the model's field
    validation is not run a second time on them.
    """
    days = _days(items, today)

    def clean(item: Mapping[str, Any], loggable) -> Row:
        athlete_id = _athlete(item, loggable)
        day = check_date(item.get("date"), today=days(athlete_id))
        values = log_values({k: v for k, v in item.items() if k not in {"athlete", "date"}})
        if validated:
            return Row(0, (athlete_id, day), athlete_id, values)
        probe = DailyLog(athlete_id=athlete_id, date=day, source=source, **values)
        full_clean(probe, exclude=["athlete", "submitted_by"])
        return Row(0, (athlete_id, day), athlete_id, {k: getattr(probe, k) for k in values})

    def build(row: Row) -> DailyLog:
        return DailyLog(
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
        completes_only=athletes_own_entry(items, submitted_by),
        on_kept=conflicts_record(source, submitted_by),
        scope=scope,
    )


def athletes_own_entry(items: Sequence[Any], submitted_by: User) -> Callable[[DailyLog], bool]:
    """Whether a stored log is the athlete's own entry that this writer may only complete: the
    athlete logged it (on the phone, or with their own login) and the writer is anyone else (a
    device, a club system, a clinician's import). The athlete's self-report wins; blanks are
    filled, and a differing value is set aside for the clinician to discuss with them."""
    owners: dict[int, int | None] = {}

    def own(log: DailyLog) -> bool:
        if not owners:
            wanted = {_athlete_id(item) for item in items} - {None}
            owners.update(Athlete.objects.filter(pk__in=wanted).values_list("pk", "user_id"))
        athlete_user = owners.get(log.athlete_id)
        if athlete_user is not None and submitted_by.pk == athlete_user:
            return False  # the athlete corrects their own day
        return log.source == Source.WEB or (
            athlete_user is not None and log.submitted_by_id == athlete_user
        )

    return own


def conflicts_record(source: str, submitted_by: User):
    """Keep each value not used (``ValueConflict``) for the clinician."""

    def record(kept: list[tuple[Row, DailyLog, dict[str, tuple[Any, Any]]]]) -> None:
        found = [
            ValueConflict(
                athlete_id=log.athlete_id,
                date=log.date,
                field=name,
                kept=_shown(old)[:200],
                offered=_shown(new)[:200],
                source=source,
                submitted_by=submitted_by,
            )
            for _, log, held in kept
            for name, (old, new) in held.items()
        ]

        # A retry or a resend offers the same again: kept once.
        def key(c):
            return (c.athlete_id, c.date, c.field, c.kept, c.offered, c.source)

        seen = set(
            ValueConflict.objects.filter(
                athlete_id__in={c.athlete_id for c in found}, date__in={c.date for c in found}
            ).values_list("athlete_id", "date", "field", "kept", "offered", "source")
        )
        ValueConflict.objects.bulk_create(c for c in found if key(c) not in seen)

    return record


def _shown(value: Any) -> str:
    return "(none)" if value is None else str(value)


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
    days = _days(items, today)

    def clean(item: Mapping[str, Any], loggable) -> Row:
        athlete_id = _athlete(item, loggable)
        day = check_date(item.get("date"), today=days(athlete_id))
        source = item.get("source") or Source.DEVICE
        if source == Source.WEB and submitted_by.kind != User.Kind.ATHLETE:
            raise ApplicationError(
                "The web source is the athlete's own phone.",
                {"source": "Use api, device or import: web is the athlete's own phone."},
            )
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
        return Row(0, (source, external_id), athlete_id, cleaned)

    def build(row: Row) -> ActivitySession:
        source, external_id = row.key
        return ActivitySession(
            athlete_id=row.athlete_id,
            source=source,
            external_id=external_id,
            submitted_by=submitted_by,
            **row.values,
        )

    outcome = _ingest(
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
    created = [r.index for r in outcome.results if r.status == CREATED]
    if created:
        webhook_event("session.created", [outcome.objects[i] for i in created])
    return outcome


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
    days = _days(items, today)

    def clean(item: Mapping[str, Any], loggable) -> Row:
        athlete_id = _athlete(item, loggable)
        sample = sample_values(item, days(athlete_id), days.zone(athlete_id))
        full_clean(DeviceMetric(athlete_id=athlete_id, **sample), exclude=["athlete"])
        key = (sample.pop("source"), sample.pop("external_id"))
        return Row(0, key, athlete_id, sample)

    def build(row: Row) -> DeviceMetric:
        source, external_id = row.key
        return DeviceMetric(
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
        model=DeviceMetric,
        lookup=lambda rows: {
            "source__in": {r.key[0] for r in rows},
            "external_id__in": {r.key[1] for r in rows},
        },
        key_of=lambda obj: (obj.source, obj.external_id),
        build=build,
        on_update={"submitted_by": submitted_by},
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


def _days(items: Sequence[Any], today: dt.date | None) -> AthleteDays:
    """Each named athlete's today (``today`` for all when given), their zones read at once."""
    days = AthleteDays(today)
    days.want({_athlete_id(item) for item in items} - {None})
    return days


def _athlete(item: Mapping[str, Any], loggable: Mapping[int, list[int]]) -> int:
    athlete_id = _athlete_id(item)
    raw = item.get("athlete")
    if athlete_id is None and isinstance(raw, int) and not isinstance(raw, bool):
        raise ApplicationError("Not an id.", {"athlete": f"An id is from 1 to {MAX_ID}."})
    if athlete_id is None or athlete_id not in loggable:
        # The same answer for an athlete who does not exist: nothing is revealed.
        raise NotYours("Not your athlete.", {"athlete": NOT_YOURS})
    return athlete_id


def _ingest(
    *,
    items: Sequence[Mapping[str, Any] | None],
    invalid: Mapping[int, Errors] | None,
    submitted_by: User,
    clean: Callable[[Mapping[str, Any], Mapping[int, list[int]]], Row],
    duplicate: tuple[str, str],
    scope: ApiScope | None = None,
    **write: Any,
) -> BulkOutcome:
    """Judge each item, then write the valid ones (``Writer``) and queue the evaluations of the
    cases they changed."""
    _check_count(items)
    # The API passes the request's scope (its cases are loaded once per request, and the
    # response reads them again); anyone else's scope is not the submitter's.
    if scope is None or scope.user.pk != submitted_by.pk:
        scope = ApiScope(submitted_by, light=True)
    scope.only_athletes({_athlete_id(item) for item in items} - {None})
    loggable = scope.loggable_cases()
    outcomes, rows = _judge(items, invalid, clean, loggable, duplicate)
    stored: dict[int, models.Model] = {}
    queued: list[int] = []
    if rows:
        writer = Writer(user=submitted_by, **write)
        written, stored, queued = writer.write_retrying(rows, loggable)
        for index, (status, obj, errors) in written.items():
            kept = sorted(writer.kept.get(index, {}))
            outcomes[index] = ItemOutcome(index, status, obj.pk if obj else None, errors, kept)
    results = [outcomes[i] for i in range(len(items))]
    return BulkOutcome(results=results, evaluations_queued=queued, objects=stored)


def _check_count(items: Sequence[Any]) -> None:
    if len(items) > MAX_ITEMS:
        raise ApplicationError(
            f"At most {MAX_ITEMS:,} items per request.",
            {"items": f"Send at most {MAX_ITEMS:,} items; split the rest into more requests."},
        )
    if not items:
        raise ApplicationError("No items.", {"items": "Send at least one item."})


def _judge(
    items: Sequence[Mapping[str, Any] | None],
    invalid: Mapping[int, Errors] | None,
    clean: Callable[[Mapping[str, Any], Mapping[int, list[int]]], Row],
    loggable: Mapping[int, list[int]],
    duplicate: tuple[str, str],
) -> tuple[dict[int, ItemOutcome], list[Row]]:
    """The invalid items' outcomes by index, and the valid items as rows (the first item of a
    natural key; a later one is invalid)."""
    outcomes: dict[int, ItemOutcome] = {}
    rows: list[Row] = []
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
        except NotYours as exc:
            outcomes[index] = ItemOutcome(index, NOT_FOUND, errors=exc.errors)
            continue
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
        rows.append(Row(index, row.key, row.athlete_id, row.values))
    return outcomes, rows
