"""The clinic: who administers it, who invites whom, who may join whose care team.

Staff of one clinic never reach another's people: every invitation, care-team change and team
enrolment names someone of the actor's own clinic. A user without a clinic belongs to the
single-clinic installation of before clinics (``None`` matches ``None``); a foreign clinic
never matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.pages import CASE_OPENERS, can_use_clinic
from athletes.permissions.roles import CLINICAL_ROLES, role_on

if TYPE_CHECKING:
    from athletes.models import Athlete, Case, Team, User

STAFF_KINDS = frozenset({"clinician", "physio", "coach", "nutritionist", "psychologist"})
"""Kinds an administrator invites to the clinic (athletes are invited from their case)."""


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def same_clinic(user: User | None, clinic_id: int | None) -> bool:
    return _active(user) and user.clinic_id == clinic_id


def needs_clinic_setup(user: User | None) -> bool:
    """A superuser without a clinic names theirs before anything else (first sign-in)."""
    return _active(user) and user.is_superuser and user.clinic_id is None


def can_administer_clinic(user: User | None) -> bool:
    """The clinic's administrators invite staff and revoke or re-send invitations."""
    return (
        _active(user) and user.clinic_id is not None and (user.is_clinic_admin or user.is_superuser)
    )


def can_use_clinic_page(user: User | None) -> bool:
    """The clinic's page (staff, teams; invitations for administrators): clinic staff."""
    return can_administer_clinic(user) or can_use_clinic(user)


def can_manage_teams(user: User | None) -> bool:
    """Administrators and the clinicians and physiotherapists who open cases create teams."""
    return _active(user) and (can_administer_clinic(user) or user.kind in CASE_OPENERS)


def can_invite_athlete(
    user: User | None, athlete: Athlete, cases: list[Case] | None = None
) -> bool:
    """A clinician or physiotherapist on one of the athlete's cases, of the same clinic; an
    integration account for athletes of a team it is granted. ``cases``: the athlete's cases
    (the caller's list, to ask the roles without a query each)."""
    if not same_clinic(user, athlete.clinic_id):
        return False
    if user.kind == "integration":
        return (
            athlete.team_id is not None
            and user.integration_grants.filter(team_id=athlete.team_id).exists()
        )
    cases = athlete.cases.all() if cases is None else cases
    return user.kind in CASE_OPENERS and any(role_on(user, c) in CLINICAL_ROLES for c in cases)


def can_join_case(user: User, case: Case) -> bool:
    """Whether ``user`` may be put on ``case``'s care team: someone of the athlete's clinic."""
    return user.is_active and user.clinic_id == case.athlete.clinic_id


def team_in_clinic(team: Team, user: User) -> bool:
    return team.clinic_id == user.clinic_id
