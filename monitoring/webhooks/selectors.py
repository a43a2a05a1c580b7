"""Whose webhook endpoints: the caller's own (an integration account) or their clinic's (its
administrators); deliveries of one endpoint, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from athletes import permissions
from athletes.models import User
from monitoring.models import WebhookDelivery, WebhookEndpoint


def endpoints_for(user: User) -> QuerySet[WebhookEndpoint]:
    if not permissions.can_manage_webhooks(user):
        return WebhookEndpoint.objects.none()
    if permissions.owns_webhooks_itself(user):
        return WebhookEndpoint.objects.filter(owner=user)
    return WebhookEndpoint.objects.filter(clinic_id=user.clinic_id, owner__isnull=True)


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")


def subscribed(event: str) -> list[WebhookEndpoint]:
    """The active endpoints that asked for ``event`` (few rows: filtered here, so that the
    query works on every database Django supports)."""
    active = WebhookEndpoint.objects.filter(is_active=True).select_related("owner")
    return [e for e in active if event in e.events]
