"""The test battery's vocabulary: the tests recorded left and right in one sitting, their units
and plausible ranges, the dynamometer's muscle groups, and the Y-balance composite score.

Pure: no ORM, no clock, no I/O. The limb symmetry index itself is
``records.limb_symmetry_index`` (involved ÷ uninvolved × 100); a test with one side missing is
"incomplete" and has none (docs/criteria.md, "Test batteries"; clinical.md §11).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from protocols.engine.records import SymmetryEntry, limb_symmetry_index


class BatteryTest(NamedTuple):
    code: str
    label: str
    unit: str  # "cm", "hops", "raises", "N or kg", "% of limb length"
    high: float  # the largest plausible value, per side (kg for the dynamometer)
    whole: bool  # counts are whole numbers
    athlete: str  # the athlete's words for it


BATTERY_TESTS: tuple[BatteryTest, ...] = (
    BatteryTest("hop_distance", "Single-leg hop for distance", "cm", 400, False, "single-leg hop"),
    BatteryTest("triple_hop", "Triple hop for distance", "cm", 1200, False, "triple hop"),
    BatteryTest("hops_to_pain", "Hops to pain", "hops", 1000, True, "hops before pain"),
    BatteryTest(
        "calf_raises",
        "Calf raises to fatigue (single-leg, 60 bpm)",
        "raises",
        300,
        True,
        "single-leg calf raises",
    ),
    BatteryTest(
        "isometric_strength",
        "Isometric strength (dynamometer)",
        "N or kg",
        500,
        False,
        "leg strength",
    ),
    BatteryTest("y_balance_anterior", "Y-balance reach, anterior", "cm", 250, False, "balance"),
    BatteryTest(
        "y_balance_posteromedial", "Y-balance reach, posteromedial", "cm", 250, False, "balance"
    ),
    BatteryTest(
        "y_balance_posterolateral", "Y-balance reach, posterolateral", "cm", 250, False, "balance"
    ),
)
"""The tests a clinician records, in the form's order."""

Y_BALANCE_REACHES = ("y_balance_anterior", "y_balance_posteromedial", "y_balance_posterolateral")
Y_BALANCE_COMPOSITE = BatteryTest(
    "y_balance_composite",
    "Y-balance composite (% of limb length)",
    "%",
    300,
    False,
    "balance",
)
"""Computed from the three reaches and the limb length, never recorded."""

TESTS: dict[str, BatteryTest] = {t.code: t for t in (*BATTERY_TESTS, Y_BALANCE_COMPOSITE)}
TEST_CHOICES: tuple[tuple[str, str], ...] = tuple((t.code, t.label) for t in TESTS.values())

MUSCLE_GROUPS: tuple[tuple[str, str], ...] = (
    ("plantarflexors", "Plantarflexors"),
    ("knee_extensors", "Knee extensors"),
    ("knee_flexors", "Knee flexors"),
    ("hip_abductors", "Hip abductors"),
    ("hip_extensors", "Hip extensors"),
)
"""The dynamometer's muscle groups, one row each."""

FORCE_UNITS: dict[str, float] = {"N": 5000, "kg": 500}
"""The dynamometer's units and the largest plausible reading in each."""

MAX_LIMB_LENGTH_CM = 150
DEFAULT_MIN_LSI = 90
"""Limb symmetry at least 90 %: extrapolated from ACL and Achilles practice (clinical.md §11)."""
LSI_SOURCE = "extrapolated from ACL and Achilles practice (clinical.md §11)"


def y_balance_composite(
    reaches: Mapping[str, float | None], limb_length: float | None
) -> float | None:
    """The Y-balance composite score of one limb: the three reaches' sum ÷ (3 × limb length)
    × 100, to one decimal; None when a reach or the limb length is missing."""
    values = [reaches.get(code) for code in Y_BALANCE_REACHES]
    if limb_length is None or limb_length <= 0 or any(v is None for v in values):
        return None
    return round(sum(values) / (3 * float(limb_length)) * 100, 1)  # type: ignore[arg-type]


def sides(left: float | None, right: float | None, involved_side: str) -> tuple:
    """(involved, uninvolved) of a left and a right value."""
    return (left, right) if involved_side == "left" else (right, left)


def lsi_of(left: float | None, right: float | None, involved_side: str) -> float | None:
    return limb_symmetry_index(*sides(left, right, involved_side))


def battery_entries(
    day: date,
    involved_side: str,
    results: list[tuple[str, str, float | None, float | None, float | None]],
    limb_lengths: tuple[float | None, float | None] = (None, None),
) -> list[SymmetryEntry]:
    """A battery's tests as the engine reads them: each result (test, muscle group, left,
    right, pain) as involved and uninvolved, and the Y-balance composite when a reach was
    recorded and both limb lengths are given (incomplete when a reach of a side is missing)."""
    out = []
    reaches: dict[str, dict[str, float | None]] = {"left": {}, "right": {}}
    pains = []
    for test, group, left, right, pain in results:
        involved, uninvolved = sides(left, right, involved_side)
        out.append(SymmetryEntry(day, test, involved, uninvolved, pain, group or ""))
        if test in Y_BALANCE_REACHES:
            reaches["left"][test], reaches["right"][test] = left, right
            pains.append(pain)
    if pains and all(length is not None for length in limb_lengths):
        left = y_balance_composite(reaches["left"], limb_lengths[0])
        right = y_balance_composite(reaches["right"], limb_lengths[1])
        worst = max((p for p in pains if p is not None), default=None)
        involved, uninvolved = sides(left, right, involved_side)
        out.append(SymmetryEntry(day, Y_BALANCE_COMPOSITE.code, involved, uninvolved, worst))
    return out
