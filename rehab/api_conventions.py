"""What every response under /api/ carries, in one place (docs/api.md, "Conventions").

- ``X-Request-ID``: the client's own (letters, digits, ``.``, ``_``, ``:``, ``-``; up to 128) or a
  new one; echoed on the response and on every log line of the request (``rehab.request_id``).
- ``code``: every error body has a machine-readable code beside ``detail`` (``not_found``,
  ``invalid``, ``throttled``...), whichever layer answered (a view, the router, a 500).
- ``ETag`` on every successful read, and ``If-None-Match`` answered ``304 Not Modified``.
- ``Cache-Control: no-store`` on everything but the shipped templates (clinical data is never
  kept by a cache; the client keeps the ETag itself), ``private, no-cache`` on those.
- ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds) and
  ``RateLimit-Policy`` from the tightest of the request's throttles (``RateLimitHeaders``).
- ``201 Created`` with ``Location``: the new object's address.
- An unknown query parameter is a 400 naming it (``KnownQueryParameters``): a misspelt filter
  never returns every row.
"""

from __future__ import annotations

import json
import logging
import re
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, set_response_etag
from rest_framework import exceptions, permissions, throttling
from rest_framework.filters import BaseFilterBackend
from rest_framework.settings import api_settings

from rehab.request_id import request_id as _request_id

logger = logging.getLogger("rehab.api")

API_PREFIX = "/api/"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

NOT_STORED = "no-store"
REVALIDATED = "private, no-cache"
SHARED_PATHS = ("/api/v1/templates/",)  # no clinical data: a cache may keep and revalidate it

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


def code_for(status: int) -> str:
    return CODES.get(status, "error" if status >= 400 else "ok")


def current_request_id() -> str:
    return _request_id.get()


class ApiConventionsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
            _error_code(response)
            _created_location(request, response)
            _rate_limit_headers(request, response)
            response = _conditional(request, response)
            response[REQUEST_ID_HEADER] = request_id
            logger.info(
                "%s %s %s", request.method, request.get_full_path()[:300], response.status_code
            )
        finally:
            _request_id.reset(token)
        return response


def _error_code(response: HttpResponse) -> None:
    """Adds ``code`` to a JSON error body that has none (the router's 404, a 413, a 503...)."""
    if response.status_code < 400 or getattr(response, "streaming", False):
        return
    content_type = response.get("Content-Type", "")
    if "json" not in content_type or "fhir" in content_type:  # an OperationOutcome is FHIR's
        return
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return
    if isinstance(body, dict) and "code" not in body:
        body["code"] = code_for(response.status_code)
        response.content = json.dumps(body).encode()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))


def _created_location(request: HttpRequest, response: HttpResponse) -> None:
    """``Location`` of a ``201`` from a viewset's ``create``: the detail route of its id."""
    if response.status_code != 201 or response.has_header("Location"):
        return
    match = getattr(request, "resolver_match", None)
    func = getattr(match, "func", None)
    data = getattr(response, "data", None)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return
    basename = (getattr(func, "initkwargs", None) or {}).get("basename")
    try:  # the created object's detail route (a create, an upload, a nested action)
        location = reverse(f"{basename}-detail", kwargs={"pk": data["id"]}) if basename else None
    except NoReverseMatch:
        location = None
    if location is None and (getattr(func, "actions", None) or {}).get("post") == "create":
        location = f"{request.path}{data['id']}/"
    if location is not None:
        response["Location"] = request.build_absolute_uri(location)


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Cache-Control on every response; ETag and 304 on a successful read."""
    shared = request.path.startswith(SHARED_PATHS)
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = REVALIDATED if shared else NOT_STORED
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if getattr(response, "streaming", False):
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


# --- rate limits ---------------------------------------------------------------------------


def _rate_limit_headers(request: HttpRequest, response: HttpResponse) -> None:
    found = getattr(request, "_rate_limit", None)
    if found is None or response.has_header("RateLimit-Limit"):
        return
    limit, remaining, reset, window = found
    response["RateLimit-Limit"] = str(limit)
    response["RateLimit-Remaining"] = str(remaining)
    response["RateLimit-Reset"] = str(reset)
    response["RateLimit-Policy"] = f"{limit};w={window}"


class RateLimitHeaders:
    """A DRF throttle that also records its window on the request (the tightest one wins), for
    the ``RateLimit-*`` headers."""

    def allow_request(self, request, view) -> bool:
        allowed = super().allow_request(request, view)
        history = getattr(self, "history", None)
        if getattr(self, "key", None) is None or history is None or self.rate is None:
            return allowed
        remaining = max(self.num_requests - len(history), 0)
        oldest = history[-1] if history else self.now
        reset = max(int(round(oldest + self.duration - self.now)), 0)
        raw = request._request
        current = getattr(raw, "_rate_limit", None)
        if current is None or remaining < current[1]:
            raw._rate_limit = (self.num_requests, remaining, reset, self.duration)
        return allowed


class AnonRateThrottle(RateLimitHeaders, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RateLimitHeaders, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(RateLimitHeaders, throttling.ScopedRateThrottle):
    pass


# --- filters every list takes ---


class UpdatedAfterFilter(BaseFilterBackend):
    """``?updated_after=<ISO 8601 time>`` on every list whose rows have ``updated_at``: the rows
    changed at or after that time (every change moves ``updated_at``: ``rehab.db.MovesUpdatedAt``).
    The one home of this filter: no view declares its own."""

    param = "updated_after"

    def applies(self, view) -> bool:
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            serializer = getattr(view, "serializer_class", None)
            model = getattr(getattr(serializer, "Meta", None), "model", None)
        return model is not None and any(f.name == "updated_at" for f in model._meta.fields)

    def query_parameters(self, view) -> set[str]:
        return {self.param} if self.applies(view) else set()

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if raw is None or getattr(view, "action", "list") != "list" or not self.applies(view):
            return queryset
        from rehab.api.filters import IsoDateTimeField  # the API package imports DRF's views

        try:
            value = IsoDateTimeField().clean(raw)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({self.param: exc.messages}) from None
        return queryset if value is None else queryset.filter(updated_at__gte=value)

    def get_schema_operation_parameters(self, view):
        if not self.applies(view):
            return []
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Only the rows changed at or after this time (ISO 8601).",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


# --- query parameters ----------------------------------------------------------------------


def known_query_parameters(view) -> set[str]:
    """The query parameters a view reads: its filters and ordering, paging on a list, DRF's
    ``format``, and what the view declares in ``query_parameters``."""
    known = {api_settings.URL_FORMAT_OVERRIDE or "format"}
    known |= set(getattr(view, "query_parameters", ()))
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        for name, declared in filterset.base_filters.items():
            # a range filter reads its widget's suffixes (date_after, date_before), not its name
            suffixes = getattr(declared.field.widget, "suffixes", None)
            known |= {f"{name}_{s}" if s else name for s in suffixes} if suffixes else {name}
    known |= set(getattr(view, "filterset_fields", None) or ())
    if getattr(view, "ordering_fields", None) or getattr(view, "ordering", None):
        known.add(api_settings.ORDERING_PARAM)
    if getattr(view, "search_fields", None):
        known.add(api_settings.SEARCH_PARAM)
    for backend in getattr(view, "filter_backends", ()):
        if hasattr(backend, "query_parameters"):
            known |= backend().query_parameters(view)
    paginator = getattr(view, "paginator", None) if getattr(view, "action", "list") else None
    if paginator is not None:
        for name in ("limit_query_param", "offset_query_param", "page_query_param"):
            param = getattr(paginator, name, None)
            if param:
                known.add(param)
        if getattr(paginator, "cursor_query_param", None):
            known.add(paginator.cursor_query_param)
    return {name for name in known if name}


class KnownQueryParameters(permissions.BasePermission):
    """A query parameter the view does not read is a 400 naming it (after authentication: an
    anonymous caller still gets its 401)."""

    def has_permission(self, request, view) -> bool:
        unknown = sorted(set(request.query_params) - known_query_parameters(view))
        if unknown:
            known = ", ".join(sorted(known_query_parameters(view)))
            raise exceptions.ValidationError(
                {
                    name: [f"Unknown query parameter. This endpoint takes: {known}."]
                    for name in unknown
                }
            )
        return True
