"""The bone-health work-up's results: each kind's unit, plausible range and reference, the
conversion of an alternative unit, and what a value means against its threshold. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class ResultKind:
    kind: str
    label: str
    unit: str
    low: float  # plausible range for input
    high: float
    reference: str
    alt_units: tuple[tuple[str, Decimal], ...] = ()  # (unit, factor to ``unit``)


RESULT_KINDS: dict[str, ResultKind] = {
    r.kind: r
    for r in (
        ResultKind(
            "bmd_lumbar",
            "BMD Z-score, lumbar spine",
            "Z",
            -6,
            6,
            "Z ≤ −1 low for age; ≤ −2 below the expected range (De Souza 2014)",
        ),
        ResultKind(
            "bmd_hip",
            "BMD Z-score, hip",
            "Z",
            -6,
            6,
            "Z ≤ −1 low for age; ≤ −2 below the expected range (De Souza 2014)",
        ),
        ResultKind(
            "bmd_total",
            "BMD Z-score, total body",
            "Z",
            -6,
            6,
            "Z ≤ −1 low for age; ≤ −2 below the expected range (De Souza 2014)",
        ),
        ResultKind(
            "vitamin_d",
            "25(OH)D",
            "nmol/L",
            0,
            500,
            "above 75 nmol/L, preferably above 100 (Larson-Meyer 2015)",
            # × 2.5, not the molar 2.496: the cut-offs are read as pairs (75 nmol/L = 30 ng/mL,
            # 50 = 20; clinical.md §10), and 2.496 would put exactly 30 ng/mL below 75 nmol/L.
            (("ng/mL", Decimal("2.5")),),
        ),
        ResultKind(
            "ferritin",
            "Ferritin",
            "µg/L",
            0,
            5000,
            "below 35 µg/L low in athletes (a commonly used cut-off, clinic protocol)",
            (("ng/mL", Decimal("1")),),  # the same number: 1 ng/mL = 1 µg/L
        ),
        ResultKind("haemoglobin", "Haemoglobin", "g/L", 30, 250, "laboratory's reference range"),
        ResultKind("tsh", "TSH", "mIU/L", 0, 100, "laboratory's reference range"),
        ResultKind(
            "oestradiol",
            "Oestradiol",
            "pmol/L",
            0,
            10000,
            "laboratory's reference range for the cycle day",
        ),
        ResultKind(
            "testosterone", "Testosterone", "nmol/L", 0, 100, "laboratory's reference range"
        ),
    )
}
BMD_KINDS = ("bmd_lumbar", "bmd_hip", "bmd_total")


def to_canonical(kind: str, value: Decimal, unit: str) -> Decimal:
    """``value`` in the kind's unit (25(OH)D: ng/mL × 2.5 = nmol/L). Raises ValueError for a
    unit the kind does not take."""
    spec = RESULT_KINDS[kind]
    if unit in ("", spec.unit):
        return value
    for alt, factor in spec.alt_units:
        if unit == alt:
            return (value * factor).quantize(Decimal("0.1"), ROUND_HALF_UP)
    raise ValueError(f"{spec.label} is recorded in {spec.unit}.")


def interpret(kind: str, value: Decimal) -> tuple[str, str]:
    """(level, words): level "low" | "borderline" | "ok" | "" (no threshold here)."""
    if kind in BMD_KINDS:
        if value <= -2:
            return "low", "below the expected range for age (Z ≤ −2)"
        if value <= -1:
            return "borderline", "low for age (Z ≤ −1)"
        return "ok", "within the expected range"
    if kind == "vitamin_d":
        if value < 75:
            return "low", "below 75 nmol/L"
        if value < 100:
            return "borderline", "75 nmol/L or more, below the preferred 100"
        return "ok", "100 nmol/L or more"
    if kind == "ferritin":
        if value < 35:
            return "low", "below 35 µg/L (low in athletes, clinic protocol)"
        return "ok", "35 µg/L or more"
    return "", ""


def bmd_points(z: Decimal | None) -> int | None:
    """The Triad CRA's BMD item from a Z-score: ≥ −1 → 0, −1 to −2 → 1, ≤ −2 → 2 (De Souza
    2014); None without a score."""
    if z is None:
        return None
    return 2 if z <= -2 else 1 if z < -1 else 0
