"""The contract tables of tests/protocols/test_criteria.py for the kind that reads test
batteries (protocols/engine/criteria/symmetry.py), merged into that module's tables.

Dated stories: a phase began on 3 March 2025 and is judged on 23 March; the 90 % default is
extrapolated from ACL and Achilles practice (clinical.md §11)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from protocols.engine.records import Snapshot, SymmetryEntry

START = date(2025, 3, 3)
TODAY = date(2025, 3, 23)


def _snap(*entries: SymmetryEntry) -> Snapshot:
    return Snapshot(phase_started_on=START, symmetry=entries)


def _hop(days_ago: int, involved, uninvolved, pain=None) -> SymmetryEntry:
    return SymmetryEntry(
        TODAY - timedelta(days=days_ago), "hop_distance", involved, uninvolved, pain
    )


def _strength(days_ago: int, group: str, involved, uninvolved) -> SymmetryEntry:
    day = TODAY - timedelta(days=days_ago)
    return SymmetryEntry(day, "isometric_strength", involved, uninvolved, 0, group)


DEFAULTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "limb_symmetry": (
        {"test": "hop_distance"},
        {"test": "hop_distance", "group": "any", "min_lsi": 90, "max_pain": None,
         "within_days": 14},
    ),
}  # fmt: skip

BAD_TYPE: dict[str, tuple[dict[str, Any], str, str]] = {
    "limb_symmetry": (
        {"test": "hop_distance", "min_lsi": "90"},
        "min_lsi",
        "Minimum limb symmetry (%) must be a number.",
    ),
}

OUT_OF_RANGE: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "limb_symmetry",
        {"test": "hop_distance", "max_pain": 11},
        "max_pain",
        "Pain maximum during the test must be between 0 and 10.",
    ),
]

DESCRIPTIONS: list[tuple[dict[str, Any], str]] = [
    (
        {"kind": "limb_symmetry", "test": "hop_distance", "max_pain": 2},
        "Single-leg hop for distance: limb symmetry (involved ÷ uninvolved) at least 90% at the "
        "latest battery in the last 14 days, with pain at most 2/10.",
    ),
]

HOP = {"kind": "limb_symmetry", "test": "hop_distance", "max_pain": 2}
STRENGTH = {"kind": "limb_symmetry", "test": "isometric_strength"}

# fmt: off
EVALUATIONS: dict[str, list] = {
    "limb_symmetry": [
        # 20 March: involved 117 cm, uninvolved 130 cm: 90.0 %, pain 1/10: met.
        ("met at 90 %", HOP, _snap(_hop(3, 117, 130, 1)), True, 90.0, 90,
         ("90%", "on 20 Mar", "pain 1/10")),
        # 10 March 80 % then 20 March 92 %: the latest decides.
        ("the latest decides", HOP, _snap(_hop(13, 104, 130, 0), _hop(3, 120, 130, 0)),
         True, 92.3, 90, ("92.3%",)),
        ("below 90 %", HOP, _snap(_hop(3, 100, 130, 0)), False, 76.9, 90,
         ("76.9%", "90% needed")),
        ("too much pain", HOP, _snap(_hop(3, 125, 130, 4)), False, 96.2, 90,
         ("pain 4/10", "limit is 2/10")),
        ("no battery", HOP, _snap(), None, None, 90, ("no Single-leg hop",)),
        # 20 March: only the involved leg hopped: incomplete, never a symmetry of one side.
        ("incomplete: one side", HOP, _snap(_hop(3, 120, None, 0)), None, None, 90,
         ("incomplete", "uninvolved side is missing")),
        # A complete 92 % on 10 March, an incomplete one on 20 March: the latest is incomplete.
        ("latest incomplete", HOP, _snap(_hop(13, 120, 130, 0), _hop(3, None, 130, 0)),
         None, None, 90, ("incomplete",)),
        ("no pain rating", HOP, _snap(_hop(3, 125, 130)), None, None, 90, ("no pain rating",)),
        ("before the phase", HOP, _snap(_hop(25, 125, 130, 0)), None, None, 90, ("no ",)),
        # The dynamometer: every muscle group of the latest day must reach 90 %.
        ("weakest group decides", STRENGTH,
         _snap(_strength(2, "plantarflexors", 950, 1000), _strength(2, "knee_extensors", 500, 600)),
         False, 83.3, 90, ("83.3%",)),
    ],
}
# fmt: on
