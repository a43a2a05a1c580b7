"""A write that cannot get the database's lock is a 503 with ``Retry-After``, never a 500.

On the embedded SQLite default, writers queue for the lock (immediate transactions and a busy
timeout, ``rehab.settings``); one that has waited the whole timeout gets SQLite's "database is
locked". Its transaction never began (an immediate transaction takes the lock first), so
nothing was written: the client may simply send the request again. The API answers in its JSON
error shape, the pages with a short page saying the same.
"""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "The database is busy with other changes and nothing was saved. "
    f"Please try again in {RETRY_AFTER_SECONDS} seconds."
)


def is_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the database's "locked" refusal (SQLite: database or table locked)."""
    return isinstance(exc, OperationalError) and "is locked" in str(exc)


def busy_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = render(request, "busy.html", {"message": MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turns a view's "database is locked" into the 503 (with DEBUG on as well as off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        return busy_response(request) if is_busy(exception) else None


def handler500(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, but the 503 for a lock raised outside a view (a middleware saving the
    session, say). Django calls it inside the ``except`` that caught the error."""
    if is_busy(sys.exc_info()[1]):
        return busy_response(request)
    if request.path.startswith("/api/"):  # the API answers in its error shape, even now
        return JsonResponse(
            {
                "detail": "Something went wrong on the server; nothing was changed. "
                "Quote the X-Request-ID header when you report it.",
                "code": "server_error",
                "errors": {},
            },
            status=500,
        )
    return server_error(request)
