"""Impact work (the activities that load bone) and the criterion kind of severe pain with it: a
red flag in every phase.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param, regress_days_param
from protocols.engine.criteria.results import Measure
from protocols.engine.criteria.text import (
    day_words,
    num,
    period,
)
from protocols.engine.criteria.windows import Window, latest_peak
from protocols.engine.records import Snapshot

# Activities that load bone little (protocols.models.Activity); any other is impact work.
NON_IMPACT_ACTIVITIES = frozenset({"cycle", "swim", "aqua_jog", "elliptical", "strength"})
"""Activities without impact on the bone. Every other one (walking, walk-run, running, the
anti-gravity treadmill, hopping, drills, "other") is impact work for the severe-pain rule."""


# Impact activities in a sentence ("a day with impact work (walk-run)"), lower case, as
# protocols.models.Activity names them.
ACTIVITY_WORDS = {
    "walk": "walking",
    "walk_run": "walk-run",
    "run": "running",
    "anti_gravity_run": "anti-gravity treadmill running",
    "plyometrics": "plyometrics or hopping",
    "sport_specific": "sport-specific drills",
    "other": "another activity",
}


def is_impact_activity(activity: str) -> bool:
    return activity not in NON_IMPACT_ACTIVITIES


def impact_days(snapshot: Snapshot, start: date, end: date) -> dict[date, str]:
    """The days from ``start`` to ``end`` with impact work, each with the words for it: a session
    of an impact activity, or, in a phase that prescribes weight-bearing work
    (``Snapshot.impact_phase``), a day with no session recorded whose log rates pain during or
    after activity (the sessions, when there are any, say what the activity was). The one
    definition the severe-pain rule and the athlete's answer on submit both use."""
    days: dict[date, str] = {}
    with_sessions: set[date] = set()
    for s in snapshot.sessions_between(start, end):
        with_sessions.add(s.day)
        if is_impact_activity(s.activity):
            days.setdefault(s.day, ACTIVITY_WORDS.get(s.activity, s.activity.replace("_", " ")))
    if snapshot.impact_phase:
        for log in snapshot.daily_logs_between(start, end):
            rated = log.pain_during is not None or log.pain_after is not None
            if rated and log.day not in with_sessions:
                days.setdefault(log.day, "activity in a weight-bearing phase")
    return days


class SeverePain(Kind):
    kind = "severe_pain"
    label = "Severe pain with impact work"
    role = "regress"
    athlete_red_warning = "Severe pain with running or jumping"
    params = (
        Param(
            "limit",
            "int",
            "Red pain limit",
            min=1,
            max=10,
            help="Fires when pain during or after activity reaches this (0–10) on a day with "
            "impact work; empty: the plan's red pain limit (5/10 by default).",
        ),
        regress_days_param(),
    )
    help = (
        "A red flag in every phase: no pain is expected at a bone injury, and severe pain with "
        "impact work means stop and contact the clinical team (clinical.md §7)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        limit = "the plan's red limit" if p["limit"] is None else f"{p['limit']}/10"
        return (
            f"Fires when pain during or after activity reaches {limit} on a day with impact "
            f"work, {period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["limit"] if p["limit"] is not None else snapshot.red_pain_limit
        w = Window.ending(snapshot, today, p["days"])
        impact = impact_days(snapshot, w.start, w.end)
        pairs = [
            (log.day, v)
            for log in snapshot.logs_between(w.start, w.end)
            if (v := max((x for x in (log.pain_during, log.pain_after) if x is not None),
                         default=None)) is not None
        ]  # fmt: skip
        on_impact = [(day, v) for day, v in pairs if day in impact]
        severe = [(day, v) for day, v in on_impact if v >= limit]
        if severe:
            day, peak = latest_peak(severe)
            why = (
                f"Pain reached {num(peak)}/10 on {day_words(day)}, a day with impact work "
                f"({impact[day]}); the red limit is {limit}/10: the athlete is told to stop "
                f"and contact the clinical team."
            )
            return Measure(True, peak, limit, why, "/10")
        if not on_impact:
            why = (
                f"No pain rating during or after impact work {w.text()}; the red limit is "
                f"{limit}/10."
            )
            return Measure(None, None, limit, why, "/10")
        day, peak = latest_peak(on_impact)
        why = (
            f"Pain with impact work peaked at {num(peak)}/10 {w.text()}; the red limit is "
            f"{limit}/10."
        )
        return Measure(False, peak, limit, why, "/10")
