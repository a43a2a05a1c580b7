"""Who may do what on a case: the one place that decides it.

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

from .models import CareTeamMember

if TYPE_CHECKING:
    from .models import Case, User

Role = CareTeamMember.Role

CLINICAL_ROLES = frozenset({Role.LEAD_CLINICIAN, Role.CLINICIAN, Role.PHYSIO})
"""Roles that see everything on a case and change the plan, phases, assessments and flags."""

TEAM_MANAGERS = frozenset({Role.LEAD_CLINICIAN, Role.CLINICIAN})
"""Roles that add and remove care-team members."""

LOAD_VIEWERS = CLINICAL_ROLES | {Role.COACH, Role.ATHLETE}
"""Roles that see training load, phase and status (not pain diaries, imaging or notes)."""

OWN_ASSESSMENT_TESTS: dict[str, frozenset[str]] = {
    Role.NUTRITIONIST: frozenset({"bone_health_cra"}),
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
    else:
        role = (
            CareTeamMember.objects.filter(case=case, user=user)
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
    role = role_on(user, case)
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


def can_view_assessment(user: User | None, case: Case, *, assessed_by_id: int | None) -> bool:
    """Clinical roles see every assessment; nutritionists and psychologists their own."""
    if can_view_clinical(user, case):
        return True
    return (
        role_on(user, case) in OWN_ASSESSMENT_TESTS
        and user is not None
        and assessed_by_id == user.pk
    )


def is_own_case(user: User | None, case: Case) -> bool:
    return user is not None and user.pk is not None and case.athlete.user_id == user.pk


# ================================================================================================
# Coach view — which facts about a case a person may see (issue 7). Appended section: the
# functions above are unchanged. Pages, the CSV export and templates ask ``can_view_field`` (or
# read ``visible_case_fields``) before they show a fact; none decides by role itself.
#
# A "field" here is a fact a page can show, not a model column: ``"pain"`` covers every pain
# rating of the daily logs, ``"flag_message"`` the clinical title and text of a flag, and so on.
# Decision (design table "coach sees athlete, phase, status light, flags' kind, training load,
# projected return; not the diagnosis details"): the injury site and side are diagnosis details,
# so a coach does not see them; what the athlete may do now is what a coach plans with.
# ================================================================================================

COACH_VISIBLE_CASE_FIELDS: frozenset[str] = frozenset(
    {
        "athlete",  # name
        "team",
        "sport",
        "case_status",  # active / returned / closed
        "phase",  # the current phase's name and what it allows in plain words
        "phase_progress",  # "phase N of M" and the day in the phase
        "phase_dates",  # the phase ladder: done / current / upcoming with dates
        "restrictions",  # activities, minutes, sessions a week, intensity (never pain limits),
        # weight bearing, crutches, impact level
        "status_light",  # green / amber / red with the reason in coach language
        "flag_kinds",  # which kinds of flag are open (never their clinical title or text)
        "coach_message",  # Flag.coach_message
        "training_load",  # sessions' activity and session-RPE load, weekly trend
        "last_log_on",  # the date of the last daily log (never its content)
        "projected_return",  # earliest / typical return from the plan's phase lengths
        "return_confidence",  # how sure that date is, in words
        "pooled_return_range",  # the literature's usual range for this kind of injury (dates)
    }
)
"""What a coach on the case may see."""

CLINICAL_CASE_FIELDS: frozenset[str] = frozenset(
    {
        "site",
        "side",
        "risk",  # healing-complication risk class
        "grade",
        "grading_system",
        "imaging",
        "imaging_on",
        "diagnosed_on",
        "bone_health",  # prior BSIs, RED-S / Triad screen, menstrual status, vitamin D
        "pain",  # every pain rating of the logs and sessions
        "symptoms",  # pain character, localized pain, night pain, swelling, pain duration
        "wellbeing",  # Hooper items, sleep, mood
        "log_notes",  # free text of logs and sessions, pain location
        "assessments",
        "evaluation",  # criteria results and their sentences
        "criteria",  # a phase's advance / regress rules (they carry pain limits)
        "flag_message",  # a flag's clinical title and message
        "transition_reason",  # why a clinician advanced or stepped back
        "phase_notes",  # a phase's clinical notes and citations
        "prescription_notes",  # free text attached to a prescription line
        "plan_name",  # plan and template names often name the site
    }
)
"""Diagnosis details and the clinical record: for clinical roles (and the athlete, own case)."""

CASE_SUMMARY_FIELDS: frozenset[str] = frozenset(
    {"athlete", "team", "sport", "case_status", "phase", "phase_progress", "site", "side"}
)
"""What a nutritionist or psychologist sees of a case besides their own assessments."""

ALL_CASE_FIELDS: frozenset[str] = COACH_VISIBLE_CASE_FIELDS | CLINICAL_CASE_FIELDS


def can_use_coach_view(user: User | None, case: Case) -> bool:
    """Open the coach pages of a case (board row, restrictions card, athlete view, export)."""
    return role_on(user, case) == Role.COACH


def visible_case_fields(user: User | None, case: Case) -> frozenset[str]:
    """The facts about the case the user may see (an empty set when they are not on it)."""
    role = role_on(user, case)
    if role is None:
        return frozenset()
    if can_view_clinical(user, case):
        return ALL_CASE_FIELDS
    if role == Role.COACH:
        return COACH_VISIBLE_CASE_FIELDS
    if role in OWN_ASSESSMENT_TESTS:
        return CASE_SUMMARY_FIELDS
    return frozenset({"athlete"})


def can_view_field(user: User | None, case: Case, field: str) -> bool:
    """May the user see this fact about the case? Unknown field names fail loudly: a typo must
    neither show nor hide something silently."""
    if field not in ALL_CASE_FIELDS:
        raise ValueError(f"Unknown case field {field!r}; add it to athletes.permissions.")
    return field in visible_case_fields(user, case)
