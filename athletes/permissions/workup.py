"""The bone-health work-up (triggers, tasks, results, energy availability): clinical data.

Read by the case's clinical roles, its nutritionist (who runs the energy-availability side) and
the athlete on their own case (as ``can_view_clinical`` already lets them read their clinical
record); never by a coach, a psychologist or an integration account. Recorded by the
nutritionist and the case's physicians (lead clinician, clinician); a task is closed by the
role it is assigned to, or by a physician.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import Role, can_view_clinical, role_on

if TYPE_CHECKING:
    from athletes.models import Case, User

PHYSICIAN_ROLES = frozenset({Role.LEAD_CLINICIAN, Role.CLINICIAN})
BONE_RECORDERS = PHYSICIAN_ROLES | {Role.NUTRITIONIST}
TASK_ROLES = {"physician": PHYSICIAN_ROLES, "nutritionist": frozenset({Role.NUTRITIONIST})}
"""A work-up task's assignee role → the care-team roles that hold it."""


def can_view_workup(user: User | None, case: Case) -> bool:
    return role_on(user, case) == Role.NUTRITIONIST or can_view_clinical(user, case)


def can_record_bone_health(user: User | None, case: Case) -> bool:
    """Record results, energy availability and the work-up's facts (height, weight...)."""
    return role_on(user, case) in BONE_RECORDERS


def can_close_workup_task(user: User | None, case: Case, assignee_role: str) -> bool:
    role = role_on(user, case)
    return role in TASK_ROLES.get(assignee_role, ()) or role in PHYSICIAN_ROLES
