"""Criterion kinds that read a test battery: the limb symmetry index of a test recorded left and
right (involved ÷ uninvolved × 100), and the pain during it.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md, "Test batteries"). The
default of 90 % is extrapolated from ACL and Achilles practice (clinical.md §11), an editable
default, not a validated threshold for bone stress injuries.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from protocols.engine.battery import DEFAULT_MIN_LSI, LSI_SOURCE, MUSCLE_GROUPS, TEST_CHOICES, TESTS
from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import cap, day_words, num, period, plain_number
from protocols.engine.criteria.windows import Window
from protocols.engine.records import Snapshot, SymmetryEntry

ANY_GROUP = "any"
GROUP_CHOICES = ((ANY_GROUP, "Every muscle group tested"), *MUSCLE_GROUPS)
GROUP_LABEL = dict(MUSCLE_GROUPS)


def _label(p: Mapping[str, Any]) -> str:
    label = TESTS[p["test"]].label
    group = p.get("group") or ANY_GROUP
    if p["test"] == "isometric_strength" and group != ANY_GROUP:
        label += f", {GROUP_LABEL[group].lower()}"
    return label


def _missing(e: SymmetryEntry) -> str:
    name = f"{GROUP_LABEL[e.group].lower()}: " if e.group in GROUP_LABEL else ""
    if e.involved is None and e.uninvolved is None:
        return f"{name}no side recorded"
    if e.involved is None:
        return f"{name}the involved side is missing"
    if e.uninvolved is None:
        return f"{name}the uninvolved side is missing"
    return f"{name}the uninvolved side is 0 (no ratio)"


class LimbSymmetry(Kind):
    kind = "limb_symmetry"
    label = "Limb symmetry (test battery)"
    role = "advance"
    help = (
        "The involved limb's result as a percentage of the other limb's, computed from a test "
        f"battery. Default 90 %: {LSI_SOURCE}."
    )
    params = (
        Param("test", "choice", "Test", required=True, choices=TEST_CHOICES),
        Param(
            "group",
            "choice",
            "Muscle group (dynamometer)",
            default=ANY_GROUP,
            choices=GROUP_CHOICES,
            help="For isometric strength: one muscle group, or every group tested that day.",
        ),
        Param(
            "min_lsi",
            "float",
            "Minimum limb symmetry (%)",
            default=DEFAULT_MIN_LSI,
            min=0,
            max=200,
            help=f"Involved ÷ uninvolved × 100. Default 90 %: {LSI_SOURCE}.",
        ),
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
            help="Only a battery this recent counts (never before the phase began).",
        ),
    )
    coach_words: ClassVar[str] = "Strength and hop tests with the clinical team"
    """What a coach may read of the rule: that a check is pending, never a result."""

    def sentence(self, p: Mapping[str, Any]) -> str:
        pain = "" if p["max_pain"] is None else f", with pain at most {p['max_pain']}/10"
        return (
            f"{_label(p)}: limb symmetry (involved ÷ uninvolved) at least {num(p['min_lsi'])}% "
            f"at the latest battery {period(p['within_days'])}{pain}."
        )

    def _latest(self, p: Mapping[str, Any], snapshot: Snapshot, w: Window) -> list[SymmetryEntry]:
        group = p.get("group") or ANY_GROUP
        found = [
            e
            for e in snapshot.symmetry_between(w.start, w.end)
            if e.test == p["test"] and (group == ANY_GROUP or e.group == group)
        ]
        return [e for e in found if e.day == found[-1].day] if found else []

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["within_days"])
        label, threshold = _label(p), p["min_lsi"]
        latest = self._latest(p, snapshot, w)
        if not latest:
            why = f"Not enough data: no {label} in a test battery {w.text()}."
            return Measure(None, None, threshold, why, "%")
        when = day_words(latest[0].day)
        incomplete = [e for e in latest if e.lsi is None]
        if incomplete:
            gaps = "; ".join(_missing(e) for e in incomplete)
            why = f"Not enough data: {label} on {when} is incomplete ({gaps}); no symmetry."
            return Measure(None, None, threshold, why, "%")
        lowest = min(e.lsi for e in latest if e.lsi is not None)
        if lowest < threshold:
            why = f"{label}: limb symmetry {num(lowest)}% on {when}; {num(threshold)}% needed."
            return Measure(False, lowest, threshold, why, "%")
        return self._pain(p, latest, label, lowest, when)

    def _pain(
        self, p: Mapping[str, Any], latest: list[SymmetryEntry], label: str, lsi: float, when: str
    ) -> Measure:
        threshold, limit = p["min_lsi"], p["max_pain"]
        pains = [e.pain for e in latest]
        if limit is not None and None in pains:
            why = (
                f"Not enough data: {label} on {when} (limb symmetry {num(lsi)}%) has no pain "
                f"rating; pain at most {limit}/10 is needed."
            )
            return Measure(None, None, threshold, why, "%")
        worst = max((x for x in pains if x is not None), default=None)
        if limit is not None and worst is not None and worst > limit:
            why = (
                f"{label}: limb symmetry {num(lsi)}% on {when} with pain {num(worst)}/10; the "
                f"pain limit is {limit}/10."
            )
            return Measure(False, lsi, threshold, why, "%")
        pain = "" if worst is None else f" with pain {num(worst)}/10"
        why = f"{label}: limb symmetry {num(lsi)}% on {when}{pain}; {num(threshold)}% needed."
        return Measure(True, lsi, threshold, why, "%")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        words = TESTS[p["test"]].athlete if p.get("test") in TESTS else "strength and hop"
        text = (
            f"Your injured leg doing at least {plain_number(p.get('min_lsi') or DEFAULT_MIN_LSI)}"
            f"% of your other leg in the {words} test"
        )
        if p.get("max_pain") is not None:
            text += f", with pain at {plain_number(p['max_pain'])}/10 or less"
        return cap(text) + ", checked by your clinician"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.met is None:
            return "Not tested on both legs yet in this stage"
        if result.observed is not None:
            return f"Not there yet: {plain_number(result.observed)}% at the last test"
        return "Not there yet at the last test"
