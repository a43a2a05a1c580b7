"""Rules a plan takes from its case's site and screens, whatever template it is drafted from.

``plan_create`` copies a template's phases and passes them through ``apply``, so a femoral
neck gets its rules from any template (the femoral-neck one, the general high-risk one, or a
clinician's own), and a trabecular site or a positive screen gets the bone-health gate. Each
rule added is said in the phase's notes. Pure: no ORM.

- Femoral neck, both sides: the high-risk pain rules (any rest pain, activity pain above 1/10,
  sharp or night pain, pain lasting 24 h... are red flags at a high-risk site) and the
  ``femoral_neck_findings`` red flag (fracture line over 50% of the neck width or an effusion:
  urgent referral). Tension side: weight bearing beyond touch-down waits for a recorded
  orthopaedic decision (``orthopaedic_decision`` on the phase before). Robertson & Wood,
  "Femoral neck stress fractures in sport", Sports Med Int Open 2017;1:E58-68.
- Trabecular sites (femoral neck, sacrum, pelvis) require the bone-health screen (De Souza et
  al. 2014; Mountjoy et al. 2023): ``bone_health_screen`` on the phase before the first impact.
- Bone-health risk factors (a positive screen: a restricted Triad score, a positive REDs or
  RED-S screen; menstrual dysfunction, prior BSIs, low vitamin D) make the plan conservative:
  the conservative template is suggested first, and without one for the site the same gate
  is added.
- The Triad gate of the shipped templates (``assessment`` of ``bone_health_cra``) becomes the
  ``bone_health_screen`` gate, which reads an incomplete score as unknown and a man's REDs
  screen (the Triad tool is validated in women only).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from athletes.sites import FEMORAL_NECK_SITES, TRABECULAR_SITES

BEYOND_TOUCH_DOWN = frozenset({"pwb", "fwb", "boot"})
IMPACT = frozenset({"moderate", "high"})

# The high-risk pain rules (protocols.library's high-risk plans), by (kind, field).
HIGH_RISK_PAIN_RULES: tuple[dict[str, Any], ...] = (
    {"kind": "pain_above", "field": "rest", "above": 0},
    {"kind": "pain_above", "field": "during", "above": 1},
    {"kind": "pain_above", "field": "after", "above": 1},
    {"kind": "pain_persisting", "hours": 24},
    {"kind": "sharp_pain"},
    {"kind": "night_pain"},
)
FINDINGS_RULE = {"kind": "femoral_neck_findings", "max_percent": 50}
DECISION_GATE = {"kind": "orthopaedic_decision"}


def _has(items: Sequence[Mapping[str, Any]], kind: str) -> bool:
    return any(i.get("kind") == kind for i in items)


def _note(phase: dict[str, Any], text: str) -> None:
    notes = phase.get("notes") or ""
    if text not in notes:
        phase["notes"] = (notes + " " + text).strip() if notes else text


def _stricter_pain_rules(phase: dict[str, Any]) -> bool:
    """Make the phase's pain regression rules at least as strict as the high-risk ones."""
    rules = [dict(r) for r in phase.get("regress_when") or []]
    changed = False
    for wanted in HIGH_RISK_PAIN_RULES:
        same = [
            r
            for r in rules
            if r.get("kind") == wanted["kind"] and r.get("field") == wanted.get("field")
        ]
        if not same:
            rules.append(dict(wanted))
            changed = True
            continue
        for rule in same:
            for key in ("above", "hours"):
                if key in wanted and rule.get(key, wanted[key]) > wanted[key]:
                    rule[key] = wanted[key]
                    changed = True
    phase["regress_when"] = rules
    return changed


def _screen_gate(item: Mapping[str, Any]) -> dict[str, Any]:
    """The ``bone_health_screen`` gate for a Triad ``assessment`` gate."""
    limit = item.get("max")
    return {"kind": "bone_health_screen", "max_score": int(limit if limit is not None else 5)}


def _upgrade_triad_gates(phase: dict[str, Any]) -> bool:
    items, changed = [], False
    for item in phase.get("advance_when") or []:
        if item.get("kind") == "assessment" and item.get("test") == "bone_health_cra":
            if not _has(items, "bone_health_screen"):
                items.append(_screen_gate(item))
            changed = True
            continue
        items.append(item)
    phase["advance_when"] = items
    return changed


def _before_first_impact(phases: Sequence[dict[str, Any]]) -> int:
    """The index of the phase whose advance leads to the first impact phase (the first phase
    when the plan starts with impact or has none)."""
    for index, phase in enumerate(phases):
        if phase.get("impact") in IMPACT:
            return max(0, index - 1)
    return max(0, len(phases) - 1)


def apply(
    phases: Sequence[Mapping[str, Any]],
    *,
    site: str,
    bone_health_risk: bool = False,
    conservative_template: bool = False,
) -> list[dict[str, Any]]:
    """The phases (``PlanPhase`` fields) with the site's and screens' rules added."""
    out = [copy.deepcopy(dict(p)) for p in phases]
    if not out:
        return out
    for phase in out:
        if _upgrade_triad_gates(phase):
            _note(
                phase,
                "Bone-health gate: the latest screen must clear (a complete Triad score, or a "
                "negative REDs screen for men; an incomplete score is not a clearance).",
            )
    if site in FEMORAL_NECK_SITES:
        for phase in out:
            _stricter_pain_rules(phase)
            if not _has(phase["regress_when"], FINDINGS_RULE["kind"]):
                phase["regress_when"].append(dict(FINDINGS_RULE))
            _note(
                phase,
                "Femoral neck (either side): high-risk pain rules, and a fracture line over "
                "50% of the neck width or a joint effusion is a red flag for urgent referral "
                "(Robertson & Wood 2017).",
            )
    if site == "femoral_neck_tension":
        for index, phase in enumerate(out):
            following = out[index + 1] if index + 1 < len(out) else None
            beyond_next = following is not None and following.get("weight_bearing") in (
                BEYOND_TOUCH_DOWN
            )
            starts_beyond = index == 0 and phase.get("weight_bearing") in BEYOND_TOUCH_DOWN
            gated = _has(phase["advance_when"], "orthopaedic_decision")
            if (beyond_next or starts_beyond) and not gated:
                phase["advance_when"] = [*phase["advance_when"], dict(DECISION_GATE)]
                _note(
                    phase,
                    "Tension side: no weight bearing beyond touch-down until an orthopaedic "
                    "decision (surgical or conservative) is recorded (Robertson & Wood 2017).",
                )
    needs_screen = site in TRABECULAR_SITES or (bone_health_risk and not conservative_template)
    if needs_screen and not any(_has(p["advance_when"], "bone_health_screen") for p in out):
        phase = out[_before_first_impact(out)]
        phase["advance_when"] = [*phase["advance_when"], {"kind": "bone_health_screen"}]
        why = (
            "a trabecular site (De Souza 2014: 2 Triad points by itself; Mountjoy 2023)"
            if site in TRABECULAR_SITES
            else "bone-health risk factors (a positive screen, menstrual dysfunction, prior "
            "BSIs or low vitamin D) and no conservative variant for the site"
        )
        _note(
            phase,
            f"Bone-health screen required before impact: {why}. The latest screen must clear "
            "(a complete Triad score of 5 or less, or a negative REDs screen).",
        )
    return out
