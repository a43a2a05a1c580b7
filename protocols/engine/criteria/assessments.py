"""Criterion kinds that read recorded assessments: a test's result (hops, heel raises, strength
symmetry, tenderness, imaging healing, ...) within limits, and the pain during it.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import cap, day_words, num, period, plain_number
from protocols.engine.criteria.vocabulary import ASSESSMENT_TESTS, TEST_LABEL, TEST_RANGE, Number
from protocols.engine.criteria.windows import Window
from protocols.engine.records import Snapshot

ATHLETE_TEST_WORDS = {
    "single_leg_hop": "single-leg hops",
    "walk_test": "minutes of brisk walking without pain",
    "heel_raise": "single-leg heel raises",
    "foot_contacts": "pain-free foot contacts (hops and landings)",
}
"""The tests an athlete can count, as they count them ("10 single-leg hops")."""
ATHLETE_CHECKS = {
    "tenderness": "No tenderness when your clinician presses on the bone",
    "readiness_iprrs": "Feeling ready to return (readiness questionnaire with your team)",
    "tsk11": "Confidence in moving (a short questionnaire with your team)",
    "bone_health_cra": "A bone-health check with your team",
    "imaging_healing": "A scan showing the bone has healed",
}
"""The tests the team scores, as the athlete's goal."""


class Assessment(Kind):
    kind = "assessment"
    label = "Assessment result"
    role = "advance"
    params = (
        Param("test", "choice", "Test", required=True, choices=ASSESSMENT_TESTS),
        Param("min", "float", "Minimum result", help="Lowest acceptable result (inclusive)."),
        Param("max", "float", "Maximum result", help="Highest acceptable result (inclusive)."),
        Param(
            "max_pain",
            "int",
            "Pain maximum during the test",
            min=0,
            max=10,
            help="Optional: highest pain (0–10) allowed during the test.",
        ),
        Param(
            "within_days",
            "int",
            "Within days",
            default=14,
            min=1,
            max=365,
            help="Only a result this recent counts (never before the phase began).",
        ),
    )

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        low, high = cleaned["min"], cleaned["max"]
        if low is None and high is None:
            return {"min": "Give a minimum result, a maximum result or both."}
        floor, ceiling = TEST_RANGE.get(cleaned["test"], (0, None))
        label = TEST_LABEL[cleaned["test"]]
        errors: dict[str, str] = {}
        for name, value in (("min", low), ("max", high)):
            if value is None:
                continue
            if value < floor or (ceiling is not None and value > ceiling):
                span = (
                    f"between {num(floor)} and {num(ceiling)}"
                    if ceiling is not None
                    else (f"at least {num(floor)}")
                )
                errors[name] = f"{label}: the result must be {span}."
        if not errors and low is not None and high is not None and low > high:
            errors["max"] = "The maximum result cannot be below the minimum."
        return errors

    def _bounds(self, p: Mapping[str, Any]) -> str:
        low, high = p["min"], p["max"]
        if low is not None and high is not None:
            return f"between {num(low)} and {num(high)}"
        if low is not None:
            return f"at least {num(low)}"
        return f"at most {num(high)}"

    def _threshold(self, p: Mapping[str, Any]) -> Number | str:
        if p["min"] is not None and p["max"] is not None:
            return f"{num(p['min'])}–{num(p['max'])}"
        return p["min"] if p["min"] is not None else p["max"]

    def sentence(self, p: Mapping[str, Any]) -> str:
        pain = "" if p["max_pain"] is None else f", with pain at most {p['max_pain']}/10"
        return (
            f"{TEST_LABEL[p['test']]}: latest result {period(p['within_days'])} "
            f"{self._bounds(p)}{pain}."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["within_days"])
        label = TEST_LABEL[p["test"]]
        found = [a for a in snapshot.assessments_between(w.start, w.end) if a.test == p["test"]]
        threshold = self._threshold(p)
        if not found:
            return Measure(None, None, threshold, f"Not enough data: no {label} result {w.text()}.")
        latest = found[-1]
        value, when = latest.value, day_words(latest.day)
        if value is None:  # a test battery's result with the needed side missing
            why = f"Not enough data: {label} on {when} is incomplete (a side was not recorded)."
            return Measure(None, None, threshold, why)
        inside = (p["min"] is None or value >= p["min"]) and (p["max"] is None or value <= p["max"])
        if not inside:
            why = f"{label}: {num(value)} on {when}; {self._bounds(p)} needed."
            return Measure(False, value, threshold, why)
        if p["max_pain"] is not None:
            if latest.pain is None:
                why = (
                    f"Not enough data: {label} ({num(value)} on {when}) has no pain rating; "
                    f"pain at most {p['max_pain']}/10 is needed."
                )
                return Measure(None, None, threshold, why)
            if latest.pain > p["max_pain"]:
                why = (
                    f"{label}: {num(value)} on {when} with pain {num(latest.pain)}/10; "
                    f"the pain limit is {p['max_pain']}/10."
                )
                return Measure(False, value, threshold, why)
        pain = "" if latest.pain is None else f" with pain {num(latest.pain)}/10"
        why = f"{label}: {num(value)} on {when}{pain}; {self._bounds(p)} needed."
        return Measure(True, value, threshold, why)

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        test, low = p.get("test"), p.get("min")
        if test in ATHLETE_TEST_WORDS and low is not None:
            text = f"{plain_number(low)} {ATHLETE_TEST_WORDS[test]}"
            if p.get("max_pain") is not None:
                text += f" with pain at {plain_number(p['max_pain'])}/10 or less"
            return cap(text) + ", checked by your clinician"
        if test == "strength_symmetry":
            if low is None:
                return "Strength of both legs checked by your clinician"
            return f"Strength of the injured leg at least {plain_number(low)}% of the other leg"
        return ATHLETE_CHECKS.get(test, "A check with your clinician")

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.met is None:
            return "Not checked yet in this stage"
        counted = result.params.get("test") in ATHLETE_TEST_WORDS
        if counted and result.observed is not None:
            return f"Not there yet: {plain_number(result.observed)} at the last check"
        return "Not there yet at the last check"
