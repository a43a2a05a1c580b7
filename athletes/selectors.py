"""Reads of athletes and cases, scoped to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone

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
"""How many entries (a person's looks at one thing on one day) a page lists."""

ACCESS_READ = 2000
"""How many of the latest access records are read to make those entries (one query)."""

ATHLETE_WORDS = {
    AccessRecord.What.CASE_PAGE: "your case page",
    AccessRecord.What.TIMELINE: "your notes and timeline",
    AccessRecord.What.RECORD: "the history of changes to your record",
    AccessRecord.What.PRIVACY: "your sharing settings",
    AccessRecord.What.PLAN: "your plan, to change it",
    AccessRecord.What.REPLAY: "your plan, to try a change on your past logs",
    AccessRecord.What.API: "your clinical data, from a connected system",
    AccessRecord.What.FHIR: "your record, in the format other clinics' systems read",
    AccessRecord.What.EXPORT: "a download of all your data",
    AccessRecord.What.NOTES_CSV: "a download of your notes",
    AccessRecord.What.PRINT: "your plan summary or clearance letter, to print it",
}
"""What each kind of look means, in the athlete's words (the staff read the labels)."""


@dataclass(frozen=True)
class AccessEntry:
    """One person's looks at one thing of a case on one day: how many, first and last."""

    who: str
    role: str
    role_label: str
    what: str
    what_label: str
    athlete_words: str
    case: Case | None
    first: dt.datetime
    last: dt.datetime
    count: int
    addresses: tuple[str, ...]


def access_records(*, case: Case | None = None, athlete_id: int | None = None) -> list[AccessEntry]:
    """Who looked at a case's (or at all an athlete's cases') clinical data, newest first: each
    person's looks at one thing on one day make one entry (a busy day is one line). One query."""
    rows = AccessRecord.objects.select_related("case")
    rows = rows.filter(case=case) if case is not None else rows.filter(athlete_id=athlete_id)
    labels = dict(CareTeamMember.Role.choices)
    entries: dict[tuple, dict] = {}
    for row in rows[:ACCESS_READ]:
        day = timezone.localtime(row.at).date()
        key = (row.user_id or row.who, row.role, row.what, row.case_id, day)
        found = entries.get(key)
        if found is None:
            if len(entries) == ACCESS_SHOWN:
                break
            entries[key] = found = {"row": row, "first": row.at, "count": 0, "ips": []}
        found["first"] = row.at  # newest first: the last one seen is the earliest
        found["count"] += 1
        if row.ip and row.ip not in found["ips"]:
            found["ips"].append(row.ip)
    return [
        AccessEntry(
            who=e["row"].who,
            role=e["row"].role,
            role_label=str(labels.get(e["row"].role, e["row"].role)),
            what=e["row"].what,
            what_label=e["row"].get_what_display(),
            athlete_words=ATHLETE_WORDS.get(e["row"].what, e["row"].get_what_display()),
            case=e["row"].case,
            first=e["first"],
            last=e["row"].at,
            count=e["count"],
            addresses=tuple(e["ips"]),
        )
        for e in entries.values()
    ]
