"""The embedded database of the local run (``make run``): Django's SQLite backend, holding ids to
the range PostgreSQL holds them to (see ``base``)."""
