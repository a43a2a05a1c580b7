"""What an athlete may do now, in a coach's words: the restrictions of the current phase.

Pure rules (no ORM, no clock): the activities the phase allows and rules out, derived from the
phase (never retyped), the coach wording of an intensity and the phase in a few plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protocols.models import Activity, Impact, WeightBearing
from protocols.wording import intensity_without_pain

IMPACT_RANK = {Impact.NONE: 0, Impact.LOW: 1, Impact.MODERATE: 2, Impact.HIGH: 3}

ACTIVITY_IMPACT: dict[str, str] = {
    Activity.CYCLE: Impact.NONE,
    Activity.SWIM: Impact.NONE,
    Activity.AQUA_JOG: Impact.NONE,
    Activity.STRENGTH: Impact.NONE,
    Activity.ELLIPTICAL: Impact.LOW,
    Activity.ANTI_GRAVITY_RUN: Impact.LOW,
    Activity.WALK: Impact.LOW,
    Activity.WALK_RUN: Impact.MODERATE,
    Activity.RUN: Impact.MODERATE,
    Activity.PLYOMETRICS: Impact.HIGH,
    Activity.SPORT_SPECIFIC: Impact.HIGH,
}
"""The bone load of each activity; ``other`` has none here (it could be anything)."""

NOT_ALLOWED_WORDS: dict[str, str] = {
    Activity.WALK: "Walking for exercise (everyday walking is fine)",
    Activity.ELLIPTICAL: "Elliptical trainer",
    Activity.ANTI_GRAVITY_RUN: "Anti-gravity treadmill running",
    Activity.WALK_RUN: "Walk-run intervals or jogging",
    Activity.RUN: "Continuous running",
    Activity.PLYOMETRICS: "Jumping, hopping, bounding or plyometrics",
    Activity.SPORT_SPECIFIC: "Sport drills, sprints, training games or matches",
}

IMPACT_WORDS = {
    Impact.NONE: "No impact: nothing where the foot strikes the ground repeatedly.",
    Impact.LOW: "Low impact only: walking pace, no running or jumping.",
    Impact.MODERATE: "Moderate impact: walk-run or easy running only as prescribed; no jumping "
    "or sprinting.",
    Impact.HIGH: "High impact allowed as prescribed, building up gradually.",
}

WEIGHT_BEARING_WORDS = {
    WeightBearing.NWB: "No weight on the injured leg. Crutches for every step; no standing drills.",
    WeightBearing.TDWB: "Toes may touch the ground for balance only, on crutches.",
    WeightBearing.PWB: "Partial weight on the injured leg, with crutches.",
    WeightBearing.BOOT: "Walking boot for all walking and standing.",
    WeightBearing.FWB: "No limit on standing and walking in daily life.",
}

PAIN_FREE_RULE = (
    "Train only while pain-free at the injury site: no pushing through pain.",
    "If pain appears during or after a session, stop that activity and tell the medical team "
    "the same day.",
    "Sharp pain, pain at night or a limp: stop all impact training until the medical team "
    "has seen the athlete.",
    "Change one thing at a time: longer or harder, never both in the same week.",
)
"""The pain rule in coach language. No pain numbers: those belong to the clinical record."""

coach_intensity = intensity_without_pain  # the API's summary view words it the same way


def choice_label(choices, value: str) -> str:
    """The label of a value of a choices class, or the value itself when it is not one."""
    try:
        return choices(value).label
    except ValueError:
        return str(value or "")


@dataclass(frozen=True)
class AllowedActivity:
    """A prescribed activity of the phase, in a coach's words."""

    activity: str
    label: str
    minutes: int | None
    sessions_per_week: int | None
    intensity: str
    impact: str | None
    on_hold: bool = False  # an impact activity while the athlete is under review


@dataclass(frozen=True)
class Restrictions:
    """What the current phase allows and rules out, derived from the phase (never retyped)."""

    impact: str
    impact_label: str
    impact_words: str
    weight_bearing: str
    weight_bearing_label: str
    weight_bearing_words: str
    crutches: bool
    allowed: tuple[AllowedActivity, ...]
    not_allowed: tuple[str, ...]
    pain_rule: tuple[str, ...] = PAIN_FREE_RULE
    hold_message: str = ""  # set while the medical team reviews the athlete

    @property
    def minutes_per_week(self) -> int:
        return sum((a.minutes or 0) * (a.sessions_per_week or 0) for a in self.allowed)


def restrictions_for(phase: Any, *, hold_message: str = "") -> Restrictions:
    """The restrictions of a phase (a ``PlanPhase`` or anything with its fields).

    Not allowed: every activity of higher impact than the phase allows, and every impact
    activity the phase does not prescribe. With ``hold_message`` (an open red flag) every
    prescribed impact activity is on hold until the medical team clears the athlete.
    """
    impact = phase.impact if phase.impact in IMPACT_RANK else Impact.HIGH
    rank = IMPACT_RANK[impact]
    allowed = []
    prescribed = set()
    for rx in phase.prescriptions or ():
        activity = rx.get("activity", "other")
        prescribed.add(activity)
        act_impact = ACTIVITY_IMPACT.get(activity)
        allowed.append(
            AllowedActivity(
                activity=activity,
                label=choice_label(Activity, activity),
                minutes=rx.get("minutes"),
                sessions_per_week=rx.get("sessions_per_week"),
                intensity=coach_intensity(rx.get("intensity")),
                impact=act_impact,
                on_hold=bool(hold_message)
                and act_impact is not None
                and IMPACT_RANK[act_impact] > 0,
            )
        )
    not_allowed = []
    for activity, words in NOT_ALLOWED_WORDS.items():
        if activity in prescribed:
            continue
        act_rank = IMPACT_RANK[ACTIVITY_IMPACT[activity]]
        if act_rank > rank:
            not_allowed.append(words)
        elif act_rank >= 2:  # running within the phase's impact, yet not in its plan
            not_allowed.append(f"{words} (not in this phase yet)")
    weight_bearing = phase.weight_bearing or WeightBearing.FWB
    if weight_bearing in {WeightBearing.NWB, WeightBearing.TDWB, WeightBearing.PWB}:
        not_allowed.insert(0, "Any training standing on the injured leg unless prescribed")
    return Restrictions(
        impact=impact,
        impact_label=choice_label(Impact, impact),
        impact_words=IMPACT_WORDS[impact],
        weight_bearing=weight_bearing,
        weight_bearing_label=choice_label(WeightBearing, weight_bearing),
        weight_bearing_words=WEIGHT_BEARING_WORDS.get(weight_bearing, ""),
        crutches=bool(phase.crutches),
        allowed=tuple(allowed),
        not_allowed=tuple(not_allowed),
        hold_message=hold_message,
    )


def phase_words(phase: Any) -> str:
    """A phase in a few plain words: its impact and, when not full, its weight bearing."""
    parts = [choice_label(Impact, phase.impact)]
    if phase.weight_bearing and phase.weight_bearing != WeightBearing.FWB:
        parts.append(choice_label(WeightBearing, phase.weight_bearing).lower())
    if phase.crutches:
        parts.append("crutches")
    return " · ".join(parts)
