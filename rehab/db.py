"""Database helpers shared by the apps' reads and writes: the condition ``column = ANY(array)``,
a cursor that prepares its statements on the server, and statements compiled once per process
(``kept_rows``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

MAX_ID = 2**63 - 1
"""The largest id a row can have (``BigAutoField``, PostgreSQL's ``bigint``): a larger number in a
request names nothing, and is refused before it reaches a query."""


def is_id(value: object) -> bool:
    """Whether ``value`` is an int that could be a row's id (1 to ``MAX_ID``; not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def any_of(model: type, field: str, values: list[int]) -> RawSQL | Q:
    """The condition ``field IN values``; on PostgreSQL written ``column = ANY(array)``, one
    parameter whatever the number of values, so that the statement is the same for every
    chunk (see ``kept_rows``)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    qn = connection.ops.quote_name
    column = f"{qn(model._meta.db_table)}.{qn(model._meta.get_field(field).column)}"
    # The column's name comes from the model; the values go as one parameter.
    return RawSQL(f"{column} = ANY(%s)", [values], output_field=BooleanField())  # noqa: S611


class _PreparingCursor(psycopg.Cursor):
    """A cursor that binds on the server and prepares each statement once per connection
    (psycopg keeps them): a nightly run executes the same few statements for every chunk, and
    planning them took about as long as running them.

    ``logged``: Django logs the queries (``DEBUG``, or a test counting them). Its log reads the
    statement a cursor last sent from ``cursor._query``, which psycopg leaves empty when it runs
    a prepared statement by name; the cursor then keeps it there, as for any other statement.
    """

    logged = False

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=binary)
        if self.logged and self._query is None:
            self._query = self._convert_query(query, params)
        return self


_ONLY_WHEN_ASKED = 2**62  # executions before psycopg would prepare a statement by itself


@contextlib.contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor of the default connection for statements run again and again with other values
    (the nightly reads and writes). On PostgreSQL one that binds the values on the server, as
    the statements' ``%b`` (binary) placeholders need, and prepares each statement once per
    connection unless ``REHAB_PREPARED_STATEMENTS`` is off; elsewhere Django's. Wrapped by
    Django as its own cursors are: its error classes, execute wrappers and query log."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    # What Django's own cursor() does before it makes one: the health check of a kept
    # connection, the connection, the thread check.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        if not settings.REHAB_PREPARED_STATEMENTS:
            raw = psycopg.Cursor(connection.connection)
        else:
            if connection.connection.prepare_threshold is None:
                # Django turns psycopg's preparing off (None), and psycopg then ignores a
                # statement's own request to be prepared too. A threshold no statement
                # reaches turns it back on for those that ask, and for them only.
                connection.connection.prepare_threshold = _ONLY_WHEN_ASKED
            raw = _PreparingCursor(connection.connection)
            raw.logged = connection.queries_logged
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        yield cursor


# Statements compiled by ``kept_rows``, by name: (SQL, its parameters, where each value goes).
KEPT: dict[Hashable, tuple[str, list, list[list[int]]]] = {}


def kept_rows(
    name: Hashable, build: Callable[..., QuerySet], *values: Any, probes: tuple | None = None
) -> list[tuple]:
    """The rows of the ``values_list`` queryset ``build(*values)``, as the driver returns them.

    On PostgreSQL the statement is compiled once per process and name, then run prepared with
    each call's values (building and planning it cost more than running it). It is compiled
    with stand-ins for the values, found among its parameters: the values themselves, each of
    which must reach the statement unchanged (an ``any_of`` array, a date: found by identity),
    or ``probes``, one per value, where a value is a number other parameters could equal (a
    user's id): a probe number is found by equality, so it must be one no statement holds
    otherwise. A stand-in found nowhere, or in the place of another, leaves the statement
    uncompiled: built with the call's values every call.
    Elsewhere the rows come through the ORM. The callers' columns need no conversion on
    PostgreSQL, so the driver's rows skip the per-row work of Django's iterator.
    """
    if connection.vendor != "postgresql":
        return list(build(*values))
    statement = KEPT.get(name)
    if statement is None:
        stand_ins = values if probes is None else probes
        sql, params = build(*stand_ins).query.sql_with_params()
        by_value = probes is not None
        slots = [
            [i for i, p in enumerate(params) if _stands_for(p, s, by_value)] for s in stand_ins
        ]
        if all(slots) and len({i for found in slots for i in found}) == sum(map(len, slots)):
            statement = KEPT[name] = (sql, list(params), slots)
        elif probes is not None:
            sql, params = build(*values).query.sql_with_params()
    if statement is not None:
        sql, template, where = statement
        params = list(template)
        for found, value in zip(where, values, strict=True):
            for slot in found:
                params[slot] = value
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _stands_for(param: Any, stand_in: Any, by_value: bool) -> bool:
    """Is this parameter the stand-in: the object itself, or a probe number equal to it."""
    if param is stand_in:
        return True
    return by_value and type(stand_in) is int and type(param) is int and param == stand_in


class MovesUpdatedAt:
    """A model whose ``updated_at`` (``auto_now``) moves on every save, also one that names its
    ``update_fields`` (Django saves only those: ``auto_now`` alone would not be written). The
    API's ``updated_after`` relies on it. A queryset's ``update()`` sets ``updated_at`` itself."""

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "updated_at"}
        return super().save(*args, **kwargs)
