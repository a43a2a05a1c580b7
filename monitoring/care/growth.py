"""Age, adolescents and body weight for the bone-health screens. Pure: callers pass the day.

- Age from the date of birth on the day of the review.
- Under 18 the Triad BMI item reads the % of expected body weight (EBW), not absolute BMI
  (De Souza et al., BJSM 2014;48:289, table footnote): ≥ 90% EBW 0 points, 85 to < 90% 1 point,
  < 85% 2 points. Expected weight here is the **BMI-for-age median method**: the median BMI for
  the athlete's age and sex times the height in metres squared. The medians below are the CDC
  2000 BMI-for-age medians at whole years (Kuczmarski et al., Vital Health Stat 11 2002;246),
  from the CDC's data file; the age is taken in whole years (a labelled approximation within a
  year of growth, an editable default); a clinician with the athlete's own growth chart judges
  better.
- Calcium reference intake 1,300 mg/day at 14–18 years, 1,000 at 19–50 (IOM 2011; clinical.md
  §10).
"""

from __future__ import annotations

from decimal import Decimal

# Re-exported: the screens read the age rules here.
from athletes.ages import ADULT_AGE as ADULT_AGE
from athletes.ages import age_on as age_on
from athletes.ages import is_under_18 as is_under_18

EBW_METHOD = (
    "% of expected body weight: weight ÷ (median BMI for age and sex × height²), the median "
    "from the CDC 2000 BMI-for-age data at whole years of age (clinic protocol)"
)

# CDC 2000 BMI-for-age, the median (the LMS table's M, = the 50th percentile) at each whole year
# of age (the data file's row for age + 0.5 month, e.g. 192.5 months at 16), kg/m², one
# decimal; from the CDC's data file bmiagerev.csv (Kuczmarski et al. 2002). Used under 18 only
# (an older age reads adult BMI); ages outside 8–17 take the nearest year.
MEDIAN_BMI: dict[str, dict[int, float]] = {
    "female": {
        8: 15.8,
        9: 16.3,
        10: 16.9,
        11: 17.5,
        12: 18.1,
        13: 18.7,
        14: 19.4,
        15: 19.9,
        16: 20.5,
        17: 20.9,
    },  # fmt: skip
    "male": {
        8: 15.8,
        9: 16.2,
        10: 16.6,
        11: 17.2,
        12: 17.8,
        13: 18.5,
        14: 19.2,
        15: 19.9,
        16: 20.6,
        17: 21.2,
    },  # fmt: skip
}


def calcium_reference(age: int | None) -> int:
    """Reference calcium intake (mg/day): 1,300 at 14–18 years (9–13 too), 1,000 at 19–50
    (and when the age is not known)."""
    if age is not None and 9 <= age <= 18:
        return 1300
    return 1000


def calcium_text(age: int | None) -> str:
    ref = calcium_reference(age)
    if age is None:
        return "Reference 1,000 mg/day (19–50 years), 1,300 (14–18): date of birth not recorded."
    return f"Reference {ref:,} mg/day at {age} years (1,300 at 14–18, 1,000 at 19–50)."


def bmi(height_cm: Decimal | float, weight_kg: Decimal | float) -> float:
    metres = float(height_cm) / 100
    return float(weight_kg) / (metres * metres)


def expected_weight(height_cm: Decimal | float, age: int, sex: str) -> float | None:
    """Expected body weight (kg) by the BMI-for-age median method; None for a sex the charts do
    not cover (other, not recorded)."""
    table = MEDIAN_BMI.get(sex)
    if table is None:
        return None
    median = table[min(max(age, min(table)), max(table))]
    metres = float(height_cm) / 100
    return median * metres * metres


def percent_expected_weight(
    height_cm: Decimal | float, weight_kg: Decimal | float, age: int, sex: str
) -> float | None:
    expected = expected_weight(height_cm, age, sex)
    return None if expected is None else 100 * float(weight_kg) / expected


def triad_weight_points(
    height_cm: Decimal | float, weight_kg: Decimal | float, *, age: int | None, sex: str
) -> tuple[int | None, str]:
    """The Triad BMI item from height and weight (the weight-loss-per-month part of the item
    stays the clinician's answer): adults by BMI (≥ 18.5 → 0, 17.5–18.5 → 1, ≤ 17.5 → 2),
    under 18 by % of expected body weight (≥ 90 → 0, 85–90 → 1, < 85 → 2). Returns the points
    (None when they cannot be computed) and the words that say how."""
    if age is not None and age < ADULT_AGE:
        pct = percent_expected_weight(height_cm, weight_kg, age, sex)
        if pct is None:
            return None, "Under 18: % of expected weight needs the athlete's sex recorded."
        points = 0 if pct >= 90 else 1 if pct >= 85 else 2
        return points, f"{pct:.0f}% of expected body weight at {age} years ({EBW_METHOD})"
    value = bmi(height_cm, weight_kg)
    points = 0 if value >= 18.5 else 1 if value > 17.5 else 2
    return points, f"BMI {value:.1f} kg/m²"


def menses_points(periods_in_12_months: int) -> int:
    """The Triad menses item from a count of periods in the last 12 months: > 9 → 0, 6–9 → 1,
    < 6 → 2 (De Souza 2014)."""
    if periods_in_12_months > 9:
        return 0
    return 1 if periods_in_12_months >= 6 else 2


def _number(value, field: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(field, "Enter a number.") from None
    if not low <= number <= high:
        raise ValueError(field, f"Between {low:g} and {high:g}.")
    return number


def weighed_points(
    points: dict[str, int | None], height_cm, weight_kg, *, age: int | None, sex: str
) -> tuple[dict[str, int | None], str | None]:
    """The Triad points with the BMI item computed from height and weight when both are given
    (``triad_weight_points``): the higher of the computed points and the clinician's answer
    (whose weight-loss-per-month part the computation cannot see). Raises ``ValueError(field,
    message)`` for a height or weight out of range."""
    height = _number(height_cm, "height_cm", 100, 230)
    weight = _number(weight_kg, "weight_kg", 20, 200)
    if height is None or weight is None:
        if (height is None) != (weight is None):
            missing = "weight_kg" if weight is None else "height_cm"
            raise ValueError(missing, "Give both height and weight, or neither.")
        return dict(points), None
    computed, words = triad_weight_points(height, weight, age=age, sex=sex)
    out = dict(points)
    if computed is not None:
        given = out.get("bmi")
        out["bmi"] = computed if given is None else max(given, computed)
        words += f" → {out['bmi']} point{'s' if out['bmi'] != 1 else ''} on the BMI item"
    return out, words
