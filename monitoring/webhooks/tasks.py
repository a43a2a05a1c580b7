"""Celery tasks of webhooks, thin and taking ids (registered as ``monitoring.tasks.*``).

``deliver_webhook``: one attempt of a delivery (``services.delivery_attempt``); a failed one
sets the delivery's next attempt time, and ``retry_webhooks`` (every minute, rehab/celery.py)
queues the deliveries that are due. Retries are rows with a time, not countdown messages: a
broker's visibility timeout (one hour) would deliver a long countdown twice, and a lost message
loses nothing.
"""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError

from monitoring.models import WebhookEndpoint
from monitoring.webhooks import services
from monitoring.webhooks.events import webhook_event
from protocols.models import PhaseTransition
from rehab.queue import enqueue

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="monitoring.tasks.deliver_webhook", **RETRY)
def deliver_webhook(delivery_id: int) -> str | None:
    """One attempt; the delivery's status after it (None: nothing was attempted)."""
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return None if delivery is None else delivery.status


@shared_task(name="monitoring.tasks.webhook_transition", **RETRY)
def webhook_transition(transition_id: int) -> int:
    """The ``plan.transitioned`` event of a phase change (queued by the protocols app, which
    does not import monitoring); how many deliveries it made."""
    transitions = PhaseTransition.objects.select_related("plan", "from_phase", "to_phase").filter(
        pk=transition_id
    )
    return len(webhook_event("plan.transitioned", transitions))


@shared_task(name="monitoring.tasks.retry_webhooks", **RETRY)
def retry_webhooks() -> int:
    """Queue every delivery whose next attempt is due; how many."""
    ids = services.due_deliveries_claim()
    for pk in ids:
        enqueue("monitoring.tasks.deliver_webhook", pk)
    return len(ids)


@shared_task(name="monitoring.tasks.send_webhook_disabled_email", **RETRY)
def send_webhook_disabled_email(endpoint_id: int) -> int:
    """Tell the endpoint's owner it was disabled, why, and how to turn it on again."""
    endpoint = WebhookEndpoint.objects.select_related("owner").filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.is_active:
        return 0
    recipients = services.disabled_notice_recipients(endpoint)
    if not recipients:
        return 0
    body = (
        f"The webhook endpoint {endpoint.url} was disabled: {endpoint.disabled_reason}\n\n"
        "No more events are sent to it. Its deliveries and their status codes are at "
        f"/api/v1/webhooks/{endpoint.pk}/deliveries/. When the receiver answers again, turn the "
        f'endpoint on with PATCH /api/v1/webhooks/{endpoint.pk}/ {{"is_active": true}}.'
    )
    return send_mail("A webhook endpoint was disabled", body, None, recipients)
