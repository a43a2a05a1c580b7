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
    return _clinical(user, case, role_on(user, case))


def _clinical(user: User | None, case: Case, role: str | None) -> bool:
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
    if _clinical(user, case, role):
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


# ================================================================================================
# Care-team communication (issue 12): notes with an audience, scheduled reviews, goals per phase.
# Appended section: the functions above are unchanged. Pages, the API, the CSV export and the
# e-mails ask these; none decides by role itself.
#
# A note is written for one audience. "clinical": the clinical roles only. "team": the whole care
# team of people (clinical roles, coach, nutritionist, psychologist). "athlete": the team and the
# athlete of the case. An integration account reads no note. A writer may address only an
# audience they read themselves; the athlete reads notes but does not write them here.
# ================================================================================================

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


# ================================================================================================
# Consent and data rights (issue 11). Appended section; ``role_on`` above and the selectors ask
# ``members_with_consent`` so that a withdrawn consent takes the role away everywhere at once:
# pages, the API, exports, notifications and e-mails.
#
# An athlete consents (or not) to share their cases with each care-team role. While consent for a
# role is withdrawn, a member holding that role on the athlete's cases is treated exactly as a
# person who is not on the care team (404 for the case and all its data); giving consent again
# restores the access. The lead clinician is the treating clinician and keeps access whatever the
# athlete withdraws; the athlete always sees their own case; integration accounts only carry data
# in (they read nothing clinical) and are managed by the clinic, not by consent.
# Default: no recorded answer counts as consent given. When a case opens, or a role joins a case,
# ``athletes.services.consent_defaults_record`` records "given" for each role then present that
# has no answer yet, naming the clinician who recorded it; a withdrawal stays until the athlete
# gives consent again, whoever joins later.
# ================================================================================================

CONSENT_ROLES: frozenset[str] = frozenset(
    {Role.CLINICIAN, Role.PHYSIO, Role.COACH, Role.NUTRITIONIST, Role.PSYCHOLOGIST}
)
"""Roles the athlete may withhold their data from (never the lead clinician or themselves)."""

AUDIT_VIEWERS = CLINICAL_ROLES
"""Roles that read the record of changes (who changed what, when, and why) of a case."""

DATA_RIGHTS_ROLES = frozenset({Role.LEAD_CLINICIAN})
"""Roles that export or erase all of an athlete's data."""


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


def can_view_audit(user: User | None, case: Case) -> bool:
    """Read who changed what, when and why on the case, with the plan's diffs."""
    return role_on(user, case) in AUDIT_VIEWERS


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


# ================================================================================================
# The protocol template library (issue 11): read by clinic staff, edited by clinicians and
# physiotherapists. Decided by the person's kind, not a case role: templates hold no case data.
# The pages and the API both ask these.
# ================================================================================================

TEMPLATE_LIBRARY_READERS = frozenset({"clinician", "physio", "nutritionist", "psychologist"})
TEMPLATE_LIBRARY_EDITORS = frozenset({"clinician", "physio"})


def can_read_template_library(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.kind in TEMPLATE_LIBRARY_READERS
    )


def can_edit_template_library(user: User | None) -> bool:
    return can_read_template_library(user) and user.kind in TEMPLATE_LIBRARY_EDITORS


# ================================================================================================
# Femoral neck findings and the orthopaedic decision (issue 22). Appended section.
# ================================================================================================


def can_record_orthopaedic_decision(user: User | None, case: Case) -> bool:
    """The orthopaedic decision (and the imaging findings behind it) is a clinician's: the lead
    clinician or a clinician on the case, not a physiotherapist."""
    return role_on(user, case) in {Role.LEAD_CLINICIAN, Role.CLINICIAN}


# ================================================================================================
# The clinic's pages: who opens a case, who has the clinic's page of a case, who shares a contact
# with athletes, who uses the account pages. Decided by the person's kind where no case exists
# to have a role on.
# ================================================================================================

CASE_OPENERS = frozenset({"clinician", "physio"})
"""Kinds of user who open cases (and lead them) and whom an athlete's stop message names."""


def can_open_case(user: User | None) -> bool:
    """Clinicians and physiotherapists open cases: no case exists yet to have a role on."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.kind in CASE_OPENERS
    )


def can_open_clinic_case_page(user: User | None, case: Case) -> bool:
    """The clinic's case page (and the plan builder under it) is for those who see the clinical
    record (clinical roles, the athlete on their own case) and for those who record their own
    assessments there (nutritionist, psychologist). A coach has the coach pages; an integration
    the API."""
    return can_view_clinical(user, case) or can_record_assessment(user, case)


def can_share_contact(user: User | None) -> bool:
    """Clinicians and physiotherapists share a phone and an e-mail with the athletes of their
    cases: the people an athlete's stop message names."""
    return bool(user is not None and user.is_authenticated and user.kind in CASE_OPENERS)


def can_use_account_pages(user: User | None) -> bool:
    """People who sign in on the pages manage their two-step login and e-mails; an integration
    account only calls the API."""
    return user is not None and user.kind != "integration"


def is_bone_health_reviewer(user: User | None, case: Case) -> bool:
    """The nutritionist on the case is the one who records its bone-health reviews (their form
    opens first for them)."""
    return role_on(user, case) == Role.NUTRITIONIST
