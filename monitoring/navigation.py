"""What the clinic's layout (templates/clinic/base.html) shows in its navigation, for every page
that extends it: the clinic, care, privacy and what-if pages."""

from __future__ import annotations

from typing import Any

from athletes import permissions
from athletes.models import User
from monitoring.models import Flag


def red_flag_count(user: User) -> int:
    """Open (not yet acknowledged) red flags on the cases where the user has a clinical role."""
    if not user.is_authenticated:
        return 0
    return Flag.objects.filter(
        status=Flag.Status.OPEN,
        kind=Flag.Kind.RED_FLAG,
        case__in=permissions.members_with_consent()
        .filter(user=user, role__in=permissions.CLINICAL_ROLES)
        .values("case_id"),
    ).count()


def clinic_nav_context(user: User) -> dict[str, Any]:
    """The navigation's context (one query)."""
    return {"clinic_nav": {"red_count": red_flag_count(user)}}
