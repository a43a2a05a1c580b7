"""Webhook endpoints' management (create, change, rotate the secret, delete, send a test event)
and the delivery of one attempt: sign, post, log, schedule the next try or give up, and disable
an endpoint that keeps failing, telling its owner.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import random
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from athletes import permissions
from athletes.models import User
from monitoring.models import WebhookDelivery, WebhookEndpoint
from monitoring.webhooks import events, payloads, policy
from monitoring.webhooks.addresses import check_url
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

SECRET_BYTES = 24
DISABLED_NOTICE = "monitoring.tasks.send_webhook_disabled_email"
SWEEP_LEASE = dt.timedelta(minutes=10)  # a claimed retry is not claimed again meanwhile


def new_secret() -> str:
    """A ``whsec_`` secret as ``standardwebhooks.Webhook`` reads it (base64 of random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _clean_events(values: Sequence[str]) -> list[str]:
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in policy.EVENTS]
    if unknown:
        raise ApplicationError(
            "Unknown event.",
            {"events": f"Unknown: {', '.join(unknown)}. Known: {', '.join(policy.EVENTS)}."},
        )
    if not values:
        raise ApplicationError("Choose at least one event.", {"events": "Choose at least one."})
    return values


def endpoint_create(
    *, by: User, url: str, events: Sequence[str], description: str = ""
) -> WebhookEndpoint:
    """An endpoint of the integration account ``by``, or of ``by``'s clinic (an administrator).
    The answer's ``secret`` is the one time it is shown."""
    if not permissions.can_manage_webhooks(by):
        raise ApplicationError("Only integration accounts and clinic administrators do this.")
    check_url(url)
    owner = by if permissions.owns_webhooks_itself(by) else None
    return WebhookEndpoint.objects.create(
        owner=owner,
        clinic_id=None if owner else by.clinic_id,
        url=url,
        events=_clean_events(events),
        description=description.strip(),
        secret=new_secret(),
        created_by=by,
    )


def _require(by: User, endpoint: WebhookEndpoint) -> None:
    if not permissions.can_manage_endpoint(
        by, owner_id=endpoint.owner_id, clinic_id=endpoint.clinic_id
    ):
        raise ApplicationError("You may not manage this endpoint.")


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by: User,
    url: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what was given; turning a disabled endpoint on again clears its failures."""
    _require(by, endpoint)
    if url is not None:
        check_url(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = description.strip()
    if is_active and not endpoint.is_active:
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
    if is_active is not None:
        endpoint.is_active = is_active
    endpoint.save()
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by: User) -> WebhookEndpoint:
    """A new secret at once (shown this once); the old one signs nothing more."""
    _require(by, endpoint)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    _require(by, endpoint)
    endpoint.delete()


def endpoint_send_test(*, endpoint: WebhookEndpoint, by: User) -> WebhookDelivery:
    """Queue a ``webhook.test`` event to the endpoint (also when it subscribes to nothing of
    it), sent after the commit like any other."""
    _require(by, endpoint)
    if not endpoint.is_active:
        raise ApplicationError(
            "This endpoint is disabled: turn it on first.", {"is_active": "Disabled."}
        )
    now = timezone.now()
    data = {"endpoint": endpoint.pk, "message": "A test event from rehab."}
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        msg_id=events.new_msg_id(),
        event=policy.TEST_EVENT,
        body=payloads.body(policy.TEST_EVENT, data, now=now),
        next_attempt_at=now + events.FIRST_ATTEMPT_LEASE,
    )
    events.queue_after_commit([delivery.pk])
    return delivery


# --- one attempt ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    response_ms: int
    error: str


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: dt.datetime) -> Outcome:
    """Sign (``standardwebhooks``) and post the body; never follows a redirect."""
    signature = Webhook(endpoint.secret).sign(
        msg_id=delivery.msg_id, timestamp=now, data=delivery.body
    )
    headers = {
        "webhook-id": delivery.msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": "rehab-webhooks/1",
    }
    start = time.monotonic()
    try:
        check_url(endpoint.url)
        response = requests.post(
            endpoint.url,
            data=delivery.body.encode(),
            headers=headers,
            timeout=settings.REHAB_WEBHOOKS_TIMEOUT,
            allow_redirects=False,
        )
        response.close()
        code, error = response.status_code, ""
    except ApplicationError as exc:
        code, error = None, exc.message
    except requests.RequestException as exc:
        code, error = None, type(exc).__name__
    elapsed = round((time.monotonic() - start) * 1000)
    if code is not None and not policy.is_success(code):
        error = f"HTTP {code}"
    return Outcome(code, elapsed, error[:200])


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """Make the next attempt of a pending delivery; None when another worker has it or there is
    nothing to do. Safe to run twice: the attempt is claimed by its number first."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery.attempts += 1
    endpoint = delivery.endpoint
    now = now or timezone.now()
    if not endpoint.is_active:
        outcome = Outcome(None, 0, "The endpoint is disabled.")
    else:
        outcome = _post(endpoint, delivery, now)
    delivery.status_code, delivery.response_ms = outcome.status_code, outcome.response_ms
    delivery.error = outcome.error
    delivery.attempt_log = [
        *delivery.attempt_log,
        {
            "at": now.isoformat(),
            "status_code": outcome.status_code,
            "response_ms": outcome.response_ms,
            "error": outcome.error,
        },
    ]
    if policy.is_success(outcome.status_code):
        _succeeded(delivery, now)
    else:
        _failed(delivery, now, retry=endpoint.is_active and policy.should_retry(delivery.attempts))
    return delivery


def _succeeded(delivery: WebhookDelivery, now: dt.datetime) -> None:
    delivery.status, delivery.delivered_at, delivery.next_attempt_at = "succeeded", now, None
    delivery.save()
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
        consecutive_failures=0, failing_since=None
    )


def _failed(delivery: WebhookDelivery, now: dt.datetime, *, retry: bool) -> None:
    if retry:
        wait = policy.backoff_seconds(delivery.attempts, rand=random.random())  # noqa: S311
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
    else:
        delivery.status, delivery.next_attempt_at = "failed", None
    delivery.save()
    endpoint = delivery.endpoint
    changes = {"failing_since": Coalesce(F("failing_since"), now)}
    if not retry:
        changes["consecutive_failures"] = F("consecutive_failures") + 1
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**changes)
    endpoint.refresh_from_db(fields=["consecutive_failures", "failing_since", "is_active"])
    reason = policy.disable_reason(
        consecutive_failures=endpoint.consecutive_failures,
        failing_since=endpoint.failing_since,
        now=now,
        max_failures=settings.REHAB_WEBHOOKS_DISABLE_AFTER,
        max_hours=settings.REHAB_WEBHOOKS_DISABLE_HOURS,
    )
    if reason and endpoint.is_active:
        endpoint_disable(endpoint=endpoint, reason=reason, now=now)


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str, now: dt.datetime) -> bool:
    """Turn a failing endpoint off (once), give up its pending deliveries and e-mail its owner
    after the commit. False when it was off already."""
    turned_off = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:200]
    )
    if not turned_off:
        return False
    WebhookDelivery.objects.filter(endpoint=endpoint, status="pending").update(
        status="failed", next_attempt_at=None, error="The endpoint was disabled."
    )
    pk = endpoint.pk

    def tell() -> None:
        try:
            enqueue(DISABLED_NOTICE, pk)
        except Exception:  # broker down: the endpoint's page and API say it is disabled
            logger.exception("Could not queue the notice of disabled webhook endpoint %s", pk)

    transaction.on_commit(tell)
    return True


def disabled_notice_recipients(endpoint: WebhookEndpoint) -> list[str]:
    """Whom to tell: the integration account, or the clinic's administrators."""
    if endpoint.owner_id is not None:
        people = [endpoint.owner]
    else:
        people = User.objects.filter(clinic_id=endpoint.clinic_id, is_active=True).filter(
            Q(is_clinic_admin=True) | Q(is_superuser=True)
        )
    return [
        p.email
        for p in people
        if p.email
        and permissions.can_manage_endpoint(
            p, owner_id=endpoint.owner_id, clinic_id=endpoint.clinic_id
        )
    ]


def due_deliveries_claim(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt is due, claimed for ``SWEEP_LEASE`` (so that two
    sweeps do not both queue one)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status="pending", next_attempt_at__lte=now, endpoint__is_active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    claimed = []
    for pk, at in due:
        if WebhookDelivery.objects.filter(pk=pk, next_attempt_at=at).update(
            next_attempt_at=now + SWEEP_LEASE
        ):
            claimed.append(pk)
    return claimed
