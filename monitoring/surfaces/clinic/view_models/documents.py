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
    leg: str  # "Full weight-bearing, with crutches"
    impact: str  # "Low impact"
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
    every_stage: list[str] = field(default_factory=list)  # rules said once, not per phase

    @property
    def red_rule(self) -> str:
        """The plan's red limit, said once for every phase with impact."""
        if self.plan is None:
            return ""
        return (
            f"Pain of {self.plan.red_pain_limit}/10 or more during or after running, hopping "
            "or jumping: stop, and contact your clinical team the same day."
        )


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
    phases = list(plan.phases.order_by("order"))
    rules = {phase.pk: phase_words.pain_limits(phase) for phase in phases}
    # A rule without a number that several phases share is said once (the sheet fits two pages).
    seen: dict[str, int] = {}
    for lines in rules.values():
        for line in dict.fromkeys(lines):
            seen[line] = seen.get(line, 0) + 1
    summary.every_stage = [line for line, n in seen.items() if n > 1 and "/10" not in line]
    shared = set(summary.every_stage)
    for phase in phases:
        summary.phases.append(
            PhaseSheet(
                phase=phase,
                current=current is not None and phase.pk == current.pk,
                done=phase.ended_on is not None
                or (current is not None and phase.order < current.order),
                leg=phase.get_weight_bearing_display()
                + (", with crutches" if phase.crutches else ""),
                impact=phase.get_impact_display(),
                prescriptions=phase_words.prescriptions(phase),
                pain_rules=[line for line in rules[phase.pk] if line not in shared],
            )
        )
    return summary
