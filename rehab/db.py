"""Database helpers shared by the apps' reads and writes: the condition ``column = ANY(array)``
and a server-binding cursor for the hand-written statements the nightly run repeats."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import psycopg
from django.db import connection
from django.db.models import BooleanField, Q
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
    chunk."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    qn = connection.ops.quote_name
    column = f"{qn(model._meta.db_table)}.{qn(model._meta.get_field(field).column)}"
    # The column's name comes from the model; the values go as one parameter.
    return RawSQL(f"{column} = ANY(%s)", [values], output_field=BooleanField())  # noqa: S611


@contextlib.contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor of the default connection for the hand-written statements run again and again
    with other values (the nightly reads and writes of ``monitoring.evaluation``). On
    PostgreSQL a plain ``psycopg.Cursor``, which binds the values on the server, as the
    statements' ``%b`` (binary) placeholders need; psycopg prepares its statements on the
    server by the connection's ``prepare_threshold``, set through Django's documented
    ``OPTIONS`` (``settings.DATABASES``, ``REHAB_PREPARED_STATEMENTS``). Django's own cursors
    bind on the client and are never prepared, so only these statements are. Elsewhere
    Django's cursor. Wrapped by Django as its own cursors are: its error classes, execute
    wrappers and query log. While Django logs queries (``DEBUG``, a test counting them) the
    statements run unprepared, so that the log shows each one's text (psycopg keeps no text
    of a statement it runs by its prepared name)."""
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
        raw = psycopg.Cursor(connection.connection)
    if not connection.queries_logged:
        with connection.make_cursor(raw) as cursor:
            yield cursor
        return
    pg, threshold = connection.connection, connection.connection.prepare_threshold
    pg.prepare_threshold = None
    try:
        with connection.make_debug_cursor(raw) as cursor:
            yield cursor
    finally:
        pg.prepare_threshold = threshold


class MovesUpdatedAt:
    """A model whose ``updated_at`` (``auto_now``) moves on every save, also one that names its
    ``update_fields`` (Django saves only those: ``auto_now`` alone would not be written). The
    API's ``updated_after`` relies on it. A queryset's ``update()`` sets ``updated_at`` itself."""

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "updated_at"}
        return super().save(*args, **kwargs)
