"""Bone health: who decides the clearance after a positive screen, who sees and logs an
athlete's menstrual cycle, who sees a guardian's contact details.

- The bone-health clearance decision (which lifts the hold on impact phases) is a clinician's:
  the lead clinician or a clinician on the case.
- Menstrual-cycle entries are the athlete's own, logged only while their consent is on; the
  clinical team (lead clinician, clinician, physiotherapist, nutritionist) reads them while
  it is on; coaches, psychologists and integrations never.
- A guardian's contact details: the clinical team (lead clinician, clinician, physio), never
  a coach; the same team corrects them after intake (pages and API).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from athletes.permissions.roles import CLINICAL_ROLES, Role, is_own_case, role_on

if TYPE_CHECKING:
    from athletes.models import Athlete, Case, User

CYCLE_READERS = CLINICAL_ROLES | {Role.NUTRITIONIST}
"""Roles that read an athlete's cycle entries (with the athlete's consent on)."""

GUARDIAN_READERS = CLINICAL_ROLES
"""Roles that read a guardian's contact details (classified athlete-own: the clinical roles)."""


def can_record_bone_health_decision(user: User | None, case: Case) -> bool:
    return role_on(user, case) in {Role.LEAD_CLINICIAN, Role.CLINICIAN}


def cycle_consent_given(athlete: Athlete) -> bool:
    """The athlete's consent to cycle logging is on (off by default: no row, not given)."""
    consent = getattr(athlete, "cycle_consent", None)
    return bool(consent and consent.given)


def is_athlete_self(user: User | None, athlete: Athlete) -> bool:
    return bool(user and user.is_authenticated and athlete.user_id == user.pk)


def can_manage_cycle_consent(user: User | None, athlete: Athlete) -> bool:
    """Only the athlete turns cycle logging on or off."""
    return is_athlete_self(user, athlete)


def can_log_cycle(user: User | None, athlete: Athlete) -> bool:
    return is_athlete_self(user, athlete) and cycle_consent_given(athlete)


def can_read_cycle(user: User | None, case: Case) -> bool:
    """The case's clinical team (and the athlete) read the cycle entries while consent is on."""
    if not cycle_consent_given(case.athlete):
        return False
    if is_own_case(user, case):
        return True
    return role_on(user, case) in CYCLE_READERS


def can_see_guardian(user: User | None, case: Case) -> bool:
    return role_on(user, case) in GUARDIAN_READERS


def can_edit_guardian(user: User | None, case: Case) -> bool:
    """Who corrects the guardian's contact after intake: who reads it (the clinical team)."""
    return can_see_guardian(user, case)


def can_edit_guardian_of(user: User | None, cases: Iterable[Case]) -> bool:
    """The guardian is the athlete's, not a case's: any one of the athlete's cases (those given,
    e.g. the caller's scope) on which ``user`` may correct it."""
    return any(can_edit_guardian(user, case) for case in cases)


def can_view_bone_health(user: User | None, case: Case) -> bool:
    """The bone-health page (screens, the hold and its decision, the cycle summary): the
    clinical team and the nutritionist."""
    return role_on(user, case) in CYCLE_READERS
