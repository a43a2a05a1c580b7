"""Celery tasks of the athletes app."""

from __future__ import annotations

from celery import shared_task

from athletes.services.access import prune_access_records as _prune
from athletes.services.integrations import expired_tokens_forget


@shared_task(name="athletes.tasks.prune_access_records")
def prune_access_records() -> int:
    """Nightly: forget access records older than the retention (REHAB_ACCESS_LOG_DAYS)."""
    return _prune()


@shared_task(name="athletes.tasks.forget_expired_tokens")
def forget_expired_tokens() -> None:
    """Nightly: delete expired OAuth2 access tokens (django-oauth-toolkit's cleartokens)."""
    expired_tokens_forget()
