"""Exercise prescriptions and their ticks: who sees which exercises, who ticks them, and who
sees only how many were done (the adherence %, training information for the coach)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import (
    CLINICAL_ROLES,
    LOAD_VIEWERS,
    Role,
    is_own_case,
    role_on,
    role_sees_clinical,
)

if TYPE_CHECKING:
    from athletes.models import Case, User


def can_view_exercises(user: User | None, case: Case) -> bool:
    """Which exercises the phase prescribes and which were ticked: the clinical roles and the
    athlete (their own case). The prescription is as clinical as the phase's notes."""
    return role_sees_clinical(user, case, role_on(user, case))


def can_tick_exercise(user: User | None, case: Case) -> bool:
    """Tick (or un-tick) an exercise as done: the athlete on their own case, and an integration
    account writing for them (a watch app, a team's app)."""
    role = role_on(user, case)
    return role == Role.INTEGRATION or (role == Role.ATHLETE and is_own_case(user, case))


def can_view_exercise_adherence(user: User | None, case: Case) -> bool:
    """How many of the prescribed exercises were done, as a percentage: training information
    the coach may see too (no exercise names, no clinical text)."""
    role = role_on(user, case)
    return role in LOAD_VIEWERS or role in CLINICAL_ROLES
