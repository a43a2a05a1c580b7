"""The REDs screen for every athlete, modelled on the IOC REDs CAT2 (Mountjoy et al., BJSM
2023;57:1073; severity/risk table in Stellingwerff et al., BJSM 2023;57:1109). Pure: no ORM, no
clock.

Each indicator is answered yes, no or not assessed (None). Severe primary indicators count as
two primary ones (as the CAT2 table says); the traffic light is computed from the counts by
``LIGHT_RULE`` below. Rules of this module, documented in docs/bone-health.md:

- any indicator that applies to the athlete left unanswered → "incomplete": never green, and
  an incomplete screen is unknown to every gate. The light reached by the answers given is kept
  as ``at_least`` so that a partial screen that is already positive still acts.
- indicators apply by sex (menstrual ones to women, testosterone ones to men, both to an
  athlete whose sex is other or not recorded) and age (growth trajectory: under 18).
- the red light needs clinical judgement (medical instability, a severe eating disorder): it
  is one of the answers (``red_findings``), never inferred from counts alone beyond
  ``LIGHT_RULE``.

The count thresholds are this clinic's reading of the CAT2 figure and an editable default
("clinic protocol"): the CAT2 itself is a clinician's tool, to be completed by a physician with
the athlete's history, examination and laboratory results; a light is a recommendation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SEVERE, PRIMARY, SECONDARY, RED = "severe", "primary", "secondary", "red"
FEMALE, MALE, ALL, YOUNG = "female", "male", "all", "young"

# key: (words for the clinician, tier, who it applies to)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "primary_amenorrhoea": (
        "Primary amenorrhoea, or prolonged secondary amenorrhoea (≥ 12 missed cycles)",
        SEVERE,
        FEMALE,
    ),
    "clinical_low_testosterone": (
        "Clinically low free or total testosterone (below the reference range)",
        SEVERE,
        MALE,
    ),
    "secondary_amenorrhoea": (
        "Secondary amenorrhoea (3–11 consecutive missed cycles) from functional hypothalamic "
        "amenorrhoea",
        PRIMARY,
        FEMALE,
    ),
    "subclinical_low_testosterone": (
        "Subclinically low testosterone (lowest quartile of the reference range)",
        PRIMARY,
        MALE,
    ),
    "low_t3": ("Low total or free T3 (lowest quartile or below)", PRIMARY, ALL),
    "bsi_history": (
        "≥ 1 high-risk (femoral neck, sacrum, pelvis) or ≥ 2 low-risk BSIs in 2 years, or "
        "≥ 6 months out of training with a BSI in 2 years",
        PRIMARY,
        ALL,
    ),
    "low_bmd": (
        "Low BMD: Z-score < −1 (lumbar spine, total hip or femoral neck; spine or total body "
        "less head under 18) or a fall from prior testing",
        PRIMARY,
        ALL,
    ),
    "growth_deviation": (
        "A negative deviation from the previous growth trajectory (height and/or weight)",
        PRIMARY,
        YOUNG,
    ),
    "eating_disorder": (
        "Elevated EDE-Q global score (> 2.30 women, > 1.68 men) or a diagnosed eating disorder",
        PRIMARY,
        ALL,
    ),
    "oligomenorrhoea": (
        "Oligomenorrhoea (cycles longer than 35 days; 6–9 periods a year)",
        SECONDARY,
        FEMALE,
    ),
    "low_libido": ("Low libido or fewer morning erections", SECONDARY, MALE),
    "low_ea": (
        "Low energy availability measured (about 30 kcal/kg FFM/day or less) or "
        "sub-clinical disordered eating",
        SECONDARY,
        ALL,
    ),
    "one_low_risk_bsi": ("One low-risk BSI in the previous 2 years", SECONDARY, ALL),
    "lipids": ("Raised LDL or total cholesterol", SECONDARY, ALL),
    "iron_deficiency": ("Iron deficiency, with or without anaemia", SECONDARY, ALL),
    "mood": ("Depression or anxiety (clinically assessed)", SECONDARY, ALL),
    "red_findings": (
        "Red-light findings, by clinical judgement: a severe eating disorder or medical "
        "instability (e.g. bradycardia, orthostatic hypotension, electrolyte disturbance)",
        RED,
        ALL,
    ),
}

LIGHTS = ("green", "yellow", "orange", "red")
LIGHT_WORDS = {
    "green": "Green — low risk: full training and competition",
    "yellow": "Yellow — low-to-moderate risk: train with monitoring and treatment",
    "orange": "Orange — moderate-to-high risk: modified training, treatment by the team",
    "red": "Red — very high risk: no training or competition until reviewed",
    "incomplete": "Incomplete — not every indicator assessed: not a clearance",
}

# Clinic protocol (editable default), the counts per light, primary indicators counting a
# severe one as two: red ≥ 4 primary (or a red-light finding); orange 2–3 primary, or 1 with
# ≥ 2 secondary, or ≥ 4 secondary; yellow 1 primary or 2–3 secondary; green otherwise.
LIGHT_RULE = {"red_primary": 4, "orange_primary": 2, "orange_secondary": 4, "yellow_secondary": 2}


@dataclass(frozen=True)
class RedsResult:
    light: str  # green | yellow | orange | red | incomplete
    at_least: str  # the light the answers given reach (== light when complete)
    primary: int  # primary indicators present, a severe one counting as two
    secondary: int
    present: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def positive(self) -> bool:
        """Yellow or worse (even on an incomplete screen: what is present already counts)."""
        return self.at_least != "green"

    @property
    def level(self) -> int:
        """0 green … 3 red, of ``at_least``."""
        return LIGHTS.index(self.at_least)

    @property
    def label(self) -> str:
        text = LIGHT_WORDS[self.light]
        if self.missing and self.at_least != "green":
            text += f" (at least {self.at_least} on the answers given)"
        return text


def applies(key: str, *, sex: str, under_18: bool) -> bool:
    who = INDICATORS[key][2]
    if who == FEMALE:
        return sex != MALE
    if who == MALE:
        return sex != FEMALE
    if who == YOUNG:
        return under_18
    return True


def applicable(*, sex: str, under_18: bool) -> list[str]:
    return [k for k in INDICATORS if applies(k, sex=sex, under_18=under_18)]


def _light(primary: int, secondary: int, red: bool) -> str:
    rule = LIGHT_RULE
    if red or primary >= rule["red_primary"]:
        return "red"
    if (
        primary >= rule["orange_primary"]
        or (primary == 1 and secondary >= 2)
        or secondary >= rule["orange_secondary"]
    ):
        return "orange"
    if primary == 1 or secondary >= rule["yellow_secondary"]:
        return "yellow"
    return "green"


def reds_cat2(answers: Mapping[str, bool | None], *, sex: str, under_18: bool) -> RedsResult:
    """The traffic light of ``answers`` (indicator → True present, False absent, None not
    assessed). Indicators that do not apply to the athlete are ignored whatever they say."""
    unknown = [k for k in answers if k not in INDICATORS]
    if unknown:
        raise ValueError(f"Unknown indicator: {', '.join(sorted(unknown))}.")
    keys = applicable(sex=sex, under_18=under_18)
    present = tuple(k for k in keys if answers.get(k) is True)
    missing = tuple(k for k in keys if answers.get(k) not in (True, False))
    primary = sum(
        2 if INDICATORS[k][1] == SEVERE else 1
        for k in present
        if INDICATORS[k][1] in (SEVERE, PRIMARY)
    )
    secondary = sum(1 for k in present if INDICATORS[k][1] == SECONDARY)
    at_least = _light(primary, secondary, "red_findings" in present)
    light = at_least if not missing else "incomplete"
    return RedsResult(light, at_least, primary, secondary, present, missing)
