"""What the consent page, the case page's privacy panel and the erasure page show.

Reads only; the writes are ``athletes.services.consent_set``, ``athlete_export`` and
``athlete_erase``. Every function here reads in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from athletes.models import Athlete, CareTeamMember, Case, SharingConsent
from monitoring.audit import ROLE_PLURALS

Role = CareTeamMember.Role

ROLE_SEES: dict[str, str] = {
    Role.CLINICIAN: (
        "Everything about your injury: pain diary, symptoms, assessments, imaging, your plan "
        "and the decisions about it."
    ),
    Role.PHYSIO: (
        "Everything about your injury: pain diary, symptoms, assessments, imaging, your plan "
        "and the decisions about it."
    ),
    Role.COACH: (
        "Your phase, what you may train, a green / amber / red status, your training load and "
        "expected return. Never your pain ratings, diagnosis details or notes."
    ),
    Role.NUTRITIONIST: (
        "A summary of your case (phase and injury site) and the nutrition and bone-health "
        "reviews they record."
    ),
    Role.PSYCHOLOGIST: (
        "A summary of your case (phase and injury site) and the readiness questionnaires they "
        "record."
    ),
}
ROLE_ORDER = (Role.CLINICIAN, Role.PHYSIO, Role.COACH, Role.NUTRITIONIST, Role.PSYCHOLOGIST)


@dataclass
class ConsentRow:
    role: str
    group: str  # "coaches"
    sees: str
    given: bool
    recorded: bool  # False: never answered (counts as given)
    changed_at: dt.datetime | None = None
    changed_by: str = ""
    members: list[str] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


@dataclass
class SharingPage:
    athlete: Athlete
    rows: list[ConsentRow]
    leads: list[str]

    @property
    def withdrawn(self) -> list[ConsentRow]:
        return [r for r in self.rows if not r.given]


def sharing(athlete: Athlete, *, cases: list[Case] | None = None) -> SharingPage:
    """The athlete's answer for each role, who holds the role on their cases, and their lead
    clinicians (who always see the record). Two queries."""
    consents = {
        c.role: c
        for c in SharingConsent.objects.filter(athlete=athlete).select_related("changed_by")
    }
    members = (
        CareTeamMember.objects.filter(case__athlete=athlete)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    if cases is not None:
        members = members.filter(case__in=cases)
    holders: dict[str, list[str]] = {}
    for m in members:
        names = holders.setdefault(m.role, [])
        if str(m.user) not in names:
            names.append(str(m.user))
    rows = []
    for role in ROLE_ORDER:
        consent = consents.get(role)
        rows.append(
            ConsentRow(
                role=role,
                group=ROLE_PLURALS[role],
                sees=ROLE_SEES[role],
                given=consent.given if consent else True,
                recorded=consent is not None,
                changed_at=consent.changed_at if consent else None,
                changed_by=str(consent.changed_by) if consent and consent.changed_by else "",
                members=holders.get(role, []),
            )
        )
    return SharingPage(athlete=athlete, rows=rows, leads=holders.get(Role.LEAD_CLINICIAN, []))
