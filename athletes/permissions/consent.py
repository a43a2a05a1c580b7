"""Consent and data rights.

``role_on`` and the selectors ask ``members_with_consent`` (in ``roles``, beside ``role_on``),
so that a withdrawn consent takes the role away everywhere at once: pages, the API, exports,
notifications and e-mails.

An athlete consents (or not) to share their cases with each care-team role. While consent for a
role is withdrawn, a member holding that role on the athlete's cases is treated exactly as a
person who is not on the care team (404 for the case and all its data); giving consent again
restores the access. The lead clinician is the treating clinician and keeps access whatever the
athlete withdraws; the athlete always sees their own case; integration accounts only carry data
in (they read nothing clinical) and are managed by the clinic, not by consent.
Default: no recorded answer counts as consent given. When a case opens, or a role joins a case,
``athletes.services.consent_defaults_record`` records "given" for each role then present that
has no answer yet, naming the clinician who recorded it; a withdrawal stays until the athlete
gives consent again, whoever joins later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.models import CareTeamMember
from athletes.permissions.roles import CLINICAL_ROLES, Role, can_view_clinical, role_on

if TYPE_CHECKING:
    from athletes.models import Case, User

AUDIT_VIEWERS = CLINICAL_ROLES
"""Roles that read the record of changes (who changed what, when, and why) of a case."""

DATA_RIGHTS_ROLES = frozenset({Role.LEAD_CLINICIAN})
"""Roles that export or erase all of an athlete's data."""


def can_view_audit(user: User | None, case: Case) -> bool:
    """Read who changed what, when and why on the case, with the plan's diffs."""
    return role_on(user, case) in AUDIT_VIEWERS


def can_view_access_log(user: User | None, case: Case) -> bool:
    """Read who looked at the case's clinical data, when and from where: the lead clinician."""
    return role_on(user, case) == Role.LEAD_CLINICIAN


def can_view_consent(user: User | None, case: Case) -> bool:
    """See which roles the athlete shares their data with (clinical roles; the athlete)."""
    return can_view_clinical(user, case)


def can_manage_consent(user: User | None, athlete) -> bool:
    """Give or withdraw consent: the athlete themselves, through their own login only."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and athlete.user_id is not None
        and athlete.user_id == user.pk
    )


def _leads_every_case(user: User, case: Case) -> bool:
    """Data rights act on the whole athlete, so the person must lead each of their cases."""
    cache: dict[int, bool] = case.__dict__.setdefault("_leads_all_cache", {})
    if user.pk not in cache:
        from athletes.models import Case as CaseModel

        led = CareTeamMember.objects.filter(user=user, role__in=DATA_RIGHTS_ROLES)
        others = CaseModel.objects.filter(athlete_id=case.athlete_id).exclude(
            pk__in=led.values("case_id")
        )
        cache[user.pk] = not others.exists()
    return cache[user.pk]


def can_export_athlete(user: User | None, case: Case) -> bool:
    """Export all of the case's athlete's data (every case): the lead clinician of every one."""
    return role_on(user, case) in DATA_RIGHTS_ROLES and _leads_every_case(user, case)


def can_erase_athlete(user: User | None, case: Case) -> bool:
    """Erase the case's athlete and all their data: the lead clinician of every one of their
    cases (the erasure itself is kept as an audit record, without the data)."""
    return role_on(user, case) in DATA_RIGHTS_ROLES and _leads_every_case(user, case)
