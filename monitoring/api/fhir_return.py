"""The return-to-play decision (StARRT) as a FHIR R4 ClinicalImpression.

A ClinicalImpression is "a record of a clinical assessment performed to determine what problem(s)
may affect the patient and before planning the treatments or management strategies" — here the
assessment behind the return to sport: ``protocol`` names the StARRT framework (Shrier, BJSM
2015;49:1311), ``problem`` the bone stress injury (the Condition), ``investigation`` the three
steps (each a group with its findings as text), ``finding`` the decision under a local code
system, ``summary`` the decision in words with its restrictions and reasons."""

from __future__ import annotations

from typing import Any

from protocols.models import ReturnDecision

STARRT = "https://doi.org/10.1136/bjsports-2014-094569"


def _step(text: str, lines: list[tuple[str, str]]) -> dict[str, Any]:
    """One StARRT step: its name as the group's code, each finding a Reference with a display
    only (R4 allows a Reference without a target)."""
    return {
        "code": {"text": text},
        "item": [{"display": f"{label}: {value}"} for label, value in lines if value],
    }


def clinical_impression(
    decision: ReturnDecision, *, patient: str, condition: str, base: str
) -> dict[str, Any]:
    summary = decision.outcome_sentence()
    if decision.restrictions:
        summary += f" Restrictions: {decision.restrictions}"
    summary += f" Reasons: {decision.reasons}"
    resource: dict[str, Any] = {
        "status": "completed",
        "code": {"text": "Return-to-play decision (StARRT)"},
        "description": "Return-to-play decision with the StARRT framework: tissue health, "
        "tissue stresses, risk-tolerance modifiers.",
        "subject": {"reference": patient},
        "date": decision.recorded_at.isoformat(timespec="seconds"),
        "assessor": {"display": str(decision.recorded_by)},
        "problem": [{"reference": condition}],
        "protocol": [STARRT],
        "investigation": [
            _step(
                "Step 1: tissue health",
                [
                    ("Symptoms", decision.symptoms),
                    ("Tenderness", decision.tenderness),
                    ("Imaging", decision.imaging),
                    ("Strength and hop", decision.function_tests),
                ],
            ),
            _step(
                "Step 2: tissue stresses",
                [
                    ("Sport", decision.sport),
                    ("Level", decision.get_level_display()),
                    ("Position or event", decision.position_event),
                    ("Surface", decision.surface),
                    ("Planned load", decision.planned_load),
                ],
            ),
            _step(
                "Step 3: risk-tolerance modifiers",
                [
                    ("Timing in the season", decision.get_season_timing_display()),
                    ("Pressure", decision.pressure),
                    ("Masking", decision.masking),
                    ("Conflicts of interest", decision.conflicts),
                    ("Fear", decision.fear),
                ],
            ),
        ],
        "summary": summary,
        "finding": [
            {
                "itemCodeableConcept": {
                    "coding": [
                        {
                            "system": f"{base}/CodeSystem/return-decision",
                            "code": decision.decision,
                            "display": decision.get_decision_display(),
                        }
                    ],
                    "text": decision.get_decision_display(),
                },
                "basis": decision.reasons,
            }
        ],
    }
    if decision.cleared_from:
        resource["effectiveDateTime"] = decision.cleared_from.isoformat()
    return resource
