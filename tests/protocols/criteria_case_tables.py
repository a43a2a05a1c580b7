"""The contract tables of tests/protocols/test_criteria.py for the kinds that read the case's
facts and screens (protocols/engine/criteria/case_facts.py) and the run-walk programme's stage
(protocols/engine/criteria/programme.py), merged into that module's tables."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from protocols.engine.records import AssessmentEntry, SessionEntry, Snapshot
from protocols.library.loader import load_programmes

START = date(2025, 3, 3)
TODAY = date(2025, 3, 23)


def _snap(facts: dict[str, Any] | None = None, assessments=()) -> Snapshot:
    return Snapshot(phase_started_on=START, assessments=tuple(assessments), facts=facts or {})


def _screen(test: str, value: float, days_ago: int = 3) -> AssessmentEntry:
    return AssessmentEntry(TODAY - timedelta(days=days_ago), test, value)


DEFAULTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "orthopaedic_decision": ({}, {}),
    "femoral_neck_findings": ({}, {"max_percent": 50}),
    "bone_health_screen": ({}, {"max_score": 5, "within_days": 365}),
    "bone_health_decision": ({}, {}),
    "programme_stage": ({"stage": 2}, {"stage": 2, "finished": False}),
}

BAD_TYPE: dict[str, tuple[dict[str, Any], str, str]] = {
    "femoral_neck_findings": (
        {"max_percent": "50"},
        "max_percent",
        "Fracture line limit (% of the neck width) must be a whole number.",
    ),
    "programme_stage": ({"stage": 1.5}, "stage", "Stage must be a whole number."),
    "bone_health_screen": (
        {"max_score": 5.5},
        "max_score",
        "Triad score at most must be a whole number.",
    ),
}

OUT_OF_RANGE: list[tuple[str, dict[str, Any], str, str]] = [
    ("programme_stage", {"stage": 0}, "stage", "Stage must be between 1 and 20."),
    (
        "femoral_neck_findings",
        {"max_percent": 0},
        "max_percent",
        "Fracture line limit (% of the neck width) must be between 1 and 100.",
    ),
    (
        "bone_health_screen",
        {"max_score": 13},
        "max_score",
        "Triad score at most must be between 0 and 12.",
    ),
]

DESCRIPTIONS: list[tuple[dict[str, Any], str]] = [
    ({"kind": "programme_stage", "stage": 3}, "Stage 3 of the run-walk programme reached."),
    (
        {"kind": "programme_stage", "stage": 3, "finished": True},
        "Stage 3 of the run-walk programme finished.",
    ),
    (
        {"kind": "orthopaedic_decision"},
        "An orthopaedic decision (surgical or conservative) is recorded on the case.",
    ),
    (
        {"kind": "femoral_neck_findings"},
        "A fracture line over 50% of the femoral neck width or a joint effusion is recorded on "
        "the case: urgent orthopaedic referral.",
    ),
    (
        {"kind": "bone_health_screen"},
        "Bone-health screen in the last 365 days: a complete Triad cumulative risk score of at "
        "most 5 (women) or a negative REDs screen.",
    ),
    (
        {"kind": "bone_health_decision"},
        "A clinician's bone-health clearance decision lets impact work progress after the "
        "positive bone-health screen.",
    ),
]

DECISION = {"kind": "orthopaedic_decision"}
FINDINGS = {"kind": "femoral_neck_findings"}
SCREEN = {"kind": "bone_health_screen"}
HOLD = {"kind": "bone_health_decision"}
HELD = {
    "bone_health_hold_since": TODAY - timedelta(5),
    "bone_health_decision": "",
    "bone_health_decision_on": None,
}
WOMAN, MAN = {"sex": "female"}, {"sex": "male"}
NO_DECISION = {"ortho_decision": "", "ortho_decision_on": None}

# fmt: off
EVALUATIONS: dict[str, list] = {
    "orthopaedic_decision": [
        ("met", DECISION,
         _snap({"ortho_decision": "conservative", "ortho_decision_on": TODAY - timedelta(2)}),
         True, "conservative", "recorded", ("conservative management",)),
        ("not met", DECISION, _snap(NO_DECISION), False, None, "recorded",
         ("No orthopaedic decision",)),
        ("unknown: the fact was not read", DECISION, _snap(), None, None, "recorded",
         ("Not enough data",)),
    ],
    "femoral_neck_findings": [
        ("fires: fracture line", FINDINGS,
         _snap({"fracture_line_percent": 60, "effusion": False}), True, 60, 50,
         ("60% of the neck width", "urgent orthopaedic referral")),
        ("fires: effusion alone", FINDINGS, _snap({"fracture_line_percent": None,
                                                   "effusion": True}),
         True, None, 50, ("effusion",)),
        ("does not fire", FINDINGS, _snap({"fracture_line_percent": 30, "effusion": False}),
         False, 30, 50, ("Fracture line 30%",)),
        ("unknown", FINDINGS, _snap({"fracture_line_percent": None, "effusion": None}), None,
         None, 50, ("Not enough data: the fracture line and effusion not recorded",)),
    ],
    "bone_health_screen": [
        ("met: a complete Triad score", SCREEN,
         _snap(WOMAN, [_screen("bone_health_cra", 3)]), True, 3, 5, ("score 3",)),
        ("not met: restricted", SCREEN, _snap(WOMAN, [_screen("bone_health_cra", 7)]), False,
         7, 5, ("restricted",)),
        ("unknown: incomplete", SCREEN, _snap(WOMAN, [_screen("triad_incomplete", 0)]), None,
         None, 5, ("incomplete",)),
        ("unknown: a man's Triad score", SCREEN, _snap(MAN, [_screen("bone_health_cra", 1)]),
         None, None, 5, ("not validated in men",)),
        ("met: a man's negative REDs screen", SCREEN, _snap(MAN, [_screen("reds_screen", 0)]),
         True, "negative", "negative", ("REDs screen negative",)),
        ("not met: a positive REDs screen", SCREEN,
         _snap(WOMAN, [_screen("bone_health_cra", 1, 9), _screen("reds_screen", 1)]), False,
         "positive", "negative", ("REDs screen positive",)),
    ],
    # The hold on impact after a positive screen (clinical.md §10): lifted only by a decision
    # recorded on or after the screen.
    "bone_health_decision": [
        ("met: impact released", HOLD,
         _snap({**HELD, "bone_health_decision": "impact",
                "bone_health_decision_on": TODAY - timedelta(1)}),
         True, "impact", "recorded", ("impact work may progress",)),
        ("not met: held, no decision", HOLD, _snap(HELD), False, None, "recorded",
         ("Impact held since",)),
        ("unknown: the facts were not read", HOLD, _snap(), None, None, "recorded",
         ("Not enough data",)),
    ],
}
# fmt: on

# The run-walk programme (Gallatin & Graver 2019, clinical.md §6): two pain-free completed
# sessions a stage (clinic protocol) step the athlete up to stage 2.
GG = next(p["data"] for p in load_programmes() if p["slug"] == "gallatin-graver2019")
STAGE_2 = {"kind": "programme_stage", "stage": 2}


def _runs(*days: int) -> Snapshot:
    sessions = [
        SessionEntry(
            START + timedelta(d),
            "walk_run",
            30,
            3,
            0,
            None,
            programme_stage=1,
            completion="completed",
        )
        for d in days
    ]
    return Snapshot(phase_started_on=START, sessions=tuple(sessions), programme=GG)


EVALUATIONS["programme_stage"] = [
    ("met: stage 2 reached", STAGE_2, _runs(0, 2), True, 2, 2, ("At stage 2 of 5",)),
    ("not met: one session", STAGE_2, _runs(0), False, 1, 2, ("1 of 2 pain-free sessions",)),
    ("unknown: no programme", STAGE_2, Snapshot(phase_started_on=START), None, None, 2,
     ("no run-walk programme",)),
]  # fmt: skip
