"""Idempotency-Key: safe retries of writes that are not upserts."""

from __future__ import annotations

import functools
import hashlib
import json

from django.core.cache import cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from rehab.api.schema import ErrorSerializer
from rehab.errors import ApplicationError

IDEMPOTENCY_TTL = 60 * 60 * 24

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID) of yours, up to 255 characters. Repeating the "
    "request with the same key within 24 hours returns the first answer again (with "
    "`Idempotent-Replayed: true`) instead of doing it twice; the same key with a different "
    "body is a 409.",
)
IDEMPOTENCY_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The Idempotency-Key was used with another body, or its first request is "
    "still running.",
)


def idempotent(method):
    """Replay the first successful answer to a repeated request with the same Idempotency-Key.

    Keyed by account, method, path and key, kept 24 h in the cache (Redis); only successful
    answers are kept (a refused request changed nothing, so it may be corrected and resent).
    """

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return method(self, request, *args, **kwargs)
        if not key.strip() or len(key) > 255:
            raise ApplicationError(
                "Invalid Idempotency-Key.",
                {"Idempotency-Key": "Send 1 to 255 characters, e.g. a UUID."},
            )
        digest = hashlib.sha256(key.encode()).hexdigest()
        slot = f"api:idempotency:{request.user.pk}:{request.method}:{request.path}:{digest}"
        body = json.dumps(request.data, sort_keys=True, default=str)
        fingerprint = hashlib.sha256(body.encode()).hexdigest()
        stored = cache.get(slot)
        if stored is None and not cache.add(f"{slot}:lock", 1, timeout=60):
            raise Conflict(
                "A request with this Idempotency-Key is still running; retry in a second.", wait=1
            )
        if stored is not None:
            if stored["fingerprint"] != fingerprint:
                raise Conflict("This Idempotency-Key was used with a different request body.")
            return Response(
                stored["data"], status=stored["status"], headers={"Idempotent-Replayed": "true"}
            )
        try:
            response = method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                cache.set(
                    slot,
                    {
                        "fingerprint": fingerprint,
                        "status": response.status_code,
                        "data": response.data,
                    },
                    IDEMPOTENCY_TTL,
                )
            return response
        finally:
            cache.delete(f"{slot}:lock")

    return wrapper


class Conflict(APIException):
    """409. With ``wait`` (seconds), DRF's handler sends it as ``Retry-After``."""

    status_code = 409
    default_detail = "Conflict."
    default_code = "conflict"

    def __init__(self, detail=None, code=None, wait: int | None = None):
        super().__init__(detail, code)
        self.wait = wait
