"""Who holds which role on a case, and what each role may do there.

Every page, API endpoint, template and task asks these predicates; none checks roles itself.
A user's power on a case comes only from their ``CareTeamMember.role`` on that case: being
staff, a superuser or on another case gives nothing. A user with no role on a case must get a
404 for it (``athletes.selectors.case_for_user`` does that), never a hint that it exists.

The role lookup costs one query per (user, case) pair at most, and none when the case came from
``athletes.selectors.cases_for_user`` (which annotates the viewer's role) or has its care team
prefetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.models import CareTeamMember

if TYPE_CHECKING:
    from athletes.models import Case, User

Role = CareTeamMember.Role

CLINICAL_ROLES = frozenset({Role.LEAD_CLINICIAN, Role.CLINICIAN, Role.PHYSIO})
"""Roles that see everything on a case and change the plan, phases, assessments and flags."""

TEAM_MANAGERS = frozenset({Role.LEAD_CLINICIAN, Role.CLINICIAN})
"""Roles that add and remove care-team members."""

LOAD_VIEWERS = CLINICAL_ROLES | {Role.COACH, Role.ATHLETE}
"""Roles that see training load, phase and status (not pain diaries, imaging or notes)."""

OWN_ASSESSMENT_TESTS: dict[str, frozenset[str]] = {
    Role.NUTRITIONIST: frozenset({"bone_health_cra", "triad_incomplete", "reds_screen"}),
    Role.PSYCHOLOGIST: frozenset({"readiness_iprrs", "tsk11"}),
}
"""Tests that nutritionists and psychologists record themselves (their own assessments)."""


def role_on(user: User | None, case: Case) -> str | None:
    """The user's role on the case, or None when they are not on its care team."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    annotated_for = getattr(case, "viewer_id", None)
    if annotated_for == user.pk and hasattr(case, "viewer_role"):
        return case.viewer_role
    cache: dict[int, str | None] = case.__dict__.setdefault("_role_cache", {})
    if user.pk in cache:
        return cache[user.pk]
    prefetched = getattr(case, "_prefetched_objects_cache", {})
    if "care_team" in prefetched:
        role = next((m.role for m in case.care_team.all() if m.user_id == user.pk), None)
        if role is not None and role != Role.LEAD_CLINICIAN:
            withheld = {role, user.kind} & CONSENT_ROLES  # the role, and the person's kind
            if any(consent_withdrawn(case.athlete_id, r) for r in withheld):
                role = None  # the athlete withdrew consent for this role (see below)
    else:
        role = (
            members_with_consent()
            .filter(case=case, user=user)
            .values_list("role", flat=True)
            .first()
        )
    cache[user.pk] = role
    return role


def can_view_case(user: User | None, case: Case) -> bool:
    """See that the case exists, its athlete, phase and status."""
    return role_on(user, case) is not None


def can_view_clinical(user: User | None, case: Case) -> bool:
    """See pain diaries, assessments, imaging, risk factors, notes and evaluations."""
    return role_sees_clinical(user, case, role_on(user, case))


def role_sees_clinical(user: User | None, case: Case, role: str | None) -> bool:
    """``can_view_clinical`` for the user's role on the case (``role_on``), when known."""
    return role in CLINICAL_ROLES or (role == Role.ATHLETE and is_own_case(user, case))


def can_view_load(user: User | None, case: Case) -> bool:
    """See training sessions, load and its trend."""
    return role_on(user, case) in LOAD_VIEWERS


def can_edit_plan(user: User | None, case: Case) -> bool:
    """Build, individualize and start the plan; sign a phase off."""
    return role_on(user, case) in CLINICAL_ROLES


def can_decide_transition(user: User | None, case: Case) -> bool:
    """Advance, step back or hold the plan (the system only recommends)."""
    return role_on(user, case) in CLINICAL_ROLES


def can_manage_flags(user: User | None, case: Case) -> bool:
    """Acknowledge and resolve flags."""
    return role_on(user, case) in CLINICAL_ROLES


def can_manage_care_team(user: User | None, case: Case) -> bool:
    return role_on(user, case) in TEAM_MANAGERS


def can_log_for(user: User | None, case: Case) -> bool:
    """Record daily logs, sessions and device metrics for the case's athlete."""
    role = role_on(user, case)
    if role in CLINICAL_ROLES or role == Role.INTEGRATION:
        return True
    return role == Role.ATHLETE and is_own_case(user, case)


def can_record_assessment(user: User | None, case: Case, test: str | None = None) -> bool:
    """Record an assessment; nutritionists and psychologists only their own kinds of test."""
    role = role_on(user, case)
    if role in CLINICAL_ROLES:
        return True
    allowed = OWN_ASSESSMENT_TESTS.get(role or "")
    return bool(allowed) and (test is None or test in allowed)


def can_view_own_assessments(user: User | None, case: Case) -> bool:
    """Nutritionists and psychologists see the assessments they recorded themselves."""
    return role_on(user, case) in OWN_ASSESSMENT_TESTS


def can_view_assessment(user: User | None, case: Case, *, assessed_by_id: int | None) -> bool:
    """Clinical roles see every assessment; nutritionists and psychologists their own."""
    if can_view_clinical(user, case):
        return True
    return can_view_own_assessments(user, case) and user is not None and assessed_by_id == user.pk


def is_own_case(user: User | None, case: Case) -> bool:
    return user is not None and user.pk is not None and case.athlete.user_id == user.pk


CONSENT_ROLES: frozenset[str] = frozenset(
    {Role.CLINICIAN, Role.PHYSIO, Role.COACH, Role.NUTRITIONIST, Role.PSYCHOLOGIST}
)
"""Roles the athlete may withhold their data from (never the lead clinician or themselves)."""


def consent_withdrawn(athlete_id: int, role: str) -> bool:
    """Has the athlete withdrawn consent to share with this role? (one query)"""
    from athletes.models import SharingConsent

    return SharingConsent.objects.filter(athlete_id=athlete_id, role=role, given=False).exists()


def members_with_consent(queryset=None):
    """Care-team memberships that give access: all but those whose role, or whose person's kind
    (a coach is bound by the consent for coaches whatever role they were given), the athlete of
    the case withdrew consent for; the lead clinician is never withheld. Every query of "who is
    on this case" goes through it."""
    from django.db.models import Exists, OuterRef, Q

    from athletes.models import SharingConsent

    withdrawn = SharingConsent.objects.filter(
        Q(role=OuterRef("role")) | Q(role=OuterRef("user__kind")),
        athlete_id=OuterRef("case__athlete_id"),
        given=False,
    )
    base = CareTeamMember.objects.all() if queryset is None else queryset
    return base.filter(Q(role=Role.LEAD_CLINICIAN) | ~Exists(withdrawn))


def members_with_consent_sql(member: str, person: str, case: str) -> str:
    """``members_with_consent``'s condition for a hand-written statement (the writes' scope,
    ``athletes.api_scopes``): the membership row ``member``, its person ``person`` (a user
    row) and its case ``case`` (table aliases). The lead clinician's role and the "not given"
    flag go as the parameters ``%(lead_clinician)s`` and ``%(withdrawn)s``
    (``consent_sql_params``). The same rule as the queryset's: a test compares the two."""
    from athletes.models import CareTeamMember, SharingConsent

    qn = _quote
    consent = qn(SharingConsent._meta.db_table)
    column = {f: qn(SharingConsent._meta.get_field(f).column) for f in ("role", "athlete", "given")}
    role = f"{member}.{qn(CareTeamMember._meta.get_field('role').column)}"
    return (
        f"({role} = %(lead_clinician)s OR NOT EXISTS (SELECT 1 FROM {consent} w "  # noqa: S608
        f"WHERE w.{column['athlete']} = {case}.{qn('athlete_id')} "
        f"AND w.{column['given']} = %(withdrawn)s "
        f"AND (w.{column['role']} = {role} OR w.{column['role']} = {person}.{qn('kind')})))"
    )


def consent_sql_params() -> dict[str, object]:
    """The parameters of ``members_with_consent_sql``."""
    return {"lead_clinician": Role.LEAD_CLINICIAN.value, "withdrawn": False}


def _quote(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


def can_record_orthopaedic_decision(user: User | None, case: Case) -> bool:
    """The orthopaedic decision (and the imaging findings behind it) is a clinician's: the lead
    clinician or a clinician on the case, not a physiotherapist."""
    return role_on(user, case) in {Role.LEAD_CLINICIAN, Role.CLINICIAN}


def can_delete_record(user: User | None, case: Case, submitted_by_id: int | None) -> bool:
    """Delete a session or device sample: only the source that sent it (its ``submitted_by``),
    while it may still record data for the case's athlete. A mistaken upload is taken back by
    whoever made it; nobody deletes another source's data."""
    if user is None or submitted_by_id is None or user.pk != submitted_by_id:
        return False
    return can_log_for(user, case)
