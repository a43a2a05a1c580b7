"""Care-team communication: notes with an audience, scheduled reviews, goals per phase. Pages,
the API, the CSV export and the e-mails ask these; none decides by role itself.

A note is written for one audience. "clinical": the clinical roles only. "team": the whole care
team of people (clinical roles, coach, nutritionist, psychologist). "athlete": the team and the
athlete of the case. An integration account reads no note. A writer may address only an
audience they read themselves. The athlete writes only in the case's thread with them (the
"athlete" audience: ``can_write_message``), on their own active case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import (
    CLINICAL_ROLES,
    Role,
    can_record_assessment,
    can_view_clinical,
    is_own_case,
    role_on,
)

if TYPE_CHECKING:
    from athletes.models import Case, User

NOTE_AUDIENCES: tuple[str, ...] = ("clinical", "team", "athlete")
TEAM_ROLES = CLINICAL_ROLES | {Role.COACH, Role.NUTRITIONIST, Role.PSYCHOLOGIST}
"""The people of a care team besides the athlete (never an integration account)."""

NOTE_WRITERS = TEAM_ROLES
NOTE_READERS: dict[str, frozenset[str]] = {
    "clinical": CLINICAL_ROLES,
    "team": TEAM_ROLES,
    "athlete": TEAM_ROLES | {Role.ATHLETE},
}


def note_audiences_for(user: User | None, case: Case) -> frozenset[str]:
    """The audiences of the notes on the case that the user reads (empty when none)."""
    role = role_on(user, case)
    if role is None or (role == Role.ATHLETE and not is_own_case(user, case)):
        return frozenset()
    return frozenset(a for a, roles in NOTE_READERS.items() if role in roles)


def can_read_note(user: User | None, case: Case, audience: str) -> bool:
    return audience in note_audiences_for(user, case)


def can_write_note(user: User | None, case: Case, audience: str | None = None) -> bool:
    """Write a note on the case (for this audience, when given)."""
    if role_on(user, case) not in NOTE_WRITERS:
        return False
    return audience is None or can_read_note(user, case, audience)


def can_write_message(user: User | None, case: Case) -> bool:
    """Write in the case's thread with the athlete (a note for the "athlete" audience): the
    care team, and the athlete on their own active case."""
    role = role_on(user, case)
    if role in NOTE_WRITERS:
        return True
    return role == Role.ATHLETE and is_own_case(user, case) and case.status == "active"


def can_be_addressed(role: str | None, audience: str) -> bool:
    """May a care-team member with this role be the addressee of a note for this audience?"""
    return role in NOTE_READERS.get(audience, frozenset())


def can_view_timeline(user: User | None, case: Case) -> bool:
    """Open the case's timeline (notes, reviews, goals; other items as their fields allow)."""
    role = role_on(user, case)
    return role in TEAM_ROLES or (role == Role.ATHLETE and is_own_case(user, case))


def can_view_reviews(user: User | None, case: Case) -> bool:
    """See the scheduled reviews (date and type) of the case."""
    return can_view_timeline(user, case)


def can_schedule_review(user: User | None, case: Case) -> bool:
    """Set, complete and cancel reviews, and choose the booster schedule."""
    return role_on(user, case) in CLINICAL_ROLES


def can_view_goals(user: User | None, case: Case) -> bool:
    """Clinical roles, the psychologist and the athlete (own case) see the goals."""
    role = role_on(user, case)
    return can_view_clinical(user, case) or role == Role.PSYCHOLOGIST


def can_set_goal(user: User | None, case: Case) -> bool:
    """The athlete (own case) and the clinical roles set goals."""
    return can_view_clinical(user, case)


def can_tick_goal(user: User | None, case: Case) -> bool:
    """The athlete ticks their goals; clinical roles may tick them for them (e.g. in clinic)."""
    return can_view_clinical(user, case)


def can_record_bone_health_review(user: User | None, case: Case) -> bool:
    """The energy-availability / bone-health review is a Triad risk assessment."""
    return can_record_assessment(user, case, "bone_health_cra")
