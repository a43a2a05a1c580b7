"""Recording who looked at an athlete's clinical data (``athletes.models.AccessRecord``).

A page, an API answer or an export that shows a case's clinical data calls ``record_access``
once it knows the case and the reader may see it. A page that shows clinical data only to the
clinical roles records their visits only (a coach on the timeline reads no clinical data); a
record that is clinical for whoever gets it (a note, an assessment, read by its own readers)
says ``always=True``. The athlete reading their own record is not recorded (it is theirs).
A request records at most one row, whatever it calls: the cost is one INSERT per request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from athletes.models import AccessRecord, Case, User
from athletes.permissions import can_view_clinical, is_own_case, role_on

What = AccessRecord.What


def record_access(request, case: Case, what: str, *, always: bool = False) -> AccessRecord | None:
    """Record that the request's user read the case's clinical data (once per request)."""
    user: User = request.user
    if getattr(request, "_access_recorded", False) or not user.is_authenticated:
        return None
    if is_own_case(user, case) or not (always or can_view_clinical(user, case)):
        return None
    request._access_recorded = True
    return AccessRecord.objects.create(
        athlete_id=case.athlete_id,
        case=case,
        user=user,
        who=(user.get_full_name() or user.username)[:160],
        role=role_on(user, case) or "",
        what=what,
        path=request.get_full_path()[:300],
        ip=_ip(request),
    )


def _ip(request) -> str | None:
    """The client's address as the server saw it (REMOTE_ADDR; a trusted proxy sets it)."""
    address = request.META.get("REMOTE_ADDR") or None
    return address if address and len(address) <= 45 else None


def prune_access_records(*, now: dt.datetime | None = None) -> int:
    """Delete access records older than ``settings.REHAB_ACCESS_LOG_DAYS`` days."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REHAB_ACCESS_LOG_DAYS)
    deleted, _ = AccessRecord.objects.filter(at__lt=cutoff).delete()
    return deleted
