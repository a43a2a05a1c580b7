"""A recorded return-to-play decision (StARRT), for tests that reach the final transition."""

from __future__ import annotations

import datetime as dt

STARRT = {
    "symptoms": "Pain-free for three weeks of running; every day logged.",
    "tenderness": "No bony tenderness at the posteromedial tibia.",
    "imaging": "",
    "function_tests": "Single-leg hops 30, limb symmetry 93%.",
    "sport": "Distance running",
    "level": "club",
    "position_event": "10 km",
    "surface": "Road",
    "planned_load": "Four runs a week, building to 40 km.",
    "season_timing": "pre",
    "pressure": "",
    "masking": "",
    "conflicts": "",
    "fear": "",
    "decision": "full",
    "restrictions": "",
    "reasons": "Healed, strong and confident; the season is weeks away.",
}


def record_return_decision(case, by, *, today: dt.date, **changes):
    """A StARRT decision to return to full play from ``today`` (``changes`` override)."""
    from protocols import services

    data = {**STARRT, "cleared_from": today, **changes}
    return services.return_decision_record(case=case, by=by, data=data, today=today)
