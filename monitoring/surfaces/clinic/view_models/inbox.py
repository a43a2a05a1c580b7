"""The red-flag inbox: the unresolved red flags and regressions of the viewer's cases."""

from __future__ import annotations

from django.db.models import Case as When_
from django.db.models import Exists, IntegerField, OuterRef
from django.db.models import When as WhenClause

from athletes import permissions
from athletes.models import User
from monitoring.models import Flag
from monitoring.surfaces.clinic.view_models.common import labelled

# --- red-flag inbox -----------------------------------------------------------------------------


def inbox_flags(user: User) -> list[Flag]:
    """Unresolved red flags, then regressions, oldest first, on the cases where the user has a
    clinical role. One query."""
    if not user.is_authenticated:
        return []
    mine = permissions.members_with_consent().filter(
        case=OuterRef("case_id"), user=user, role__in=permissions.CLINICAL_ROLES
    )
    return labelled(
        Flag.objects.filter(
            Exists(mine),
            status__in=Flag.UNRESOLVED,
            kind__in=[Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION],
        )
        .select_related("case__athlete", "phase", "acknowledged_by", "proposed_phase")
        .annotate(
            severity=When_(
                WhenClause(kind=Flag.Kind.RED_FLAG, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("severity", "raised_at", "pk")
    )
