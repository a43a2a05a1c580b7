"""Reads of athletes and cases, scoped to what the viewer may see."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.http import Http404

from athletes import permissions
from athletes.models import AccessRecord, CareTeamMember, Case, User


def cases_for_user(user: User) -> QuerySet[Case]:
    """The cases on whose care team the user is, with ``viewer_role`` annotated.

    The annotation lets ``permissions.role_on`` answer without a query per case.
    """
    if not user.is_authenticated:
        return Case.objects.none()
    # Memberships whose role the athlete withdrew consent for give nothing (permissions).
    mine = permissions.members_with_consent(CareTeamMember.objects.filter(user=user))
    role = mine.filter(case=OuterRef("pk")).values("role")[:1]
    return (
        Case.objects.filter(pk__in=mine.values("case_id"))
        .annotate(viewer_role=Subquery(role), viewer_id=Value(user.pk))
        .select_related("athlete", "athlete__team")
    )


def case_for_user(user: User, case_id: int) -> Case:
    """One case the user is on, or 404 — the same answer as for a case that does not exist."""
    try:
        return cases_for_user(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None


def clinic_case_for_user(user: User, case_id: int) -> Case:
    """One case whose clinic pages the user may open
    (``athletes.permissions.can_open_clinic_case_page``), or 404 — the
    same answer as for a case that does not exist or that the user is not on."""
    case = case_for_user(user, case_id)
    if not permissions.can_open_clinic_case_page(user, case):
        raise Http404("No such case.")
    return case


ACCESS_SHOWN = 100
"""How many of the latest access records a page lists."""


def access_records(*, case: Case | None = None, athlete_id: int | None = None) -> list:
    """The latest reads of a case's (or of all an athlete's cases') clinical data, newest first:
    one query."""

    rows = AccessRecord.objects.select_related("case")
    if case is not None:
        rows = rows.filter(case=case)
    else:
        rows = rows.filter(athlete_id=athlete_id)
    labels = dict(CareTeamMember.Role.choices)
    shown = list(rows[:ACCESS_SHOWN])
    for row in shown:
        row.role_label = str(labels.get(row.role, row.role))
    return shown
