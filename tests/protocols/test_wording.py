"""Each kind's words for the athlete, asked of the engine directly (no database): the pages
only put them on screen (tests/athlete/test_plain_language.py)."""

from __future__ import annotations

from protocols.engine import criteria, wording
from protocols.engine.criteria import CriterionResult


def result(kind: str, met: bool | None, **fields) -> CriterionResult:
    base = {"params": {}, "role": "advance", "observed": None, "threshold": None}
    return CriterionResult(kind=kind, met=met, sentence="", **{**base, **fields})


def test_a_phases_pain_rules_follow_the_registry_order_with_the_red_symptoms_together():
    lines = wording.pain_rules(
        [{"kind": "pain_free_streak", "days": 3}],
        [
            {"kind": "swelling"},
            {"kind": "night_pain"},
            {"kind": "sharp_pain"},
            {"kind": "pain_persisting", "hours": 12},
        ],
        "running",
    )
    assert lines == [
        "Aim for 3 days in a row with no pain at all.",
        "Any pain after exercise should settle within 12 hours.",
        "Sharp pain or pain that wakes you at night: stop and tell your clinician straight away.",
        "If the injured area swells, take it easy and tell your clinician.",
    ]


def test_the_lowest_pain_level_of_a_phase_reads_both_lists():
    advance = [{"kind": "pain_max", "field": "during", "max": 3}]
    regress = [{"kind": "pain_above", "field": "rest", "above": 1}]
    assert wording.lowest_pain_level(advance, regress) == 1.0
    assert wording.lowest_pain_level([], [{"kind": "night_pain"}]) is None


def test_every_advance_kind_answers_how_far_along_the_athlete_is():
    for name in criteria.ADVANCE_KINDS:
        kind = criteria.get_kind(name)
        assert kind.athlete_status(result(name, True)) == "Done"
        assert kind.athlete_status(result(name, False))


def test_fired_rules_are_told_once_each():
    fired = [result("pain_above", True, role="regress")] * 2 + [
        result("swelling", True, role="regress")
    ]
    assert wording.athlete_warnings(fired) == [
        "Your pain is above your plan's limit",
        "You reported swelling",
    ]
    assert wording.athlete_warnings(fired[:1], red=True) == ["Pain above your plan's limit"]
    spike = result("load_spike", True, role="warning")
    assert wording.athlete_advice([spike, spike]) == [
        (
            "Your training has gone up quickly",
            "Stick to the plan and don't add extra sessions this week.",
        )
    ]
