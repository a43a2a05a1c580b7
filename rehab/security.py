"""Wiring of the security headers and the login lockout (see README, "Security").

- ``PlotlyNonceMiddleware``: the content security policy allows inline scripts only with the
  request's nonce. Plotly's charts are rendered server-side as a ``<div>`` followed by an inline
  ``<script>`` that draws it; this gives exactly those scripts the nonce. Plotly encodes every
  ``<`` of the chart's data as ``\\u003c``, and every other template output is escaped, so no
  text from a user can form such a pair: a script injected anywhere else runs without a nonce
  and the browser refuses it.
- ``lockout_response``: what django-axes answers a locked-out login with: the lockout page, or
  for the API a 429 in the API's error shape.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework import parsers
from rest_framework.exceptions import ParseError

_PLOTLY_SCRIPT = re.compile(
    rb'(<div id="[0-9a-f-]{36}" class="plotly-graph-div" style="[^"<>]*"></div>\s*)<script'
    rb'(?: type="text/javascript")?>'
)


class PlotlyNonceMiddleware:
    """Put ``CSPMiddleware`` before this one in ``MIDDLEWARE`` (so this one sees the response
    first and the nonce it uses makes it into the header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith("text/html")
            or b"plotly-graph-div" not in response.content
        ):
            return response
        nonce = str(request.csp_nonce).encode()
        response.content = _PLOTLY_SCRIPT.sub(
            rb'\1<script nonce="' + nonce + rb'">', response.content
        )
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """A locked-out login: 429 with a page that says what happened and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Too many failed logins for this account from here. Try again in {minutes} minutes, "
        "or ask your clinic's administrator to unlock it."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(
        request, "registration/locked.html", {"minutes": minutes, "message": message}, status=429
    )


class RequestSizeLimitMiddleware:
    """Refuse a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` before anything reads it: 413
    with a sentence (the API's error shape under /api/). Django checks the size only when a view
    reads ``request.body`` or a form; the API's JSON parser reads the stream, so without this a
    request of any size would be parsed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = (
                f"The request is too large ({length:,} bytes; at most {limit:,}). "
                "Send fewer items per request."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {}}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that JSON nested deeper than Python's recursion limit is a 400
    like any other malformed body (the standard library raises ``RecursionError`` there)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
