"""When a webhook delivery is tried again and when an endpoint is given up on: pure rules, no
Django, no clock (the caller passes ``now``), tested without a database.

The schedule follows the Standard Webhooks recommendation of exponential back-off with jitter:
about 30 s, 2 min, 8 min, 32 min, 2 h, then 6 h apart (eight attempts in about 15 hours).
"""

from __future__ import annotations

import datetime as dt

EVENTS: tuple[str, ...] = (
    "flag.opened",
    "flag.resolved",
    "plan.transitioned",
    "case.discharged",
    "session.created",
)
"""The events an endpoint may subscribe to."""
TEST_EVENT = "webhook.test"
"""Sent only by "send a test event"; no endpoint subscribes to it."""

MAX_ATTEMPTS = 8
BASE_SECONDS = 30
CAP_SECONDS = 6 * 3600
JITTER = 0.2  # ± 20 %: endpoints that failed together are not all retried in the same second


def backoff_seconds(failed_attempts: int, *, rand: float = 0.5) -> int:
    """Seconds to wait after ``failed_attempts`` (1, 2, …) failed attempts of one delivery:
    30 s × 4^(n-1), at most 6 h, spread by ``rand`` (0 ≤ rand < 1; 0.5 is the middle)."""
    if failed_attempts < 1:
        raise ValueError("at least one attempt failed before a retry")
    base = min(BASE_SECONDS * 4 ** (failed_attempts - 1), CAP_SECONDS)
    return max(1, round(base * (1 - JITTER + 2 * JITTER * rand)))


def should_retry(attempts: int) -> bool:
    return attempts < MAX_ATTEMPTS


def disable_reason(
    *,
    consecutive_failures: int,
    failing_since: dt.datetime | None,
    now: dt.datetime,
    max_failures: int,
    max_hours: int,
) -> str | None:
    """Why the endpoint must be disabled now, or None: ``max_failures`` deliveries in a row
    given up on, or every attempt failing for ``max_hours`` since the last success."""
    if consecutive_failures >= max_failures:
        return f"{consecutive_failures} deliveries in a row failed."
    if failing_since is not None and now - failing_since >= dt.timedelta(hours=max_hours):
        return f"Every delivery failed for {max_hours} hours."
    return None


def is_success(status_code: int | None) -> bool:
    """A 2xx answer; a redirect is not followed and counts as a failure."""
    return status_code is not None and 200 <= status_code < 300
