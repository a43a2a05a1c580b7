"""The services' one call when something an endpoint may subscribe to happened.

``webhook_event("flag.opened", flags)`` finds the active endpoints subscribed to the event (one
query; nothing more when there are none), keeps for each the objects whose case its owner may
see (``athletes.permissions.webhook_may_receive``), writes one delivery per endpoint and object
with its body (the summary view, ``payloads``), and queues their sending after the commit: a
rolled-back change sends nothing, and a worker never reads before the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.api_scopes import api_cases
from athletes.models import Case
from monitoring.models import WebhookDelivery, WebhookEndpoint
from monitoring.webhooks import payloads, selectors
from monitoring.webhooks.policy import EVENTS
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

DELIVER = "monitoring.tasks.deliver_webhook"
# A new delivery is sent at once after the commit; should that message be lost (a broker down),
# the sweep (``retry_webhooks``) sends it when this has passed.
FIRST_ATTEMPT_LEASE = dt.timedelta(minutes=2)


def new_msg_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def _case_ids(event: str, obj) -> set[int]:
    """The cases an object is of (a session: its athlete's cases)."""
    if event == "session.created":
        return set(Case.objects.filter(athlete_id=obj.athlete_id).values_list("pk", flat=True))
    if event == "plan.transitioned":
        return {obj.plan.case_id}
    if event == "case.discharged":
        return {obj.pk}
    return {obj.case_id}


def _visible(endpoint: WebhookEndpoint, case_ids: set[int]) -> set[int]:
    """Of these cases, those the endpoint's owner may be told of (one query)."""
    if endpoint.owner_id is not None:
        cases = api_cases(endpoint.owner).filter(pk__in=case_ids)
    else:
        cases = Case.objects.filter(pk__in=case_ids).select_related("athlete")
    return {
        c.pk
        for c in cases
        if permissions.webhook_may_receive(endpoint.owner, endpoint.clinic_id, c)
    }


def webhook_event(event: str, objects: Iterable) -> list[WebhookDelivery]:
    """Queue ``event`` for each object to every endpoint that may be told of it."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    if isinstance(objects, list | tuple) and not objects:
        return []
    endpoints = selectors.subscribed(event)
    if not endpoints:
        return []  # one query, and a queryset passed in is never read
    objects = [o for o in objects if o is not None]
    if not objects:
        return []
    now = timezone.now()
    items = [(_case_ids(event, o), payloads.message(event, o)) for o in objects]
    everything = set().union(*(ids for ids, _ in items))
    deliveries = []
    for endpoint in endpoints:
        visible = _visible(endpoint, everything)
        deliveries += [
            WebhookDelivery(
                endpoint=endpoint,
                msg_id=new_msg_id(),
                event=event,
                body=payloads.body(event, msg.data, now=now),
                next_attempt_at=now + FIRST_ATTEMPT_LEASE,
            )
            for ids, msg in items
            if ids & visible
        ]
    WebhookDelivery.objects.bulk_create(deliveries)
    queue_after_commit([d.pk for d in deliveries])
    return deliveries


def queue_after_commit(delivery_ids: Sequence[int]) -> None:
    if not delivery_ids:
        return
    ids = list(delivery_ids)

    def send() -> None:
        for pk in ids:
            try:
                enqueue(DELIVER, pk)
            except Exception:  # broker down: the sweep (retry_webhooks) sends it later
                logger.exception("Could not queue webhook delivery %s", pk)

    transaction.on_commit(send)
