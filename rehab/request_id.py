"""The id of the API request being served, for the log lines it writes (``X-Request-ID``,
set by ``rehab.api_conventions``). Importable from the logging configuration: no Django."""

from __future__ import annotations

import logging
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Puts the API request's id on every log record (``%(request_id)s``; ``-`` outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
