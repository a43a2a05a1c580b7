"""Django's SQLite backend with PostgreSQL's integer ranges.

SQLite enforces no integer range, so Django's SQLite backend reports none and passes any Python
int to the driver, which cannot convert one of 2**63 or more and raises ``OverflowError`` (a 500)
wherever such a number reaches a query: an id in a URL, a form, a filter or a body. PostgreSQL's
backend knows its columns' ranges, and Django's integer lookups answer "nothing matches" for a
value outside them (``IntegerFieldOverflow``). With the same ranges here, SQLite answers as
PostgreSQL does: ``Case.objects.filter(pk=2**64)`` is empty, ``get`` raises ``DoesNotExist``.

The connection's settings (WAL journal, immediate transactions, a busy timeout) are in
``rehab.settings``; they are Django's documented ``OPTIONS``.
"""

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def integer_field_range(self, internal_type):
        return BaseDatabaseOperations.integer_field_ranges[internal_type]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
