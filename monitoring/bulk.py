"""The one fast path of the many-row writes (bulk API requests, the nightly evaluation's new
flags): ``insert`` stores what ``Model.objects.bulk_create`` stores and ``history_create`` what
simple-history's ``bulk_history_create`` records, in one statement each and with less work per
row; anything either does not cover goes to the library itself. Tests compare both with the
library (``tests/api/test_write_paths.py``).

Measured on PostgreSQL with 1,000 new daily logs and their history rows in one transaction:
``bulk_create_with_history`` takes 175 ms, ``insert`` and ``history_create`` 57 ms (``insert``
48 ms against ``bulk_create``'s 93 ms; the history copied in SQL 9 ms against 82 ms built and
sent per row). Through the API the library's path took the bulk ingest from about a third of
plain psycopg's rate to 0.14 of it, under the benchmark's floor of a quarter
(``python -m bench --only ingest``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

from rehab.db import prepared_cursor

_INTEGER_FIELDS = (
    models.SmallIntegerField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)
_PLAIN_TYPES: dict[type, type] = {
    **dict.fromkeys(_INTEGER_FIELDS, int),
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.DecimalField: Decimal,
    models.DateField: dt.date,
    models.DateTimeField: dt.datetime,
}
"""Django's own field classes, and the Python type of the values their `get_db_prep_save`
gives back as they are on PostgreSQL (an integer wrapped in psycopg's typed int, which is sent
alike): a finite Decimal, an aware datetime, and so on."""


def _plain_type(field: models.Field) -> type | None:
    if field.is_relation:
        target = field.target_field
        return int if type(target) in _INTEGER_FIELDS else None
    return _PLAIN_TYPES.get(type(field))


def _is_json(field: models.Field) -> bool:
    return isinstance(field, models.JSONField)


def _json_default(value: Any) -> str:
    """Dates, times and decimals in the rows' JSON, as PostgreSQL's input reads them."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not sent as JSON")


def insert(model, objs: list[models.Model]) -> list[models.Model]:
    """`model.objects.bulk_create(objs)` for many rows: the rows Django would insert, with the
    plain values of Django's own fields (see `_PLAIN_TYPES`) as they are, where bulk_create
    passes every value through its field's `get_db_prep_save` (most of the time of a large
    insert). Every other value goes through its field.

    The rows go as one JSON array, one array of values per row, each cast in SQL to its
    column's type (without a length, so that an over-long text still fails as the column
    says); JSON columns take their element as it is. One parameter, quoted by the driver in C:
    bulk_create's arrays (Django 5.2 unnests them) are quoted element by element in Python,
    and a JSON document in a text array character by character. Anything else bulk_create
    would do differently (one row, a model or field it does not handle, a JSON value that is
    SQL NULL, a value JSON cannot carry exactly) goes to bulk_create itself."""
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.concrete_fields if f is not pk]
    if not _insertable(model, objs, fields):
        return model.objects.bulk_create(objs)
    plain = [_plain_type(f) for f in fields]
    json_fields = [_is_json(f) for f in fields]
    rows: list[list] = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row = [
            _json_value(f, obj) if is_json else _plain_value(f, obj, kind)
            for f, kind, is_json in zip(fields, plain, json_fields, strict=True)
        ]
        if any(value is _FALLBACK for value in row):
            return model.objects.bulk_create(objs)
        rows.append(row)
    try:
        document = json.dumps(rows, default=_json_default, allow_nan=False)
    except (TypeError, ValueError):  # a value JSON cannot carry exactly (NaN, an adapter)
        return model.objects.bulk_create(objs)
    qn = connection.ops.quote_name
    select = []
    for index, (f, is_json) in enumerate(zip(fields, json_fields, strict=True)):
        if is_json:
            select.append(f"r.e -> {index}")
        else:
            select.append(f"(r.e ->> {index})::{f.db_type(connection).split('(')[0]}")
    # Names and types from the models; the rows are the one parameter.
    table = qn(opts.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT {', '.join(select)} FROM jsonb_array_elements(%s::jsonb) "
        f"WITH ORDINALITY AS r(e, n) ORDER BY r.n RETURNING {table}.{qn(pk.column)}"
    )
    # The document goes as a parameter bound on the server (``prepared_cursor``): Django's
    # cursor binds on the client, quoting and sending the whole document inside the
    # statement's text for the server to parse back (a third slower for the nightly run's
    # chunks of new flags, some 190 KB each).
    with prepared_cursor() as cursor:
        cursor.execute(sql, [document])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


_FALLBACK = object()
"""A value ``insert`` leaves to bulk_create (an expression, SQL NULL in a JSON column)."""


def _insertable(model, objs: list[models.Model], fields: list[models.Field]) -> bool:
    """Whether ``insert`` writes these rows itself: more than one new row of a model on
    PostgreSQL with an integer key, no parents, and fields it knows how to send."""
    opts = model._meta
    return not (
        len(objs) <= 1
        or connection.vendor != "postgresql"
        or type(opts.pk) not in _INTEGER_FIELDS
        or opts.parents
        or any(obj.pk is not None for obj in objs)
        or any(
            getattr(f, "generated", False) or (hasattr(f, "get_placeholder") and not _is_json(f))
            for f in fields
        )
        or any(
            (f.target_field if f.is_relation else f).get_internal_type()
            not in connection.data_types
            for f in fields
        )
    )


def _json_value(model_field: models.JSONField, obj: models.Model) -> Any:
    """A JSON field's value as its element of the rows' document, or ``_FALLBACK``."""
    value = model_field.pre_save(obj, True)
    if value is None or hasattr(value, "resolve_expression"):
        return _FALLBACK
    if model_field.encoder is not None:  # what the field sends, with its encoder
        value = json.loads(json.dumps(value, cls=model_field.encoder))
    return value


def _plain_value(model_field: models.Field, obj: models.Model, kind: type | None) -> Any:
    """A field's value as it is when it is of its plain type (see ``_PLAIN_TYPES``), else as
    its field prepares it; ``_FALLBACK`` for an expression."""
    value = model_field.pre_save(obj, True)
    if value is None or (
        type(value) is kind
        and (kind is not Decimal or value.is_finite())
        and (kind is not dt.datetime or timezone.is_aware(value))
    ):
        return value
    if hasattr(value, "resolve_expression"):  # bulk_create compiles expressions
        return _FALLBACK
    value = model_field.get_db_prep_save(value, connection)
    return _FALLBACK if hasattr(value, "as_sql") else value


HISTORY_COLUMNS = frozenset(
    {"history_id", "history_date", "history_user_id", "history_change_reason", "history_type"}
)


def history_create(
    model,
    objs: Sequence[models.Model],
    *,
    history_type: str,
    user: Any = None,
    reason: str | None = None,
) -> None:
    """The simple-history rows of rows just inserted (`+`) or updated (`~`) in this transaction.

    The same rows as `HistoryManager.bulk_history_create` with ``default_user=user`` and
    ``default_change_reason=reason`` (every tracked field as stored), copied from the table by
    one `INSERT … SELECT` instead of a historical instance built, prepared and sent per row.
    Without a user the user is found as simple-history finds it (the
    request being served, if any). A historical model with fields of its own (extra fields, a
    history relation), or rows carrying a user or reason of their own, go through
    simple-history itself.
    """
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historical = model.history.model
    tracked = [f.column for f in historical.tracked_fields]
    own = {f.column for f in historical._meta.concrete_fields} - set(tracked)
    if (
        own != HISTORY_COLUMNS
        or hasattr(historical, "history_relation")
        or connection.vendor != "postgresql"
        or any(
            hasattr(obj, "_history_user")
            or hasattr(obj, "_history_date")
            or get_change_reason_from_object(obj)
            for obj in objs
        )
    ):
        model.history.bulk_history_create(
            objs, update=history_type == "~", default_user=user, default_change_reason=reason
        )
        return
    if user is None:  # what bulk_history_create does for each row without a user
        user = historical.get_default_history_user(objs[0])
    qn = connection.ops.quote_name  # the names come from the models, quoted; values are params
    columns = ", ".join(qn(c) for c in tracked)
    table, history_table, pk = (
        qn(model._meta.db_table),
        qn(historical._meta.db_table),
        qn(model._meta.pk.column),
    )
    sql = (
        f"INSERT INTO {history_table} ({columns}, history_date, history_user_id, "  # noqa: S608
        f"history_change_reason, history_type) "
        f"SELECT {columns}, %s, %s, %s, %s FROM {table} WHERE {pk} = ANY(%s) ORDER BY {pk}"
    )
    user_id = getattr(user, "pk", None)
    with prepared_cursor() as cursor:
        cursor.execute(
            sql, [timezone.now(), user_id, reason, history_type, [obj.pk for obj in objs]]
        )
