"""The clinician's worklist: what needs a person today across their cases — every unresolved
flag, red flags first, then regressions, ready to advance, missing logs, load spikes and
bone-health screens — and the flags resolved lately, with who resolved them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import Exists, IntegerField, OuterRef
from django.db.models import When as WhenClause

from athletes import permissions
from athletes.models import User
from monitoring.models import Flag
from monitoring.surfaces.clinic.view_models.common import labelled

# --- red-flag inbox -----------------------------------------------------------------------------


def inbox_flags(user: User) -> list[Flag]:
    """Unresolved red flags, then regressions, oldest first, on the cases where the user has a
    clinical role. One query."""
    if not user.is_authenticated:
        return []
    mine = permissions.members_with_consent().filter(
        case=OuterRef("case_id"), user=user, role__in=permissions.CLINICAL_ROLES
    )
    return labelled(
        Flag.objects.filter(
            Exists(mine),
            status__in=Flag.UNRESOLVED,
            kind__in=[Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION],
        )
        .select_related("case__athlete", "phase", "acknowledged_by", "proposed_phase")
        .annotate(
            severity=When_(
                WhenClause(kind=Flag.Kind.RED_FLAG, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("severity", "raised_at", "pk")
    )


WORK_ORDER = (
    Flag.Kind.RED_FLAG,
    Flag.Kind.REGRESSION,
    Flag.Kind.READY_TO_ADVANCE,
    Flag.Kind.MISSING_LOGS,
    Flag.Kind.LOAD_SPIKE,
    Flag.Kind.BONE_HEALTH,
)
RESOLVED_DAYS = 7
"""How far back the worklist lists resolved flags."""


@dataclass(frozen=True)
class WorkGroup:
    kind: str
    label: str
    flags: list[Flag]


@dataclass(frozen=True)
class Worklist:
    groups: list[WorkGroup]
    resolved: list[Flag]

    @property
    def open_count(self) -> int:
        return sum(len(g.flags) for g in self.groups)

    @property
    def quiet(self) -> list[str]:
        """The kinds with nothing open (one line, not a card each)."""
        return [g.label for g in self.groups if not g.flags]


def _mine(user: User):
    return permissions.members_with_consent().filter(
        case=OuterRef("case_id"), user=user, role__in=permissions.CLINICAL_ROLES
    )


def worklist(user: User, now: dt.datetime) -> Worklist:
    """Every unresolved flag of the user's clinical cases by kind (in ``WORK_ORDER``, oldest
    first in each), and those resolved in the last ``RESOLVED_DAYS`` days. Two queries."""
    if not user.is_authenticated:
        return Worklist([], [])
    order = When_(
        *(WhenClause(kind=k, then=i) for i, k in enumerate(WORK_ORDER)),
        default=len(WORK_ORDER),
        output_field=IntegerField(),
    )
    open_flags = labelled(
        Flag.objects.filter(Exists(_mine(user)), status__in=Flag.UNRESOLVED)
        .select_related("case__athlete", "phase", "acknowledged_by", "proposed_phase")
        .annotate(severity=order)
        .order_by("severity", "raised_at", "pk")
    )
    labels = dict(Flag.Kind.choices)
    groups = [
        WorkGroup(kind, str(labels[kind]), [f for f in open_flags if f.kind == kind])
        for kind in WORK_ORDER
    ]
    resolved = list(
        Flag.objects.filter(
            Exists(_mine(user)),
            status=Flag.Status.RESOLVED,
            resolved_at__gte=now - dt.timedelta(days=RESOLVED_DAYS),
        )
        .select_related("case__athlete", "resolved_by")
        .order_by("-resolved_at", "-pk")[:50]
    )
    return Worklist(groups, resolved)
