"""The words the criteria language is written in: roles, pain measures, pain characters,
assessment tests and the constants the kinds judge with (see docs/criteria.md)."""

from __future__ import annotations

from typing import Literal

Role = Literal["advance", "regress", "warning"]
ROLES: tuple[Role, ...] = ("advance", "regress", "warning")
ROLE_LABELS: dict[str, str] = {
    "advance": "an advance criterion",
    "regress": "a regression rule",
    "warning": "a warning",
}
Number = int | float

PAIN_FIELDS: tuple[tuple[str, str], ...] = (
    ("rest", "at rest"),
    ("during", "during activity"),
    ("after", "after activity"),
    ("next_morning", "the next morning"),
    ("any", "any of these"),
)
PAIN_ATTR = {
    "rest": "pain_rest",
    "during": "pain_during",
    "after": "pain_after",
    "next_morning": "pain_next_morning",
}
"""The ``LogEntry`` attribute of each pain measure ('any' is the worst of them)."""
PAIN_CHARACTERS: tuple[str, ...] = ("none", "dull", "sharp")

ASSESSMENT_TESTS: tuple[tuple[str, str], ...] = (
    ("single_leg_hop", "Single-leg hops"),
    ("walk_test", "Pain-free brisk walking (minutes)"),
    ("heel_raise", "Single-leg heel raises"),
    ("tenderness", "Bony tenderness (0 none, 1 present)"),
    ("strength_symmetry", "Strength symmetry (limb symmetry index, %)"),
    ("readiness_iprrs", "I-PRRS readiness (0–60)"),
    ("tsk11", "TSK-11 fear of movement (11–44)"),
    ("bone_health_cra", "Triad cumulative risk score (0–12)"),
    ("imaging_healing", "Imaging healing (0 not healed, 1 confirmed)"),
    ("foot_contacts", "Pain-free foot contacts"),
)
TEST_LABEL = dict(ASSESSMENT_TESTS)
TEST_RANGE: dict[str, tuple[float, float | None]] = {
    "tenderness": (0, 1),
    "readiness_iprrs": (0, 60),
    "tsk11": (11, 44),
    "bone_health_cra": (0, 12),
    "imaging_healing": (0, 1),
}
"""Value ranges of the scored tests; counts and percentages only have a floor of 0."""

MIN_LOGS_PER_WEEK = 3
"""Each week of a week-over-week pain comparison needs this many logs (docs/criteria.md)."""
EPS = 1e-9
"""Float slack when comparing means against thresholds."""
