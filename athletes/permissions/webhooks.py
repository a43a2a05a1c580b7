"""Webhooks: who manages an endpoint, which cases' events it is told of, and what a payload may
carry.

An integration account manages its own endpoints; a clinic's administrators manage the clinic's
(for its own systems). Anyone else reaches none (a 404 for a detail). An endpoint is told of a
case's events only when its owner may see the case (an integration account: a role on it, or a
team grant; a clinic: a case of its athletes), and every payload is the summary view of the
classification (``WEBHOOK_READS``): a flag's kind, status and coach message, never its clinical
title or text; a case's status and dates, never its diagnosis, site, imaging or risk factors.
A receiver that may read more asks the API for it, with its own credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.classification import SUMMARY_READS, FieldClass
from athletes.permissions.clinic import can_administer_clinic
from athletes.permissions.roles import can_view_case

if TYPE_CHECKING:
    from athletes.models import Case, User

WEBHOOK_READS: frozenset[FieldClass] = SUMMARY_READS
"""The classes a webhook payload may carry, whoever owns the endpoint."""


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_manage_webhooks(user: User | None) -> bool:
    """Register and list endpoints: integration accounts (their own) and clinic administrators
    (the clinic's)."""
    return owns_webhooks_itself(user) or can_manage_clinic_webhooks(user)


def can_manage_clinic_webhooks(user: User | None) -> bool:
    """The clinic's endpoints (its page and the API): its administrators, never an integration
    account (which has its own)."""
    return _active(user) and user.kind != "integration" and can_administer_clinic(user)


def owns_webhooks_itself(user: User | None) -> bool:
    """An integration account: the endpoints it makes are its own, not the clinic's."""
    return _active(user) and user.kind == "integration"


def can_manage_endpoint(user: User | None, *, owner_id: int | None, clinic_id: int | None) -> bool:
    """Read, change, test or delete this endpoint, and read its deliveries."""
    if not can_manage_webhooks(user):
        return False
    if owner_id is not None:
        return owner_id == user.pk
    return (
        clinic_id is not None and user.clinic_id == clinic_id and can_manage_clinic_webhooks(user)
    )


def webhook_may_receive(owner: User | None, clinic_id: int | None, case: Case) -> bool:
    """May the endpoint's owner be told of this case's events? ``case`` for an integration
    owner comes from ``athletes.api_scopes.api_cases`` (its role annotated, team grants too)."""
    if owner is not None:
        return _active(owner) and can_view_case(owner, case)
    return clinic_id is not None and case.athlete.clinic_id == clinic_id
