"""A phase in the athlete's plain words: the prescribed exercise, what the injured leg may do,
and the phase's pain rules as instructions (each kind's words come from ``protocols.engine``).
Read by the athlete's Today and by the printed plan summary."""

from __future__ import annotations

from dataclasses import dataclass

from protocols.engine import wording
from protocols.engine.criteria.text import count
from protocols.models import Activity, Impact, PlanPhase, WeightBearing

WEIGHT_BEARING_WORDS = {
    WeightBearing.NWB: "Keep all weight off the injured leg: use your crutches for every step.",
    WeightBearing.TDWB: (
        "Your foot may touch the ground for balance only: let the crutches take your weight."
    ),
    WeightBearing.PWB: "Put only part of your weight on the injured leg, with your crutches.",
    WeightBearing.FWB: "You may walk normally, with your full weight on the leg.",
    WeightBearing.BOOT: "Walk in your boot; take it off only as your clinician told you.",
}
IMPACT_WORDS = {
    Impact.NONE: "No running, jumping or hopping.",
    Impact.LOW: "Low-impact exercise only (such as walking, cycling or swimming): "
    "no running or jumping.",
    Impact.MODERATE: "Some impact, only as in today's plan (such as walk-jog): no sprinting, "
    "jumping or hills.",
    Impact.HIGH: "Running and jumping, as in today's plan.",
}
ACTIVITY_NOUNS = {
    "run": "running",
    "walk_run": "running",
    "anti_gravity_run": "running",
    "plyometrics": "hopping and jumping",
    "sport_specific": "training",
    "walk": "walking",
    "cycle": "cycling",
    "swim": "swimming",
    "aqua_jog": "aqua jogging",
    "elliptical": "the cross-trainer",
    "strength": "strength work",
}
_ACTIVITY_PRIORITY = (
    "run",
    "walk_run",
    "anti_gravity_run",
    "plyometrics",
    "sport_specific",
    "walk",
    "aqua_jog",
    "elliptical",
    "cycle",
    "swim",
    "strength",
)
_ACTIVITY_LABELS = dict(Activity.choices)


def main_activity_noun(phase: PlanPhase | None) -> str:
    """What 'pain during …' means in this phase: its highest-impact prescribed activity."""
    prescribed = {rx.get("activity") for rx in (phase.prescriptions if phase else [])}
    for activity in _ACTIVITY_PRIORITY:
        if activity in prescribed:
            return ACTIVITY_NOUNS[activity]
    return "exercise"


@dataclass(frozen=True)
class Prescription:
    """One prescribed activity in words: "Walking", "20 min, every day"."""

    activity: str
    dose: str
    intensity: str
    notes: str


def prescriptions(phase: PlanPhase | None) -> list[Prescription]:
    """The phase's prescribed exercise: what, how much and how often, how hard."""
    out = []
    for rx in phase.prescriptions if phase else []:
        parts = []
        if rx.get("minutes"):
            parts.append(f"{rx['minutes']} min")
        if rx.get("sessions_per_week"):
            times = rx["sessions_per_week"]
            parts.append("every day" if times >= 7 else f"{count(times, 'time')} a week")
        out.append(
            Prescription(
                activity=_ACTIVITY_LABELS.get(rx.get("activity"), "Exercise"),
                dose=", ".join(parts),
                intensity=rx.get("intensity") or "",
                notes=rx.get("notes") or "",
            )
        )
    return out


def allowed_today(phase: PlanPhase | None) -> list[str]:
    """Weight bearing, crutches and impact in plain words."""
    if phase is None:
        return []
    lines = [WEIGHT_BEARING_WORDS.get(phase.weight_bearing, "")]
    if phase.crutches and phase.weight_bearing in {WeightBearing.FWB, WeightBearing.BOOT}:
        lines.append("Keep using your crutches.")
    lines.append(IMPACT_WORDS.get(phase.impact, ""))
    return [line for line in lines if line]


def pain_limits(phase: PlanPhase | None, red_limit: int | None = None) -> list[str]:
    """The phase's pain rules as instructions: 'pain during running must stay at 2/10 or below'
    (``protocols.engine.wording.pain_rules``, from its advance items and regression rules); with
    ``red_limit`` (``Plan.red_pain_limit``) in a phase with impact, first the level of pain
    during or after it that means stop and contact the team.
    """
    if phase is None:
        return []
    noun = main_activity_noun(phase)
    lines = wording.pain_rules(phase.advance_when or [], phase.regress_when or [], noun)
    if red_limit is not None and phase.impact != Impact.NONE:  # as criteria.impact_days
        red = (
            f"Pain of {red_limit}/10 or more during or after {noun}: stop and contact your "
            "clinical team, whatever the limits below say."
        )
        lines.insert(0, red)
    return lines
