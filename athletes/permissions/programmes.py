"""Who may see and decide what of a plan's run-walk programme.

The stage an athlete is at is training information (what is allowed today): the clinical team,
the coach and the athlete see it. Why the programme proposes a step down (the pain reported) is
clinical, and only the clinical team decides on it, as on a phase transition."""

from __future__ import annotations

from athletes.models import Case, User
from athletes.permissions.roles import (
    CLINICAL_ROLES,
    LOAD_VIEWERS,
    can_view_clinical,
    role_on,
)


def can_view_programme_stage(user: User | None, case: Case) -> bool:
    """See the programme's stages and the current stage (no pain, no reasons)."""
    return role_on(user, case) in LOAD_VIEWERS


def can_view_programme_detail(user: User | None, case: Case) -> bool:
    """See why a step down is proposed (the pain reported) and the decisions' reasons."""
    return can_view_clinical(user, case)


def can_decide_programme(user: User | None, case: Case) -> bool:
    """Choose or edit the programme, confirm or decline a proposed step down."""
    return role_on(user, case) in CLINICAL_ROLES
