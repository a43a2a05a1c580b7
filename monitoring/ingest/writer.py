"""Writing a bulk request's valid rows: the stored rows of their natural keys locked, then each
row inserted, updated or left as it is, in one transaction retried when an insert loses a race to
a concurrent request."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from athletes.models import User
from monitoring.bulk import history_create, insert
from monitoring.evaluation.queue import request_evaluation
from rehab.errors import ApplicationError

logger = logging.getLogger(__name__)

RACE_RETRIES = 3
CREATED, UPDATED, UNCHANGED, INVALID = "created", "updated", "unchanged", "invalid"
Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Row:
    """A valid item: its natural key, its athlete and the values to store."""

    index: int
    key: tuple
    athlete_id: int
    values: dict[str, Any]


class _Conflict(Exception):
    """An insert met a row a concurrent request has committed meanwhile."""


Written = dict[int, tuple[str, Any, Errors]]


@dataclass
class Writer:
    """How one kind's valid rows are written: its model, how its stored rows are found by
    natural key, how a new row is made, what an update sets besides the item's values, and
    whether the model keeps a history."""

    model: type[models.Model]
    lookup: Callable[[list[Row]], dict[str, Any]]
    key_of: Callable[[Any], tuple]
    build: Callable[[Row], models.Model]
    on_update: Mapping[str, Any]
    user: User
    history: bool = False
    other_athlete: str | None = None
    # A stored row the writer may only complete (the athlete's own entry, written by another
    # source): blanks are filled, a different value is kept and reported (``kept``).
    completes_only: Callable[[Any], bool] | None = None
    on_kept: Callable[[list[tuple[Row, Any, dict[str, tuple[Any, Any]]]]], None] | None = None

    def __post_init__(self) -> None:
        self.kept: dict[int, dict[str, tuple[Any, Any]]] = {}

    def write_retrying(
        self, rows: list[Row], loggable: Mapping[int, list[int]]
    ) -> tuple[Written, dict[int, models.Model], list[int]]:
        """``write`` in a transaction of its own (a savepoint within a caller's), again from
        the start when an insert loses a race; then the evaluations of the changed cases."""
        for attempt in range(RACE_RETRIES):
            try:
                # A conflict rolls the transaction back whole and the next attempt starts
                # afresh, without a savepoint of its own.
                with transaction.atomic():
                    try:
                        written, stored = self.write(rows)
                    except IntegrityError as exc:
                        raise _Conflict from exc
                    changed = {
                        r.athlete_id for r in rows if written[r.index][0] in {CREATED, UPDATED}
                    }
                    queued = sorted({c for a in changed for c in loggable.get(a, [])})
                    request_evaluation(queued)
                return written, stored, queued
            except _Conflict:
                # A concurrent request inserted some of the same keys and has committed:
                # read again, now with its rows, and compare.
                logger.info(
                    "%s: a concurrent request stored the same keys; reading again.",
                    self.model.__name__,
                )
                if attempt == RACE_RETRIES - 1:
                    raise ApplicationError(
                        "Other requests keep writing the same records; retry in a moment."
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def write(self, rows: list[Row]) -> tuple[Written, dict[int, models.Model]]:
        """Lock the stored rows of these keys, then insert, update or leave each."""
        self.kept = {}
        found = self.model.objects.select_for_update().filter(**self.lookup(rows)).order_by("pk")
        by_key: dict[tuple, list] = {}
        for obj in found:
            by_key.setdefault(self.key_of(obj), []).append(obj)
        written: Written = {}
        to_create: list[tuple[Row, models.Model]] = []
        to_update: list[models.Model] = []
        update_fields: set[str] = set()
        now = timezone.now()
        for row in rows:
            candidates = by_key.get(row.key, [])
            obj = next((o for o in candidates if o.athlete_id == row.athlete_id), None)
            if obj is None and candidates:
                other = self.other_athlete or "Already stored for another athlete."
                written[row.index] = (INVALID, None, {"external_id": [other]})
            elif obj is None:
                to_create.append((row, self.build(row)))
            elif self._change(obj, row, update_fields, now, self._completes_only(obj)):
                to_update.append(obj)
                written[row.index] = (UPDATED, obj, {})
            else:
                written[row.index] = (UNCHANGED, obj, {})
        written.update(self._create(to_create))
        self._update(to_update, update_fields)
        if self.kept and self.on_kept is not None:
            by_index = {row.index: row for row in rows}
            self.on_kept(
                [(by_index[i], written[i][1], held) for i, held in sorted(self.kept.items())]
            )
        stored = {index: obj for index, (_, obj, _) in written.items() if obj is not None}
        return written, stored

    def _completes_only(self, obj: models.Model) -> bool:
        return self.completes_only is not None and self.completes_only(obj)

    def _change(
        self, obj: models.Model, row: Row, update_fields: set[str], now, completes_only=False
    ) -> bool:
        """Set the row's changed values on the stored ``obj``; whether any changed. A row the
        writer only completes takes the values it lacks; its own are kept (``self.kept``)."""
        changed = [name for name, value in row.values.items() if getattr(obj, name) != value]
        if completes_only:
            held = [n for n in changed if getattr(obj, n) not in (None, "")]
            if held:
                self.kept[row.index] = {n: (getattr(obj, n), row.values[n]) for n in held}
            changed = [n for n in changed if n not in held]
        if not changed:
            return False
        for name in changed:
            setattr(obj, name, row.values[name])
        if not completes_only:  # the row stays the athlete's: its source and author too
            for name, value in self.on_update.items():
                setattr(obj, name, value)
            update_fields.update(self.on_update)
        update_fields.update(changed)
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
            update_fields.add("updated_at")
        return True

    def _create(self, to_create: list[tuple[Row, models.Model]]) -> Written:
        if not to_create:
            return {}
        # Sorted by key so that concurrent requests take the unique-index locks in one order.
        to_create.sort(key=lambda pair: tuple(str(part) for part in pair[0].key))
        objs = insert(self.model, [obj for _, obj in to_create])
        if self.history:
            history_create(self.model, objs, history_type="+", user=self.user)
        pairs = zip(to_create, objs, strict=True)
        return {row.index: (CREATED, obj, {}) for (row, _), obj in pairs}

    def _update(self, to_update: list[models.Model], update_fields: set[str]) -> None:
        if not to_update:
            return
        fields = sorted(update_fields)
        if len(to_update) == 1:  # a plain UPDATE; bulk_update's CASE is for many rows
            obj = to_update[0]
            self.model.objects.filter(pk=obj.pk).update(
                **{name: getattr(obj, name) for name in fields}
            )
        else:
            self.model.objects.bulk_update(to_update, fields)
        if self.history:
            history_create(self.model, to_update, history_type="~", user=self.user)
