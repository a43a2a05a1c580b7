"""Reads of templates and plans that pages, the API and tasks share."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from athletes.models import Case
from athletes.sites import HIGH
from protocols.engine.gating import PhaseSpec
from protocols.models import PhaseTemplate, Plan, PlanPhase, ProtocolTemplate


def phase_spec(phase: PlanPhase | PhaseTemplate) -> PhaseSpec:
    """The gating engine's view of a phase."""
    return PhaseSpec(
        name=phase.name,
        min_days=phase.min_days,
        advance_when=tuple(phase.advance_when or ()),
        regress_when=tuple(phase.regress_when or ()),
        warn_when=tuple(phase.warn_when or ()),
    )


def published_templates() -> QuerySet[ProtocolTemplate]:
    return ProtocolTemplate.objects.filter(
        status=ProtocolTemplate.Status.PUBLISHED
    ).prefetch_related(Prefetch("phases", queryset=PhaseTemplate.objects.order_by("order")))


def templates_for_case(case: Case) -> list[ProtocolTemplate]:
    """Published templates written for the case's site, best first.

    With risk factors (grade ≥ 3, positive RED-S screen, prior BSI, low vitamin D) the
    conservative variant comes first; then the most specific template (fewest sites). A
    high-risk case is never offered a low-risk template.
    """
    conservative_first = case.has_risk_factors

    def rank(template: ProtocolTemplate) -> tuple:
        return (
            0 if template.conservative == conservative_first else 1,
            len(template.sites),
            template.name,
        )

    candidates = [
        t
        for t in published_templates()
        if case.site in t.sites and not (case.risk == HIGH and t.risk != HIGH)
    ]
    return sorted(candidates, key=rank)


def active_plan(case: Case) -> Plan | None:
    return (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase", "template")
        .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
        .first()
    )
