"""Read-only presentation of phases: plain sentences, never the stored lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from athletes.sites import BY_CODE
from protocols.engine import criteria
from protocols.models import Activity, PhaseTemplate, PlanPhase

# --- read-only presentation of phases ----------------------------------------------------------


@dataclass
class CriterionLine:
    sentence: str
    red_flag: bool = False
    invalid: bool = False


@dataclass
class PhaseView:
    """A phase as a clinician reads it: plain sentences, never the stored lists."""

    number: int
    name: str
    goal: str
    min_days: int
    typical_days: int
    weight_bearing: str
    crutches: bool
    impact: str
    notes: str
    prescriptions: list[dict[str, Any]]
    advance: list[CriterionLine]
    regress: list[CriterionLine]
    warn: list[CriterionLine]
    citations: list[str]
    start_day: int = 0
    end_day: int = 0


def _lines(items: Iterable[Any], *, high_risk: bool) -> list[CriterionLine]:
    out = []
    for item in items or ():
        try:
            kind = criteria.get_kind(item.get("kind") if isinstance(item, Mapping) else None)
            params = kind.validate(item)
            out.append(CriterionLine(kind.sentence(params), kind.is_red_flag(params, high_risk)))
        except criteria.CriterionError as exc:
            out.append(CriterionLine(f"Not a valid criterion: {exc}", invalid=True))
    return out


def _activity_label(code: Any) -> str:
    try:
        return Activity(code).label
    except ValueError:
        return str(code or "—")


def phase_views(phases: Sequence[PhaseTemplate | PlanPhase], *, high_risk: bool) -> list[PhaseView]:
    views, day = [], 0
    for number, phase in enumerate(phases, start=1):
        views.append(
            PhaseView(
                number=number,
                name=phase.name,
                goal=phase.goal,
                min_days=phase.min_days,
                typical_days=phase.typical_days,
                weight_bearing=phase.get_weight_bearing_display(),
                crutches=phase.crutches,
                impact=phase.get_impact_display(),
                notes=phase.notes,
                prescriptions=[
                    {**rx, "activity_label": _activity_label(rx.get("activity"))}
                    for rx in phase.prescriptions or []
                    if isinstance(rx, Mapping)
                ],
                advance=_lines(phase.advance_when, high_risk=high_risk),
                regress=_lines(phase.regress_when, high_risk=high_risk),
                warn=_lines(phase.warn_when, high_risk=high_risk),
                citations=list(phase.citations or []),
                start_day=day,
                end_day=day + phase.typical_days,
            )
        )
        day += phase.typical_days
    return views


def site_labels(codes: Iterable[str]) -> list[str]:
    """The sites' names, in words."""
    return [BY_CODE[c].label if c in BY_CODE else c for c in codes]
