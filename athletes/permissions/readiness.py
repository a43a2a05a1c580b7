"""The return-to-play decision (StARRT) and psychological readiness: who records and who reads
what. The tissue-health detail, the risk-tolerance modifiers and the questionnaires are
clinical; the coach reads only the decision's outcome and its restrictions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import (
    Role,
    can_decide_transition,
    can_manage_care_team,
    can_record_assessment,
    can_view_case,
    can_view_clinical,
    is_own_case,
    role_on,
)

if TYPE_CHECKING:
    from athletes.models import Case, User


def can_record_return_decision(user: User | None, case: Case) -> bool:
    """Record the StARRT steps and the decision: the clinicians who decide a phase change."""
    return can_decide_transition(user, case)


def can_view_return_decision(user: User | None, case: Case) -> bool:
    """Read the whole StARRT record (tissue health, stresses, modifiers, reasons): the clinical
    readers (the athlete their own)."""
    return can_view_clinical(user, case)


def can_view_return_outcome(user: User | None, case: Case) -> bool:
    """Read the decision's outcome, date and restrictions in plain words (the coach too)."""
    return can_view_case(user, case)


def can_record_readiness(user: User | None, case: Case) -> bool:
    """Record a TSK-11 or I-PRRS: clinical roles and the psychologist on the case."""
    return can_record_assessment(user, case, "tsk11")


def can_view_readiness(user: User | None, case: Case) -> bool:
    """The questionnaires' items and trend: the clinical readers (the athlete their own) and
    the psychologist on the case."""
    return can_view_clinical(user, case) or role_on(user, case) == Role.PSYCHOLOGIST


def can_view_own_readiness(user: User | None, case: Case) -> bool:
    """The athlete's own progress in words (no pass mark)."""
    return role_on(user, case) == Role.ATHLETE and is_own_case(user, case)


def can_involve_psychologist(user: User | None, case: Case) -> bool:
    """Add the psychologist to the care team from the readiness suggestion."""
    return can_manage_care_team(user, case)
