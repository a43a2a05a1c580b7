"""The running baseline, the road back and gait checks: who sees and records them.

- The pre-injury running volume, the step rate and the cadence goal are clinical (the case's
  clinical roles and the athlete, own case); the clinical roles record them, and an
  integration account may send the baseline (with the sessions' write scope).
- The road back (this week's running as a % of the pre-injury week) is training information:
  the athlete sees it in km or minutes, a coach only as a % (no baseline, no diagnosis).
- Gait checks are the clinical roles' alone: the athlete is told their cadence cue, and a
  coach never sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import CLINICAL_ROLES, LOAD_VIEWERS, Role, role_on

if TYPE_CHECKING:
    from athletes.models import Case, User


def can_record_running_baseline(user: User | None, case: Case) -> bool:
    """Enter, compute or accept the pre-injury volume and step rate; set the cadence goal
    (clinicians); send the baseline (an integration account)."""
    return role_on(user, case) in CLINICAL_ROLES | {Role.INTEGRATION}


def can_set_cadence_goal(user: User | None, case: Case) -> bool:
    return role_on(user, case) in CLINICAL_ROLES


def can_view_road_back(user: User | None, case: Case) -> bool:
    """See this week's running against the pre-injury week (a coach: as a % only)."""
    return role_on(user, case) in LOAD_VIEWERS


def can_view_road_back_amounts(user: User | None, case: Case) -> bool:
    """See the road back in km or minutes, with the pre-injury week itself."""
    role = role_on(user, case)
    return role in CLINICAL_ROLES or role == Role.ATHLETE


def can_view_gait_checks(user: User | None, case: Case) -> bool:
    return role_on(user, case) in CLINICAL_ROLES


def can_record_gait_check(user: User | None, case: Case) -> bool:
    return role_on(user, case) in CLINICAL_ROLES
