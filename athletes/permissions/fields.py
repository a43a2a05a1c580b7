"""Which facts about a case a person may see (the coach view). Pages, the CSV export and
templates ask ``can_view_field`` (or read ``visible_case_fields``) before they show a fact; none
decides by role itself.

A "field" here is a fact a page can show, not a model column: ``"pain"`` covers every pain
rating of the daily logs, ``"flag_message"`` the clinical title and text of a flag, and so on.
Decision (design table "coach sees athlete, phase, status light, flags' kind, training load,
projected return; not the diagnosis details"): the injury site and side are diagnosis details,
so a coach does not see them; what the athlete may do now is what a coach plans with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import (
    OWN_ASSESSMENT_TESTS,
    Role,
    role_on,
    role_sees_clinical,
)

if TYPE_CHECKING:
    from athletes.models import Case, User

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
    if role_sees_clinical(user, case, role):
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
