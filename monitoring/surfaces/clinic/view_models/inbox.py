"""The clinician's worklist: what needs a person today across their cases — every unresolved
flag, red flags first, then regressions, ready to advance, missing logs, load spikes and
bone-health screens —, the athletes' messages waiting for a reply, and the flags resolved
lately, with who resolved them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case as When_
from django.db.models import Exists, F, IntegerField, OuterRef, Q
from django.db.models import When as WhenClause

from athletes import permissions
from athletes.models import User
from monitoring.models import Flag
from monitoring.models.care import CaseNote
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
    Flag.Kind.PROGRAMME_STEP_DOWN,
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
    messages: list[CaseNote] = field(default_factory=list)

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
    first in each), those resolved in the last ``RESOLVED_DAYS`` days and the athletes'
    messages waiting for a reply. Three queries."""
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
    return Worklist(groups, resolved, awaiting_messages(user))


def awaiting_messages(user: User) -> list[CaseNote]:
    """The athletes' messages waiting for their team on the user's clinical cases: in each
    case's thread with the athlete, the latest message when the athlete wrote it. One query."""
    thread = CaseNote.objects.filter(audience=CaseNote.Audience.ATHLETE)
    later = thread.filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        case=OuterRef("case_id"),
    )
    return list(
        thread.filter(Exists(_mine(user)), author_id=F("case__athlete__user_id"))
        .exclude(Exists(later))
        .select_related("case__athlete")
        .order_by("created_at", "pk")[:50]
    )
