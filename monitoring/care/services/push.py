"""Web Push: a phone's subscription (kept per browser endpoint) and the pushes sent to a person
(``push_queue``: queued after commit, sent by ``monitoring.tasks.send_push`` with pywebpush,
signed with the clinic's VAPID key). E-mail stays the fallback: a person with no subscription,
or a server without VAPID keys, is e-mailed as before (``push_ready``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.models import User
from monitoring.models import PushSubscription
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

TTL_SECONDS = 24 * 3600  # a push not delivered within a day is dropped by the push service
GONE = {404, 410}  # the subscription expired or was withdrawn: forget it


def push_enabled() -> bool:
    """Does this server have a VAPID key pair to sign pushes with?"""
    return bool(settings.REHAB_VAPID_PUBLIC_KEY and settings.REHAB_VAPID_PRIVATE_KEY)


def push_ready(user: User) -> bool:
    """Will a push reach at least one of the person's browsers?"""
    return push_enabled() and PushSubscription.objects.filter(user=user).exists()


def push_subscribe(*, user: User, subscription: Any) -> PushSubscription:
    """Keep a browser's subscription (the JSON of ``PushSubscription.toJSON()``) for the user.
    The same endpoint again updates its keys (and moves it to this user: one browser, one
    person)."""
    if not push_enabled():
        raise ApplicationError("Notifications are not set up on this server.")
    if not isinstance(subscription, Mapping):
        raise ApplicationError("Invalid subscription.", {"subscription": "Send an object."})
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys")
    errors: dict[str, str] = {}
    if not isinstance(endpoint, str) or not _is_endpoint(endpoint):
        errors["endpoint"] = "An https address of a push service."
    if not isinstance(keys, Mapping) or not all(
        isinstance(keys.get(k), str) and 0 < len(keys[k]) <= 200 for k in ("p256dh", "auth")
    ):
        errors["keys"] = "The browser's p256dh and auth keys."
    if errors:
        raise ApplicationError("Invalid subscription.", errors)
    values = {"user": user, "p256dh": keys["p256dh"], "auth": keys["auth"]}
    try:
        with transaction.atomic():
            found, _ = PushSubscription.objects.update_or_create(endpoint=endpoint, defaults=values)
    except IntegrityError:  # the same browser subscribing twice at once: the other one won
        found = PushSubscription.objects.get(endpoint=endpoint)
    return found


def push_unsubscribe(*, user: User, endpoint: str) -> int:
    """Forget one of the user's browsers (by its endpoint; none without one)."""
    if not endpoint:
        return 0
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0]


def _is_endpoint(url: str) -> bool:
    parts = urlsplit(url)
    allowed = {"https"} | ({"http"} if settings.REHAB_PUSH_ALLOW_HTTP else set())
    return parts.scheme in allowed and bool(parts.netloc) and len(url) <= 1000


def push_queue(*, user: User, title: str, body: str, url: str, tag: str = "") -> bool:
    """Queue a push to every browser of the user, after the current transaction commits.
    False (nothing queued) when push is not set up or the user has no browser subscribed:
    the caller's e-mail is the fallback."""
    if not push_ready(user):
        return False
    payload = {"title": title[:120], "body": body[:300], "url": url, "tag": tag}

    def send() -> None:
        try:
            enqueue("monitoring.tasks.send_push", user.pk, payload)
        except Exception:  # broker down: the in-app state stands
            logger.exception("Could not queue a push to user %s", user.pk)

    transaction.on_commit(send)
    return True


def vapid_key():
    """The clinic's VAPID signing key, from ``REHAB_VAPID_PRIVATE_KEY``: a PEM, or the raw
    key as base64url DER (what ``vapid --gen`` and ``manage.py vapid_keys`` print)."""
    from py_vapid import Vapid

    key = settings.REHAB_VAPID_PRIVATE_KEY.strip()
    if "-----BEGIN" in key:
        return Vapid.from_pem(key.encode())
    return Vapid.from_string(private_key=key)


def push_send(user_id: int, payload: Mapping[str, Any]) -> int:
    """Send the payload to each of the user's browsers; forget the ones the push service says
    are gone. Returns how many accepted it. Other failures raise (the task retries)."""
    from pywebpush import WebPushException, webpush

    sent, failed = 0, None
    data = json.dumps(dict(payload))
    vapid = vapid_key()
    for sub in PushSubscription.objects.filter(user_id=user_id):
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        try:
            webpush(
                subscription_info=info,
                data=data,
                vapid_private_key=vapid,
                vapid_claims={"sub": settings.REHAB_VAPID_SUBJECT},
                ttl=TTL_SECONDS,
                timeout=10,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in GONE:
                sub.delete()
                continue
            logger.warning("Push to subscription %s failed: %s", sub.pk, exc)
            failed = exc
            continue
        PushSubscription.objects.filter(pk=sub.pk).update(last_sent_at=timezone.now())
        sent += 1
    if failed is not None and not sent:
        raise failed
    return sent
