"""The printed documents of a case: the athlete's plan summary (phases, what each allows, the
pain rules, how to reach the team) and the return-to-play clearance letter on discharge."""

from __future__ import annotations

from dataclasses import dataclass, field

from athletes import permissions
from athletes.models import CareTeamMember, Case
from protocols import phase_words
from protocols.models import Plan, PlanPhase


@dataclass(frozen=True)
class PhaseSheet:
    phase: PlanPhase
    current: bool
    done: bool
    allowed: list[str]
    prescriptions: list[phase_words.Prescription]
    pain_rules: list[str]


@dataclass(frozen=True)
class TeamContact:
    name: str
    role: str
    phone: str
    email: str


@dataclass
class PlanSummary:
    case: Case
    plan: Plan | None
    phases: list[PhaseSheet] = field(default_factory=list)
    contacts: list[TeamContact] = field(default_factory=list)


def team_contacts(case: Case) -> list[TeamContact]:
    """The clinical team with what each shares with athletes (never a login e-mail)."""
    labels = dict(CareTeamMember.Role.choices)
    members = (
        permissions.members_with_consent()
        .filter(case=case, role__in=permissions.CLINICAL_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    return [
        TeamContact(str(m.user), str(labels[m.role]), m.user.contact_phone, m.user.contact_email)
        for m in members
    ]


def plan_summary(case: Case) -> PlanSummary:
    """The active plan (else the latest completed one) phase by phase. Four queries."""
    plans = list(
        Plan.objects.filter(
            case=case, status__in=[Plan.Status.ACTIVE, Plan.Status.COMPLETED]
        ).order_by("-started_on", "-id")
    )
    active = [p for p in plans if p.status == Plan.Status.ACTIVE]
    plan = (active or plans or [None])[0]
    summary = PlanSummary(case=case, plan=plan, contacts=team_contacts(case))
    if plan is None:
        return summary
    current = plan.current_phase
    for phase in plan.phases.order_by("order"):
        summary.phases.append(
            PhaseSheet(
                phase=phase,
                current=current is not None and phase.pk == current.pk,
                done=phase.ended_on is not None
                or (current is not None and phase.order < current.order),
                allowed=phase_words.allowed_today(phase),
                prescriptions=phase_words.prescriptions(phase),
                pain_rules=phase_words.pain_limits(phase, plan.red_pain_limit),
            )
        )
    return summary
