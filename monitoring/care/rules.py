"""Pure rules of care-team follow-up: the Triad cumulative risk score, overdue reviews and the
booster schedule. No ORM, no clock: callers pass today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def in_maintenance(returned: bool, phase: Any, last_order: int) -> bool:
    """A case is in its maintenance (full return) phase when it has ``returned``, or when its
    active plan is in its last phase ``phase`` (the highest order ``last_order``: orders may
    have gaps after edits)."""
    if returned:
        return True
    return bool(phase and last_order and phase.order >= last_order)


# The six components of the Female Athlete Triad cumulative risk assessment, each scored 0, 1
# or 2 (De Souza et al., BJSM 2014;48:289), with what each score means.
CRA_COMPONENTS: dict[str, tuple[str, tuple[str, str, str]]] = {
    "energy": (
        "Low energy availability",
        (
            "No dietary restriction",
            "Some restriction, or a history of disordered eating",
            "Meets criteria for an eating disorder",
        ),
    ),
    "bmi": (
        "Low BMI",
        (
            "BMI 18.5 or more",
            "BMI 17.5–18.5, or 5–10% weight loss in a month",
            "BMI 17.5 or less, or 10% or more weight loss in a month",
        ),
    ),
    "menarche": (
        "Age at menarche",
        ("Before 15", "At 15 (15 to under 16)", "16 or later"),
    ),
    "menses": (
        "Periods in the last 12 months",
        ("More than 9", "6 to 9", "Fewer than 6"),
    ),
    "bmd": (
        "Bone mineral density (Z-score)",
        ("−1 or above", "Between −1 and −2", "−2 or below"),
    ),
    "bsi": (
        "Stress reactions or fractures",
        (
            "None",
            "One",
            "Two or more, or one at a high-risk trabecular site",
        ),
    ),
}
SEX_SPECIFIC = frozenset({"menarche", "menses"})

# Under 18 the weight item is % of expected body weight, not BMI (De Souza 2014).
UNDER_18_WEIGHT = (
    "Low body weight (% of expected body weight)",
    ("90% or more of expected", "85–90% of expected", "Less than 85% of expected"),
)


def component(key: str, *, under_18: bool = False) -> tuple[str, tuple[str, ...]]:
    """A Triad item's label and the meaning of each of its points, for the athlete's age."""
    return UNDER_18_WEIGHT if key == "bmi" and under_18 else CRA_COMPONENTS[key]


@dataclass(frozen=True)
class CraResult:
    total: int  # of the items scored; a clearance only when nothing is missing
    scored: int  # how many components were scored
    clearance: str  # "full" | "provisional" | "restricted" | "incomplete"
    missing: tuple[str, ...] = ()  # required components not scored
    points: tuple[tuple[str, int], ...] = ()  # the points counted, trabecular rule applied

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def clearance_label(self) -> str:
        if self.missing:
            names = ", ".join(CRA_COMPONENTS[k][0].lower() for k in self.missing)
            return f"Incomplete, not a clearance (not scored: {names})"
        return {
            "full": "Full clearance (0–1)",
            "provisional": "Provisional or limited clearance (2–5)",
            "restricted": "Restricted from training and competition (6 or more)",
        }[self.clearance]


def triad_cra(
    points: Mapping[str, int | None], *, sex: str = "female", trabecular_site: bool = False
) -> CraResult:
    """The cumulative risk score computed from its component points (0–2 each; None when not
    scored). Total 0–1 full clearance, 2–5 provisional or limited, 6 or more restricted
    (De Souza et al. 2014).

    Every component is required; the menstrual ones only for a female athlete (not applicable
    otherwise). With a required component missing the score is "incomplete": never a
    clearance (clinical.md §11). A stress injury at a trabecular site (femoral neck, sacrum,
    pelvis) scores 2 on the stress-reaction item by itself.
    """
    counted: dict[str, int] = {}
    for key in CRA_COMPONENTS:
        value = points.get(key)
        if value is None:
            continue
        if value not in (0, 1, 2):
            raise ValueError(f"{key}: points are 0, 1 or 2.")
        counted[key] = value
    if trabecular_site:
        counted["bsi"] = 2
    required = [k for k in CRA_COMPONENTS if sex == "female" or k not in SEX_SPECIFIC]
    missing = tuple(k for k in required if k not in counted)
    total = sum(counted.values())
    if missing:
        clearance = "incomplete"
    else:
        clearance = "full" if total <= 1 else "provisional" if total <= 5 else "restricted"
    return CraResult(
        total=total,
        scored=len(counted),
        clearance=clearance,
        missing=missing,
        points=tuple((k, counted[k]) for k in CRA_COMPONENTS if k in counted),
    )


# IOC REDs CAT2 primary indicators that a simple REDs screen records (Mountjoy et al., BJSM
# 2023;57:1073); any one present makes the screen positive. The full REDs CAT2 comes with the
# bone-health work-up.
REDS_INDICATORS: dict[str, str] = {
    "low_ea": "Low energy availability or disordered eating",
    "bsi_history": "≥ 1 high-risk (femoral neck, sacrum, pelvis) or ≥ 2 low-risk bone stress "
    "injuries in 2 years, or ≥ 6 months out with a BSI",
    "low_bmd": "Low bone mineral density (Z-score ≤ −1)",
    "hormones": "Low testosterone, or menstrual dysfunction (primary or secondary amenorrhoea)",
    "weight_loss": "Recent weight loss or low body weight for the sport",
}


MENSES_TO_STATUS = {0: "regular", 1: "oligomenorrhea", 2: "amenorrhea"}
"""The menses item's points as ``athletes.Case.menstrual_status`` (the same cut-offs)."""


def is_overdue(due_on: dt.date, today: dt.date) -> bool:
    """A review is overdue from the day after its due date."""
    return due_on < today


def days_overdue(due_on: dt.date, today: dt.date) -> int:
    return max(0, (today - due_on).days)


def next_booster(done_on: dt.date, repeat_weeks: int) -> dt.date:
    """The next booster review, ``repeat_weeks`` after the one just done."""
    return done_on + dt.timedelta(weeks=repeat_weeks)
