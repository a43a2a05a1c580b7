"""The contract tables of tests/protocols/test_criteria.py for the running-volume kind
(protocols/engine/criteria/volume.py), merged into that module's tables. Stories in dates are
in tests/running/test_volume_stories.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from protocols.engine.records import SessionEntry, Snapshot

START = date(2025, 3, 3)
TODAY = date(2025, 3, 23)


def _snap(km_week=None, runs=()) -> Snapshot:
    sessions = tuple(SessionEntry(TODAY - timedelta(days=d), "run", 40, 4, distance_km=km)
                     for d, km in runs)  # fmt: skip
    facts = {"pre_injury_km_week": km_week, "pre_injury_minutes_week": None}
    return Snapshot(phase_started_on=START, sessions=sessions, facts=facts)


DEFAULTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "pre_injury_volume": ({}, {"percent": 50.0, "window_days": 7}),
}

BAD_TYPE: dict[str, tuple[dict[str, Any], str, str]] = {
    "pre_injury_volume": (
        {"window_days": 7.5},
        "window_days",
        "Days summed must be a whole number.",
    ),
}

OUT_OF_RANGE: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "pre_injury_volume",
        {"percent": 0},
        "percent",
        "At least (% of the pre-injury week) must be between 1 and 200.",
    ),
]

DESCRIPTIONS: list[tuple[dict[str, Any], str]] = [
    (
        {"kind": "pre_injury_volume", "percent": 75},
        "Running of the last 7 days at least 75% of the pre-injury volume (clinic protocol).",
    ),
]

VOLUME = {"kind": "pre_injury_volume"}

# fmt: off
EVALUATIONS: dict[str, list] = {
    "pre_injury_volume": [
        ("met: two runs on one day summed", VOLUME,
         _snap(30, [(1, 5), (1, 5), (3, 6)]), True, 53.3, 50, ("16 km in 3 runs",)),
        ("not met", VOLUME, _snap(30, [(1, 5), (3, 6)]), False, 36.7, 50, ("11 km",)),
        ("unknown: a run without a distance", VOLUME, _snap(30, [(1, 5), (2, None)]), None,
         None, 50, ("no distance",)),
        ("unknown: no baseline", VOLUME, _snap(None, [(1, 5)]), None, None, 50,
         ("no pre-injury running volume",)),
    ],
}
# fmt: on
