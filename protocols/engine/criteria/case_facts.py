"""Criterion kinds that read the case's recorded facts (``Snapshot.facts``, named in
``records.CASE_FACTS``) and its bone-health screens (see docs/criteria.md).

Registered in the criteria registry by ``protocols.engine.criteria``, which imports every
family before making its kind lists. Same conventions as the kinds there: three-valued results,
unknown is never met, and each result states what was observed and the threshold in the
criterion's unit.

- ``orthopaedic_decision``: a clinician-only gate; a femoral neck (tension side) phase beyond
  touch-down weight bearing needs a recorded orthopaedic decision, surgical or conservative.
- ``femoral_neck_findings``: a fracture line over 50% of the neck width or a joint effusion
  recorded on the case is a red flag (urgent referral).
- ``bone_health_screen``: the latest bone-health screen clears the athlete: a complete Triad
  cumulative risk score at most 5 (women), or a negative REDs screen. A Triad score with
  items missing is "incomplete", unknown to the gate, never clearance; for men the Triad
  tool is not validated and the REDs screen is read.
Sources: Robertson & Wood, "Femoral neck stress fractures in sport", Sports Med Int Open
2017;1:E58-68; De Souza et al., BJSM 2014;48:289; Mountjoy et al., BJSM 2023;57:1073
(clinical.md §10-11).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import Measure
from protocols.engine.criteria.text import date_words, num, plural
from protocols.engine.records import Snapshot

# Assessment tests written by the bone-health screen services, never typed as a raw value.
TRIAD_TEST = "bone_health_cra"  # a complete Triad cumulative risk score
TRIAD_INCOMPLETE_TEST = "triad_incomplete"  # a Triad assessment with items not scored
REDS_TEST = "reds_screen"  # 0 negative (green), 1 positive; the REDs CAT2 light: 1-3 yellow-red
REDS_INCOMPLETE_TEST = "reds_incomplete"  # a REDs CAT2 screen with indicators not assessed
SCREEN_TESTS: frozenset[str] = frozenset(
    {TRIAD_TEST, TRIAD_INCOMPLETE_TEST, REDS_TEST, REDS_INCOMPLETE_TEST}
)

_REDS_TESTS = frozenset({REDS_TEST, REDS_INCOMPLETE_TEST})
_DECISIONS = {"conservative": "conservative management", "surgical": "surgical management"}


def _fact(snapshot: Snapshot, name: str, default: Any = KeyError) -> Any:
    facts = snapshot.facts or {}
    if name in facts:
        return facts[name]
    if default is KeyError:
        raise KeyError(name)
    return default


class OrthopaedicDecision(Kind):
    kind = "orthopaedic_decision"
    label = "Orthopaedic decision recorded"
    role = "advance"
    params = ()
    help = (
        "Femoral neck, tension side: no weight bearing beyond touch-down until an orthopaedic "
        "decision (surgical or conservative) is recorded on the case by a clinician "
        "(Robertson & Wood 2017)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return "An orthopaedic decision (surgical or conservative) is recorded on the case."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        try:
            decision = _fact(snapshot, "ortho_decision")
        except KeyError:
            return Measure(
                None,
                None,
                "recorded",
                "Not enough data: the case's orthopaedic decision was not read.",
            )
        on = _fact(snapshot, "ortho_decision_on", None)
        if decision in _DECISIONS and (on is None or on <= today):
            when = f" on {date_words(on)}" if on else ""
            why = f"Orthopaedic decision recorded{when}: {_DECISIONS[decision]}."
            return Measure(True, decision, "recorded", why)
        why = (
            "No orthopaedic decision is recorded on the case: weight bearing beyond touch-down "
            "waits for it."
        )
        return Measure(False, None, "recorded", why)


class FemoralNeckFindings(Kind):
    kind = "femoral_neck_findings"
    label = "Femoral neck: fracture line or effusion"
    role = "regress"
    params = (
        Param(
            "max_percent",
            "int",
            "Fracture line limit (% of the neck width)",
            default=50,
            min=1,
            max=100,
            help="A fracture line over this share of the neck width is a red flag "
            "(Robertson & Wood 2017: over 50%).",
        ),
    )
    help = (
        "A fracture line over 50% of the femoral neck width or a hip joint effusion recorded "
        "on the case: urgent orthopaedic referral (Robertson & Wood 2017)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"A fracture line over {p['max_percent']}% of the femoral neck width or a joint "
            "effusion is recorded on the case: urgent orthopaedic referral."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["max_percent"]
        line = _fact(snapshot, "fracture_line_percent", None)
        effusion = _fact(snapshot, "effusion", None)
        found = []
        if line is not None and line > limit:
            found.append(f"a fracture line across {line}% of the neck width")
        if effusion:
            found.append("a hip joint effusion")
        if found:
            why = (
                "Recorded on the case: "
                + " and ".join(found)
                + f" (limit {limit}%): urgent orthopaedic referral."
            )
            return Measure(True, line, limit, why, "%")
        if line is None or effusion is None:
            missing = [
                name
                for name, value in (("the fracture line", line), ("effusion", effusion))
                if value is None
            ]
            why = f"Not enough data: {' and '.join(missing)} not recorded on the case."
            return Measure(None, None, limit, why, "%")
        why = f"Fracture line {line}% of the neck width (limit {limit}%), no effusion recorded."
        return Measure(False, line, limit, why, "%")


class BoneHealthScreen(Kind):
    kind = "bone_health_screen"
    label = "Bone-health screen clears"
    role = "advance"
    params = (
        Param(
            "max_score",
            "int",
            "Triad score at most",
            default=5,
            min=0,
            max=12,
            help="Highest complete Triad cumulative risk score that clears (De Souza 2014: "
            "0-1 full, 2-5 provisional or limited, 6 or more restricted).",
        ),
        Param(
            "within_days",
            "int",
            "Within days",
            default=365,
            min=1,
            max=730,
            help="Only a screen this recent counts (from any phase of the plan).",
        ),
    )
    help = (
        "The latest bone-health screen clears the athlete: a complete Triad cumulative risk "
        "score (women; De Souza 2014) or a negative REDs screen (Mountjoy 2023; the Triad tool "
        "is validated in women only). An incomplete Triad score is unknown, never clearance."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Bone-health screen {_period_text(p['within_days'])}: a complete Triad cumulative "
            f"risk score of at most {p['max_score']} (women) or a negative REDs screen."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["max_score"]
        start = today - timedelta(days=p["within_days"] - 1)
        male = _fact(snapshot, "sex", None) == "male"
        screens = [a for a in snapshot.assessments if a.test in SCREEN_TESTS]
        screens = [a for a in screens if start <= a.day <= today]
        if male:
            triad_only = [a for a in screens if a.test not in _REDS_TESTS]
            screens = [a for a in screens if a.test in _REDS_TESTS]
        if not screens:
            if male and triad_only:
                why = (
                    "Not enough data: the Triad score is not validated in men; record a REDs "
                    "screen."
                )
            else:
                why = (
                    f"Not enough data: no bone-health screen (Triad or REDs) "
                    f"{_period_text(p['within_days'])}."
                )
            return Measure(None, None, limit, why, "points")
        # Each screen's own latest result stands: a positive REDs screen is not cleared by a
        # later, milder Triad score (nor the reverse); only a later screen of its kind clears it.
        held = [a for a in map(_latest, _families(screens)) if _positive(a, limit)]
        latest = _latest(held or screens)
        when = date_words(latest.day)
        if latest.test == REDS_TEST:
            if latest.value >= 1:
                return Measure(False, "positive", "negative", f"REDs screen positive on {when}.")
            return Measure(True, "negative", "negative", f"REDs screen negative on {when}.")
        if latest.test == REDS_INCOMPLETE_TEST:
            why = (
                f"Not enough data: the REDs screen of {when} is incomplete (indicators not "
                "assessed): not a clearance."
            )
            return Measure(None, None, "negative", why)
        if latest.test == TRIAD_INCOMPLETE_TEST:
            why = (
                f"Not enough data: the Triad assessment of {when} is incomplete (items not "
                f"scored; {num(latest.value)} points so far): not a clearance."
            )
            return Measure(None, None, limit, why, "points")
        score = latest.value
        band = "restricted" if score >= 6 else "provisional" if score >= 2 else "full clearance"
        why = (
            f"Triad cumulative risk score {num(score)} on {when} ({band}); at most {limit} clears."
        )
        return Measure(score <= limit, score, limit, why, "points")


def _latest(screens: list) -> Any:
    """The latest of ``screens`` (stable: the last given of a day wins)."""
    day = max(a.day for a in screens)
    return [a for a in screens if a.day == day][-1]


def _families(screens: list) -> list[list]:
    """``screens`` split into the Triad's and the REDs screen's, each non-empty."""
    reds = [a for a in screens if a.test in _REDS_TESTS]
    triad = [a for a in screens if a.test not in _REDS_TESTS]
    return [family for family in (triad, reds) if family]


def _positive(screen: Any, limit: int) -> bool:
    """A complete screen that does not clear: a REDs light yellow or worse, or a Triad score
    over ``limit``."""
    if screen.test == REDS_TEST:
        return screen.value >= 1
    return screen.test == TRIAD_TEST and screen.value > limit


def _period_text(days: int) -> str:
    return f"in the last {plural(days, 'day')}"


class BoneHealthDecision(Kind):
    """The hold on impact after a positive bone-health screen. Added by the gating engine to
    every phase with impact work while the case holds it (``hold_applies``); a template may
    also ask for it."""

    kind = "bone_health_decision"
    label = "Bone-health clearance decision recorded"
    role = "advance"
    params = ()
    help = (
        "After a positive bone-health screen (REDs yellow or worse, or a restricted Triad "
        "score) impact work does not progress until a clinician records a bone-health "
        "clearance decision on the case, with the reason (clinical.md §10; Mountjoy et al. "
        "2023, De Souza et al. 2014)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            "A clinician's bone-health clearance decision lets impact work progress after the "
            "positive bone-health screen."
        )

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return "Your care team reviews your bone health before you build up impact work"

    def athlete_progress(self, result: Any) -> str:
        return "Waiting for your care team's review"

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        facts = snapshot.facts or {}
        if "bone_health_hold_since" not in facts:
            why = "Not enough data: the case's bone-health screen and decision were not read."
            return Measure(None, None, "recorded", why)
        since = facts["bone_health_hold_since"]
        if since is None or since > today:
            return Measure(True, None, "recorded", "No positive bone-health screen holds impact.")
        decision = facts.get("bone_health_decision")
        on = facts.get("bone_health_decision_on")
        if decision == "impact" and on is not None and since <= on <= today:
            why = (
                f"Bone-health clearance decision recorded on {date_words(on)}: impact work may "
                f"progress (screen positive since {date_words(since)})."
            )
            return Measure(True, "impact", "recorded", why)
        if decision == "hold" and on is not None and since <= on <= today:
            why = (
                f"Impact held: the clinician's bone-health decision of {date_words(on)} keeps "
                "impact work on hold."
            )
            return Measure(False, "hold", "recorded", why)
        why = (
            f"Impact held since {since:%-d %b %Y}: a positive bone-health screen; no "
            "clearance decision is recorded since. A clinician records one on the case page."
        )
        return Measure(False, None, "recorded", why)


HOLD_ITEM: dict[str, Any] = {"kind": "bone_health_decision"}


def hold_applies(snapshot: Snapshot) -> bool:
    """The hold is added to a phase's advance criteria when the phase has impact work and the
    case has a positive screen on record (a screen no decision has lifted still shows as
    met once decided, so the evaluation says why impact was released)."""
    facts = snapshot.facts or {}
    return bool(snapshot.impact_phase and facts.get("bone_health_hold_since") is not None)
