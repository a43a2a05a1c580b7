"""Every criterion kind: parameter validation, met / not met / unknown, and its explanation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from protocols.engine import criteria
from protocols.engine.criteria import CriterionError, get_kind, kinds_for, validate, validate_list
from protocols.engine.records import AssessmentEntry, LogEntry, SessionEntry, Snapshot
from tests.protocols import criteria_case_tables as case_tables
from tests.protocols import criteria_symmetry_tables as symmetry_tables
from tests.protocols import criteria_volume_tables as volume_tables

START = date(2025, 3, 3)
TODAY = date(2025, 3, 23)  # day 20 of the phase


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def logs(days: range | list[int], **fields: Any) -> list[LogEntry]:
    """Logs `n` days ago for each n in `days`, all with the same fields."""
    return [LogEntry(ago(n), **fields) for n in days]


def snap(
    *,
    logs: list[LogEntry] | tuple[LogEntry, ...] = (),
    sessions: list[SessionEntry] | tuple[SessionEntry, ...] = (),
    assessments: list[AssessmentEntry] | tuple[AssessmentEntry, ...] = (),
    started: date = START,
    signed: date | None = None,
    high_risk: bool = False,
) -> Snapshot:
    return Snapshot(
        phase_started_on=started,
        logs=tuple(logs),
        sessions=tuple(sessions),
        assessments=tuple(assessments),
        signed_off_on=signed,
        high_risk_site=high_risk,
    )


def run(item: dict[str, Any], snapshot: Snapshot, today: date = TODAY) -> criteria.CriterionResult:
    return criteria.evaluate(item, snapshot, today)


ALL_KINDS = sorted(criteria.REGISTRY)
NO_PARAMETERS = {"clinician_signoff", "orthopaedic_decision", "bone_health_decision"}


# === declarations ==============================================================================


def test_registry_holds_the_kinds_of_the_contract():
    assert set(criteria.ADVANCE_KINDS) == {
        "min_days_in_phase",
        "pain_max",
        "pain_free_streak",
        "pain_not_rising",
        "no_sharp_pain",
        "no_night_pain",
        "adherence",
        "assessment",
        "weekly_load_increase",
        "clinician_signoff",
        "orthopaedic_decision",
        "bone_health_screen",
        "limb_symmetry",
        "bone_health_decision",
        "pre_injury_volume",
        "programme_stage",
    }
    assert set(criteria.REGRESS_KINDS) == {
        "pain_above",
        "pain_persisting",
        "pain_rising",
        "next_morning_worse",
        "sharp_pain",
        "night_pain",
        "swelling",
        "severe_pain",
        "femoral_neck_findings",
    }
    assert set(criteria.WARNING_KINDS) == {"load_spike"}


@pytest.mark.parametrize("name", ALL_KINDS)
def test_every_kind_declares_what_a_form_needs(name):
    kind = get_kind(name)
    assert kind.kind == name and kind.label and kind.role in criteria.ROLES
    for p in kind.params:
        assert p.label and p.type in ("int", "float", "choice", "bool")
        if p.type == "choice":
            assert p.choices
        if p.default is not None:
            assert p.clean(p.default) == p.default
    # The declaration travels as JSON to a form builder.
    assert json.loads(json.dumps(kind.to_dict()))["params"] == [p.to_dict() for p in kind.params]


def test_kinds_for_role_and_unknown_role():
    assert {k.kind for k in kinds_for("warning")} == {"load_spike"}
    assert all(k.role == "regress" for k in kinds_for("regress"))
    with pytest.raises(ValueError):
        kinds_for("sideways")  # type: ignore[arg-type]


# === validation ================================================================================

# kind -> smallest valid item and the cleaned result (defaults applied)
DEFAULTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "min_days_in_phase": ({"days": 14}, {"days": 14}),
    "pain_max": (
        {"field": "during", "max": 2},
        {"field": "during", "max": 2, "days": 7, "min_logs": 5},
    ),
    "pain_free_streak": ({"days": 5}, {"field": "any", "days": 5}),
    "pain_not_rising": ({}, {"field": "during", "tolerance": 0.0}),
    "no_sharp_pain": ({}, {"days": 7}),
    "no_night_pain": ({}, {"days": 7}),
    "adherence": ({"min_logs": 5, "days": 7}, {"min_logs": 5, "days": 7}),
    "assessment": (
        {"test": "single_leg_hop", "min": 10},
        {"test": "single_leg_hop", "min": 10.0, "max": None, "max_pain": None, "within_days": 14},
    ),
    "weekly_load_increase": ({}, {"max_percent": 30.0}),
    "clinician_signoff": ({}, {}),
    "pain_above": (
        {"field": "during", "above": 5},
        {"field": "during", "above": 5, "days": 2},
    ),
    "pain_persisting": ({}, {"hours": 24.0, "days": 2}),
    "pain_rising": ({}, {"field": "during", "by": 1.0}),
    "next_morning_worse": ({}, {"by": 1.0, "days": 2}),
    "sharp_pain": ({}, {"days": 2, "localized_only": False}),
    "night_pain": ({}, {"days": 2}),
    "swelling": ({}, {"days": 2}),
    "load_spike": ({}, {"ratio": 1.5, "min_history_days": 21}),
    "severe_pain": ({}, {"limit": None, "days": 2}),
}
DEFAULTS.update(case_tables.DEFAULTS)
DEFAULTS.update(symmetry_tables.DEFAULTS)
DEFAULTS.update(volume_tables.DEFAULTS)


def test_the_tables_cover_every_kind():
    assert set(DEFAULTS) == set(ALL_KINDS)
    assert set(BAD_TYPE) == set(ALL_KINDS) - NO_PARAMETERS  # no parameters to mistype
    assert {case[0] for case in OUT_OF_RANGE} == set(ALL_KINDS) - NO_PARAMETERS
    assert set(EVALUATIONS) == set(ALL_KINDS)


@pytest.mark.parametrize("name", ALL_KINDS)
def test_defaults_are_applied(name):
    given, cleaned = DEFAULTS[name]
    assert validate({"kind": name, **given}) == {"kind": name, **cleaned}
    kind = get_kind(name)
    assert kind.validate(given) == {"kind": name, **cleaned}  # the kind key is optional
    assert kind.validate(kind.validate(given)) == kind.validate(given)  # idempotent


def test_pain_max_min_logs_default_is_70_percent_rounded_up():
    kind = get_kind("pain_max")
    expected = {1: 1, 3: 3, 7: 5, 10: 7, 14: 10, 20: 14}
    for days, min_logs in expected.items():
        assert kind.validate({"field": "any", "max": 0, "days": days})["min_logs"] == min_logs


# kind -> (params, field, message)
BAD_TYPE: dict[str, tuple[dict[str, Any], str, str]] = {
    "min_days_in_phase": ({"days": "14"}, "days", "Minimum days must be a whole number."),
    "pain_max": ({"field": "during", "max": 2.5}, "max", "Pain maximum must be a whole number."),
    "pain_free_streak": ({"days": True}, "days", "Pain-free days must be a whole number."),
    "pain_not_rising": ({"tolerance": "1"}, "tolerance", "Tolerance (points) must be a number."),
    "no_sharp_pain": ({"days": 7.5}, "days", "Days must be a whole number."),
    "no_night_pain": ({"days": [7]}, "days", "Days must be a whole number."),
    "adherence": ({"min_logs": "5", "days": 7}, "min_logs", "Minimum logs must be a whole number."),
    "assessment": (
        {"test": "single_leg_hop", "min": "ten"},
        "min",
        "Minimum result must be a number.",
    ),
    "weekly_load_increase": (
        {"max_percent": "30%"},
        "max_percent",
        "Maximum increase (%) must be a number.",
    ),
    "pain_above": (
        {"field": "during", "above": "5"},
        "above",
        "Pain limit must be a whole number.",
    ),
    "pain_persisting": ({"hours": float("nan")}, "hours", "Hours must be a number."),
    "pain_rising": (
        {"field": 3},
        "field",
        "Pain measure must be one of: rest, during, after, next_morning, any.",
    ),
    "next_morning_worse": ({"by": None, "days": "2"}, "days", "Days must be a whole number."),
    "sharp_pain": (
        {"localized_only": "yes"},
        "localized_only",
        "Localized only must be yes or no.",
    ),
    "night_pain": ({"days": "2"}, "days", "Days must be a whole number."),
    "swelling": ({"days": 2.0001}, "days", "Days must be a whole number."),
    "load_spike": ({"ratio": True}, "ratio", "Caution ratio must be a number."),
    "severe_pain": ({"limit": 5.5}, "limit", "Red pain limit must be a whole number."),
}
BAD_TYPE.update(case_tables.BAD_TYPE)
BAD_TYPE.update(symmetry_tables.BAD_TYPE)
BAD_TYPE.update(volume_tables.BAD_TYPE)


@pytest.mark.parametrize("name", sorted(BAD_TYPE))
def test_bad_type(name):
    params, field, message = BAD_TYPE[name]
    with pytest.raises(CriterionError) as exc:
        validate({"kind": name, **params})
    assert exc.value.errors[field] == message


OUT_OF_RANGE: list[tuple[str, dict[str, Any], str, str]] = [
    ("min_days_in_phase", {"days": 0}, "days", "Minimum days must be between 1 and 365."),
    ("pain_max", {"field": "during", "max": 11}, "max", "Pain maximum must be between 0 and 10."),
    (
        "pain_max",
        {"field": "during", "max": 2, "days": 7, "min_logs": 8},
        "min_logs",
        "Minimum logs cannot be more than the number of days.",
    ),
    (
        "pain_max",
        {"field": "left", "max": 2},
        "field",
        "Pain measure must be one of: rest, during, after, next_morning, any.",
    ),
    ("pain_free_streak", {"days": 0}, "days", "Pain-free days must be between 1 and 365."),
    (
        "pain_not_rising",
        {"tolerance": -1},
        "tolerance",
        "Tolerance (points) must be between 0 and 10.",
    ),
    ("no_sharp_pain", {"days": 91}, "days", "Days must be between 1 and 90."),
    ("no_night_pain", {"days": 0}, "days", "Days must be between 1 and 90."),
    (
        "adherence",
        {"min_logs": 8, "days": 7},
        "min_logs",
        "Minimum logs cannot be more than the number of days.",
    ),
    ("adherence", {"min_logs": 0, "days": 7}, "min_logs", "Minimum logs must be between 1 and 90."),
    (
        "assessment",
        {"test": "single_leg_hop", "min": 10, "max_pain": 11},
        "max_pain",
        "Pain maximum during the test must be between 0 and 10.",
    ),
    (
        "assessment",
        {"test": "single_leg_hop", "min": 10, "within_days": 0},
        "within_days",
        "Within days must be between 1 and 365.",
    ),
    (
        "assessment",
        {"test": "single_leg_hop"},
        "min",
        "Give a minimum result, a maximum result or both.",
    ),
    (
        "assessment",
        {"test": "heel_raise", "min": 30, "max": 20},
        "max",
        "The maximum result cannot be below the minimum.",
    ),
    (
        "assessment",
        {"test": "tsk11", "max": 50},
        "max",
        "TSK-11 fear of movement (11–44): the result must be between 11 and 44.",
    ),
    (
        "assessment",
        {"test": "ankle_dance", "min": 1},
        "test",
        "Test must be one of: single_leg_hop, walk_test, heel_raise, tenderness, "
        "strength_symmetry, readiness_iprrs, tsk11, bone_health_cra, imaging_healing, "
        "foot_contacts.",
    ),
    (
        "weekly_load_increase",
        {"max_percent": -5},
        "max_percent",
        "Maximum increase (%) must be between 0 and 500.",
    ),
    (
        "pain_above",
        {"field": "during", "above": 10},
        "above",
        "Pain limit must be between 0 and 9.",
    ),
    ("pain_persisting", {"hours": 0}, "hours", "Hours must be between 1 and 168."),
    ("pain_rising", {"by": 0}, "by", "Rise (points) must be between 0.5 and 10."),
    ("next_morning_worse", {"by": 11}, "by", "Rise (points) must be between 0.5 and 10."),
    ("sharp_pain", {"days": 0}, "days", "Days must be between 1 and 90."),
    ("night_pain", {"days": 100}, "days", "Days must be between 1 and 90."),
    ("swelling", {"days": -1}, "days", "Days must be between 1 and 90."),
    ("load_spike", {"ratio": 0.5}, "ratio", "Caution ratio must be between 1 and 3."),
    ("severe_pain", {"limit": 11}, "limit", "Red pain limit must be between 1 and 10."),
    (
        "load_spike",
        {"min_history_days": 3},
        "min_history_days",
        "Days of history needed must be between 7 and 365.",
    ),
]
OUT_OF_RANGE += case_tables.OUT_OF_RANGE
OUT_OF_RANGE += symmetry_tables.OUT_OF_RANGE
OUT_OF_RANGE += volume_tables.OUT_OF_RANGE


@pytest.mark.parametrize(("name", "params", "field", "message"), OUT_OF_RANGE)
def test_out_of_range(name, params, field, message):
    with pytest.raises(CriterionError) as exc:
        validate({"kind": name, **params})
    assert exc.value.errors == {field: message}


MISSING_REQUIRED: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("min_days_in_phase", {}, {"days": "Minimum days is required."}),
    (
        "pain_max",
        {},
        {"field": "Pain measure is required.", "max": "Pain maximum is required."},
    ),
    ("pain_max", {"field": "during", "max": None}, {"max": "Pain maximum is required."}),
    ("pain_free_streak", {"field": "rest"}, {"days": "Pain-free days is required."}),
    (
        "adherence",
        {},
        {"min_logs": "Minimum logs is required.", "days": "Days is required."},
    ),
    ("assessment", {"min": 10}, {"test": "Test is required."}),
    (
        "pain_above",
        {"days": 3},
        {"field": "Pain measure is required.", "above": "Pain limit is required."},
    ),
]


@pytest.mark.parametrize(("name", "params", "errors"), MISSING_REQUIRED)
def test_missing_required(name, params, errors):
    with pytest.raises(CriterionError) as exc:
        validate({"kind": name, **params})
    assert exc.value.errors == errors


@pytest.mark.parametrize("name", ALL_KINDS)
def test_unknown_parameter(name):
    given, _ = DEFAULTS[name]
    with pytest.raises(CriterionError) as exc:
        validate({"kind": name, **given, "colour": "red"})
    label = get_kind(name).label
    assert exc.value.errors == {"colour": f'"colour" is not a setting of "{label}".'}


def test_unknown_and_missing_kind():
    with pytest.raises(CriterionError) as exc:
        validate({"kind": "moon_phase"})
    assert exc.value.errors == {"kind": 'Unknown criterion kind "moon_phase".'}
    with pytest.raises(CriterionError) as exc:
        get_kind("moon_phase")
    assert exc.value.errors == {"kind": 'Unknown criterion kind "moon_phase".'}
    with pytest.raises(CriterionError) as exc:
        validate({"max": 2})
    assert exc.value.errors == {"kind": "Criterion kind is required."}
    with pytest.raises(CriterionError) as exc:
        validate("pain_max")  # type: ignore[arg-type]
    assert exc.value.errors == {"kind": "A criterion must be an object with a kind."}


def test_a_kind_refuses_an_item_of_another_kind():
    with pytest.raises(CriterionError) as exc:
        get_kind("night_pain").validate({"kind": "swelling"})
    assert exc.value.errors == {"kind": 'Expected a "night_pain" criterion, not "swelling".'}


def test_whole_floats_are_accepted_for_whole_numbers():
    assert validate({"kind": "min_days_in_phase", "days": 14.0}) == {
        "kind": "min_days_in_phase",
        "days": 14,
    }


def test_error_message_is_readable_as_a_string():
    with pytest.raises(CriterionError) as exc:
        validate({"kind": "pain_max", "field": "during", "max": 11})
    assert str(exc.value) == "Pain maximum must be between 0 and 10."


# --- lists ------------------------------------------------------------------------------------


def test_validate_list_cleans_every_item():
    items = [{"kind": "pain_max", "field": "during", "max": 2}, {"kind": "clinician_signoff"}]
    assert validate_list(items, "advance") == [
        {"kind": "pain_max", "field": "during", "max": 2, "days": 7, "min_logs": 5},
        {"kind": "clinician_signoff"},
    ]
    assert validate_list([], "regress") == []


def test_validate_list_reports_errors_by_index():
    items = [
        {"kind": "pain_max", "field": "during", "max": 2},
        {"kind": "pain_max", "field": "during", "max": 12},
        {"kind": "night_pain"},
        {"kind": "nope"},
        "pain_max",
    ]
    with pytest.raises(CriterionError) as exc:
        validate_list(items, "advance")
    assert exc.value.errors == {
        "1.max": "Pain maximum must be between 0 and 10.",
        "2.kind": '"Night pain" is a regression rule, not an advance criterion.',
        "3.kind": 'Unknown criterion kind "nope".',
        "4.kind": "A criterion must be an object with a kind.",
    }
    assert exc.value.by_item() == {
        1: {"max": "Pain maximum must be between 0 and 10."},
        2: {"kind": '"Night pain" is a regression rule, not an advance criterion.'},
        3: {"kind": 'Unknown criterion kind "nope".'},
        4: {"kind": "A criterion must be an object with a kind."},
    }


def test_validate_list_rejects_non_lists_and_unknown_roles():
    with pytest.raises(CriterionError) as exc:
        validate_list({"kind": "night_pain"}, "regress")  # type: ignore[arg-type]
    assert exc.value.errors == {"items": "Criteria must be a list."}
    with pytest.raises(ValueError):
        validate_list([], "sideways")  # type: ignore[arg-type]


def test_warnings_are_not_advance_criteria():
    with pytest.raises(CriterionError) as exc:
        validate_list([{"kind": "load_spike"}], "advance")
    assert exc.value.errors == {
        "0.kind": '"Training load spike" is a warning, not an advance criterion.'
    }


# === descriptions ==============================================================================

DESCRIPTIONS: list[tuple[dict[str, Any], str]] = [
    ({"kind": "min_days_in_phase", "days": 14}, "At least 14 days in this phase."),
    (
        {"kind": "pain_max", "field": "during", "max": 2},
        "Pain during activity at most 2/10 on every logged day of the last 7 days, "
        "with at least 6 logs.",
    ),
    (
        {"kind": "pain_free_streak", "days": 3},
        "No pain (0/10) on each of the last 3 days, all logged.",
    ),
    (
        {"kind": "pain_not_rising", "tolerance": 0.5},
        "Average pain during activity this week not above last week's by more than 0.5 points "
        "(at least 3 logs each week).",
    ),
    ({"kind": "no_sharp_pain"}, "No sharp pain reported in the last 7 days."),
    ({"kind": "no_night_pain", "days": 1}, "No night pain reported today."),
    ({"kind": "adherence", "min_logs": 5, "days": 7}, "At least 5 daily logs in the last 7 days."),
    (
        {"kind": "assessment", "test": "single_leg_hop", "min": 10, "max_pain": 2},
        "Single-leg hops: latest result in the last 14 days at least 10, with pain at most 2/10.",
    ),
    (
        {"kind": "assessment", "test": "tenderness", "max": 0},
        "Bony tenderness (0 none, 1 present): latest result in the last 14 days at most 0.",
    ),
    (
        {"kind": "weekly_load_increase"},
        "Training load (session RPE) of the last 7 days at most 30% above the 7 days before.",
    ),
    ({"kind": "clinician_signoff"}, "A clinician has signed this phase off."),
    (
        {"kind": "pain_above", "field": "during", "above": 5},
        "Fires when pain during activity is above 5/10 today or yesterday.",
    ),
    (
        {"kind": "pain_persisting"},
        "Fires when pain after activity lasted 24 hours or more today or yesterday.",
    ),
    (
        {"kind": "pain_rising", "field": "rest"},
        "Fires when average pain at rest this week is 1 point or more above last week's.",
    ),
    (
        {"kind": "next_morning_worse", "by": 2},
        "Fires when next-morning pain is 2 points or more above the previous day's pain at "
        "rest, today or yesterday.",
    ),
    (
        {"kind": "sharp_pain", "localized_only": True},
        "Fires when sharp, localized pain is reported today or yesterday.",
    ),
    ({"kind": "night_pain"}, "Fires when night pain is reported today or yesterday."),
    ({"kind": "swelling", "days": 3}, "Fires when swelling is reported in the last 3 days."),
    (
        {"kind": "severe_pain"},
        "Fires when pain during or after activity reaches the plan's red limit on a day with "
        "impact work, today or yesterday.",
    ),
    (
        {"kind": "load_spike"},
        "Warns when the acute:chronic training load ratio (EWMA, 7 and 28 days) is 1.5 or more.",
    ),
]
DESCRIPTIONS += case_tables.DESCRIPTIONS
DESCRIPTIONS += symmetry_tables.DESCRIPTIONS
DESCRIPTIONS += volume_tables.DESCRIPTIONS


@pytest.mark.parametrize(("item", "sentence"), DESCRIPTIONS)
def test_describe(item, sentence):
    assert criteria.describe(item) == sentence


def test_descriptions_cover_every_kind():
    assert {item["kind"] for item, _ in DESCRIPTIONS} == set(ALL_KINDS)


def test_describe_validates():
    with pytest.raises(CriterionError):
        criteria.describe({"kind": "pain_max", "field": "during", "max": 20})


# === evaluation ================================================================================


def sessions(days: range | list[int], rpe: float | None, minutes: float = 60) -> list[SessionEntry]:
    return [SessionEntry(ago(n), "run", minutes, rpe) for n in days]


PAIN_MAX = {"kind": "pain_max", "field": "during", "max": 2}
HOPS = {"kind": "assessment", "test": "single_leg_hop", "min": 10, "max_pain": 2}
LOAD = {"kind": "weekly_load_increase"}
# Last week (8-13 days ago) 2 × 5 × 60 = 600 AU.
LAST_WEEK_LOAD = sessions([8, 11], 5)

# kind -> list of (case id, item, snapshot, met, observed, threshold, fragments of the sentence)
Case = tuple[str, dict[str, Any], Snapshot, bool | None, Any, Any, tuple[str, ...]]
# fmt: off
EVALUATIONS: dict[str, list[Case]] = {
    "min_days_in_phase": [
        ("met", {"kind": "min_days_in_phase", "days": 14}, snap(), True, 20, 14,
         ("20 days", "minimum is 14")),
        ("not met", {"kind": "min_days_in_phase", "days": 21}, snap(), False, 20, 21,
         ("20 days", "minimum is 21")),
        ("decided without data", {"kind": "min_days_in_phase", "days": 1},
         snap(started=TODAY), False, 0, 1, ("0 days", "minimum is 1")),
    ],
    "pain_max": [
        ("met", PAIN_MAX, snap(logs=logs(range(7), pain_during=1)), True, 1, 2,
         ("peaked at 1/10", "limit is 2/10", "7 of 7 days logged")),
        ("met with one day in seven missing", PAIN_MAX,
         snap(logs=logs(range(6), pain_during=1)), True, 1, 2, ("6 of 7 days logged",)),
        # Five logs were enough before; two missing days in seven leave the window unjudged.
        ("unknown: two days in seven missing", PAIN_MAX,
         snap(logs=logs(range(5), pain_during=0)), None, None, 2,
         ("logged on 5 of 7 days", "6 needed")),
        ("not met", PAIN_MAX,
         snap(logs=logs(range(6), pain_during=1) + logs([6], pain_during=4)), False, 4, 2,
         ("Pain during activity peaked at 4/10", "limit is 2/10")),
        ("unknown", PAIN_MAX, snap(logs=logs(range(3), pain_during=0)), None, None, 2,
         ("Not enough data: pain during activity logged on 3 of 7 days in the last 7 days, "
          "6 needed; the limit is 2/10.",)),
        ("a log without that rating does not count", PAIN_MAX,
         snap(logs=logs(range(4), pain_during=0) + logs([4, 5, 6], pain_rest=0)), None, None,
         2, ("4 of 7 days", "6 needed")),
        ("never before the phase", PAIN_MAX,
         snap(logs=logs(range(10), pain_during=1) + logs([9], pain_during=8), started=ago(5)),
         True, 1, 2, ("the phase's 6 days so far, today included",)),
        ("any takes the worst rating", {**PAIN_MAX, "field": "any"},
         snap(logs=logs(range(7), pain_during=1, pain_next_morning=3)), False, 3, 2,
         ("Pain peaked at 3/10",)),
    ],
    "pain_free_streak": [
        ("met", {"kind": "pain_free_streak", "days": 5},
         snap(logs=logs(range(6), pain_rest=0, pain_during=0)), True, 6, 5,
         ("No pain for 6 days in a row", "5 needed")),
        ("not met", {"kind": "pain_free_streak", "days": 5},
         snap(logs=logs([0, 1, 2, 4], pain_during=0) + logs([3], pain_during=2)), False, 3, 5,
         ("was 2/10", "streak is 3 days", "5 needed")),
        ("unknown", {"kind": "pain_free_streak", "days": 5},
         snap(logs=logs([0, 1, 3, 4], pain_during=0)), None, None, 5,
         ("Not enough data: 1 of the last 5 days have no log of pain", "streak is 2 days")),
        ("phase too young", {"kind": "pain_free_streak", "days": 5},
         snap(logs=logs(range(3), pain_during=0), started=ago(2)), False, 3, 5,
         ("phase began 3 days ago", "3 days, 5 needed")),
    ],
    "pain_not_rising": [
        ("met", {"kind": "pain_not_rising"},
         snap(logs=logs([8, 9, 10], pain_during=2) + logs([0, 1, 2], pain_during=1)),
         True, 1.0, 2.0, ("1/10 this week", "2/10 last week", "limit is 2/10")),
        ("not met", {"kind": "pain_not_rising"},
         snap(logs=logs([8, 9, 10], pain_during=2) + logs([0, 1, 2], pain_during=3)),
         False, 3.0, 2.0, ("3/10 this week", "limit is 2/10")),
        ("tolerance", {"kind": "pain_not_rising", "tolerance": 1},
         snap(logs=logs([8, 9, 10], pain_during=2) + logs([0, 1, 2], pain_during=3)),
         True, 3.0, 3.0, ("limit is 3/10",)),
        ("unknown", {"kind": "pain_not_rising"},
         snap(logs=logs([8, 9, 10], pain_during=2) + logs([0, 1], pain_during=1)), None, None,
         "last week's average",
         ("Not enough data: 2 logs of pain during activity this week and 3 last week; "
          "3 needed in each.",)),
    ],
    "no_sharp_pain": [
        ("met", {"kind": "no_sharp_pain"}, snap(logs=logs(range(7), pain_character="dull")),
         True, 0, 0, ("No sharp pain reported in the last 7 days (7 of 7 days logged).",)),
        ("not met", {"kind": "no_sharp_pain"},
         snap(logs=logs([0, 1], pain_character="none") + logs([3], pain_character="sharp")),
         False, 1, 0, ("Sharp pain was reported on 20 Mar",)),
        ("outside the window", {"kind": "no_sharp_pain"},
         snap(logs=logs(range(6), pain_character="none") + logs([9], pain_character="sharp")),
         True, 0, 0, ("(6 of 7 days logged)",)),
        ("unknown: one log in seven days", {"kind": "no_sharp_pain"},
         snap(logs=logs([0], pain_character="none") + logs([9], pain_character="sharp")),
         None, None, 0, ("recorded on 1 of 7 days logged", "6 needed")),
        ("unknown", {"kind": "no_sharp_pain"}, snap(logs=logs(range(7), pain_during=0)),
         None, None, 0,
         ("Not enough data: no log records the character of the pain in the last 7 days.",)),
    ],
    "no_night_pain": [
        ("met", {"kind": "no_night_pain"}, snap(logs=logs(range(6), night_pain=False)),
         True, 0, 0, ("No night pain reported in the last 7 days (6 of 7 days logged).",)),
        ("unknown: 3 of 7 days logged", {"kind": "no_night_pain"},
         snap(logs=logs(range(3), night_pain=False)), None, None, 0,
         ("night pain recorded on 3 of 7 days logged in the last 7 days, 6 needed.",)),
        ("not met", {"kind": "no_night_pain"},
         snap(logs=logs([0], night_pain=False) + logs([2], night_pain=True)),
         False, 1, 0, ("Night pain was reported on 21 Mar",)),
        ("unknown", {"kind": "no_night_pain"}, snap(), None, None, 0,
         ("Not enough data: no log records night pain in the last 7 days.",)),
    ],
    "adherence": [
        ("met", {"kind": "adherence", "min_logs": 5, "days": 7}, snap(logs=logs(range(5))),
         True, 5, 5, ("5 daily logs in the last 7 days; 5 needed.",)),
        ("not met, duplicates count once", {"kind": "adherence", "min_logs": 5, "days": 7},
         snap(logs=logs([0, 0, 1, 2, 3, 9])), False, 4, 5,
         ("4 daily logs in the last 7 days; 5 needed.",)),
        ("decided without data", {"kind": "adherence", "min_logs": 1, "days": 7}, snap(),
         False, 0, 1, ("0 daily logs", "1 needed")),
    ],
    "assessment": [
        ("met", HOPS, snap(assessments=[AssessmentEntry(ago(2), "single_leg_hop", 12, 1)]),
         True, 12, 10.0, ("Single-leg hops: 12 on 21 Mar with pain 1/10; at least 10",)),
        ("not met", HOPS, snap(assessments=[AssessmentEntry(ago(2), "single_leg_hop", 8, 0)]),
         False, 8, 10.0, ("Single-leg hops: 8 on 21 Mar; at least 10 needed.",)),
        ("too painful", HOPS,
         snap(assessments=[AssessmentEntry(ago(2), "single_leg_hop", 15, 4)]),
         False, 15, 10.0, ("with pain 4/10", "pain limit is 2/10")),
        ("the latest result counts", HOPS,
         snap(assessments=[AssessmentEntry(ago(1), "single_leg_hop", 8, 0),
                           AssessmentEntry(ago(5), "single_leg_hop", 14, 0)]),
         False, 8, 10.0, ("8 on 22 Mar",)),
        ("unknown: no result", HOPS,
         snap(assessments=[AssessmentEntry(ago(16), "single_leg_hop", 12, 0),
                           AssessmentEntry(ago(1), "heel_raise", 30, 0)]),
         None, None, 10.0,
         ("Not enough data: no Single-leg hops result in the last 14 days.",)),
        ("unknown: no pain rating", HOPS,
         snap(assessments=[AssessmentEntry(ago(1), "single_leg_hop", 12)]), None, None, 10.0,
         ("has no pain rating", "at most 2/10")),
        ("a maximum", {"kind": "assessment", "test": "tenderness", "max": 0},
         snap(assessments=[AssessmentEntry(ago(1), "tenderness", 1)]), False, 1, 0.0,
         ("Bony tenderness (0 none, 1 present): 1 on 22 Mar; at most 0 needed.",)),
        ("a range", {"kind": "assessment", "test": "tsk11", "min": 11, "max": 22},
         snap(assessments=[AssessmentEntry(ago(1), "tsk11", 17)]), True, 17, "11–22",
         ("17 on", "between 11 and 22")),
    ],
    "weekly_load_increase": [
        # This week 3 × 5 × 50 = 750 AU against 600: +25 %.
        ("met", LOAD, snap(sessions=LAST_WEEK_LOAD + sessions([0, 2, 4], 5, 50)), True, 25.0,
         30.0, ("rose by 25% week over week (750 against 600 AU); the limit is 30%.",)),
        # 2 × 5 × 80 = 800 AU against 600: +33.3 %.
        ("not met", LOAD, snap(sessions=LAST_WEEK_LOAD + sessions([0, 3], 5, 80)), False,
         33.3, 30.0, ("rose by 33.3%", "limit is 30%")),
        ("a fall is fine", LOAD, snap(sessions=LAST_WEEK_LOAD + sessions([0], 5, 60)), True,
         -50.0, 30.0, ("fell by 50%",)),
        ("unknown: unrated session", LOAD,
         snap(sessions=LAST_WEEK_LOAD + sessions([1], None)), None, None, 30.0,
         ("Not enough data: 1 session in the last 14 days has no effort rating (RPE).",)),
        ("unknown: phase too young", LOAD,
         snap(sessions=LAST_WEEK_LOAD + sessions([1], 5), started=ago(10)), None, None, 30.0,
         ("Not enough data: the phase began 10 days ago; two full weeks",)),
        ("unknown: no sessions", LOAD, snap(), None, None, 30.0,
         ("Not enough data: no sessions in the last 14 days.",)),
        ("not met: from nothing", LOAD, snap(sessions=sessions([1], 5)), False, None, 30.0,
         ("rose from none to 300 AU", "limit is 30%")),
    ],
    "clinician_signoff": [
        ("met", {"kind": "clinician_signoff"}, snap(signed=ago(1)), True, "2025-03-22",
         "signed off", ("signed this phase off on 22 Mar",)),
        ("not met", {"kind": "clinician_signoff"}, snap(), False, None, "signed off",
         ("No clinician has signed this phase off yet.",)),
        ("an earlier phase's sign-off", {"kind": "clinician_signoff"},
         snap(signed=START - timedelta(days=1)), False, None, "signed off", ("No clinician",)),
        ("a future sign-off", {"kind": "clinician_signoff"}, snap(signed=ago(-1)), False,
         None, "signed off", ("No clinician",)),
    ],
    "pain_above": [
        ("fires", {"kind": "pain_above", "field": "during", "above": 5},
         snap(logs=logs([1], pain_during=4) + logs([0], pain_during=6)), True, 6, 5,
         ("Pain during activity reached 6/10 on 23 Mar, above the limit of 5/10.",)),
        ("does not fire", {"kind": "pain_above", "field": "during", "above": 5},
         snap(logs=logs([1], pain_during=4) + logs([3], pain_during=8)), False, 4, 5,
         ("peaked at 4/10 today or yesterday; the limit is 5/10.",)),
        ("unknown", {"kind": "pain_above", "field": "during", "above": 5},
         snap(logs=logs([0], pain_rest=7)), None, None, 5,
         ("Not enough data: no log of pain during activity today or yesterday.",)),
    ],
    "pain_persisting": [
        ("fires", {"kind": "pain_persisting"}, snap(logs=logs([1], pain_lasted_hours=30)),
         True, 30, 24.0, ("lasted 30 hours on 22 Mar; the limit is 24 hours.",)),
        ("does not fire", {"kind": "pain_persisting"},
         snap(logs=logs([0, 1], pain_lasted_hours=6)), False, 6, 24.0,
         ("lasted at most 6 hours today or yesterday; the limit is 24 hours.",)),
        ("unknown", {"kind": "pain_persisting"}, snap(logs=logs([0], pain_after=1)), None,
         None, 24.0, ("Not enough data: no log records how long pain lasted",)),
    ],
    "pain_rising": [
        ("fires", {"kind": "pain_rising"},
         snap(logs=logs([7, 9, 11], pain_during=1) + logs([0, 2, 4, 6], pain_during=2.5)),
         True, 1.5, 1.0, ("rose by 1.5 points week over week (2.5/10 against 1/10)",
                          "it fires at a rise of 1 point or more.")),
        ("does not fire", {"kind": "pain_rising"},
         snap(logs=logs([7, 9, 11], pain_during=1) + logs([0, 2, 4], pain_during=1.5)),
         False, 0.5, 1.0, ("rose by 0.5 points", "it fires at a rise of 1 point or more.")),
        ("unknown", {"kind": "pain_rising"},
         snap(logs=logs([7, 9], pain_during=1) + logs([0, 2, 4], pain_during=5)),
         None, None, 1.0, ("Not enough data: 3 logs", "2 last week; 3 needed in each.")),
    ],
    "next_morning_worse": [
        ("fires", {"kind": "next_morning_worse"},
         snap(logs=logs([1], pain_rest=1, pain_next_morning=3)), True, 2, 1.0,
         ("morning after 22 Mar was 3/10 against 1/10 at rest that day, a change of 2; "
          "it fires at a rise of 1 point or more.",)),
        ("does not fire", {"kind": "next_morning_worse"},
         snap(logs=logs([0, 1], pain_rest=2, pain_next_morning=2)), False, 0, 1.0,
         ("a change of 0", "fires at a rise of 1 point or more")),
        ("unknown", {"kind": "next_morning_worse"},
         snap(logs=logs([0], pain_rest=2) + logs([1], pain_next_morning=4)), None, None, 1.0,
         ("Not enough data: no log today or yesterday has both",)),
    ],
    "sharp_pain": [
        ("fires", {"kind": "sharp_pain"}, snap(logs=logs([0], pain_character="sharp")), True,
         1, 0,
         ("Sharp pain was reported on 23 Mar, today or yesterday.",)),
        ("does not fire", {"kind": "sharp_pain"},
         snap(logs=logs([0, 1], pain_character="dull")), False, 0, 0,
         ("No sharp pain reported today or yesterday (2 of 2 days logged).",)),
        ("unknown", {"kind": "sharp_pain"}, snap(logs=logs([4], pain_character="sharp")),
         None, None, 0, ("Not enough data: no log records the character of the pain",)),
        ("localized only, not localized", {"kind": "sharp_pain", "localized_only": True},
         snap(logs=logs([0], pain_character="sharp", localized=False)), False, 0, 0,
         ("No sharp, localized pain reported",)),
        ("localized only, localization unknown", {"kind": "sharp_pain", "localized_only": True},
         snap(logs=logs([0], pain_character="sharp")), None, None, 0, ("Not enough data",)),
        ("localized only, localized", {"kind": "sharp_pain", "localized_only": True},
         snap(logs=logs([1], pain_character="sharp", localized=True)), True,
         1, 0, ("Sharp, localized pain was reported on 22 Mar",)),
    ],
    "night_pain": [
        ("fires", {"kind": "night_pain"}, snap(logs=logs([1], night_pain=True)), True,
         1, 0, ("Night pain was reported on 22 Mar",)),
        ("does not fire", {"kind": "night_pain"}, snap(logs=logs([0], night_pain=False)),
         False, 0, 0, ("No night pain reported today or yesterday (1 of 2 days logged).",)),
        ("unknown", {"kind": "night_pain"}, snap(logs=logs([0], pain_rest=0)), None, None, 0,
         ("Not enough data: no log records night pain today or yesterday.",)),
    ],
    "swelling": [
        ("fires", {"kind": "swelling", "days": 3}, snap(logs=logs([2], swelling=True)), True,
         1, 0, ("Swelling was reported on 21 Mar, in the last 3 days.",)),
        ("does not fire", {"kind": "swelling"}, snap(logs=logs([0], swelling=False)), False, 0,
         0, ("No swelling reported",)),
        ("unknown", {"kind": "swelling"}, snap(), None, None, 0, ("Not enough data",)),
    ],
    "load_spike": [
        # 28 days at 2 × 50 = 100 AU, then 7 days at 8 × 50 = 400 AU.
        ("fires", {"kind": "load_spike"},
         snap(sessions=sessions(range(7, 35), 2, 50) + sessions(range(7), 8, 50)), True,
         1.65, 1.5, ("ratio (EWMA 7/28 days) is 1.65; the caution level is 1.5.",)),
        ("does not fire", {"kind": "load_spike"}, snap(sessions=sessions(range(35), 5)), False,
         1.0, 1.5, ("is 1; the caution level is 1.5.",)),
        ("unknown: short history", {"kind": "load_spike"},
         snap(sessions=sessions(range(10), 5)), None, None, 1.5,
         ("Not enough data: 10 days of training load history, 21 needed.",)),
        ("unknown: no load at all", {"kind": "load_spike"},
         snap(sessions=sessions(range(30), 0)), None, None, 1.5, ("no chronic training load",)),
    ],
    "severe_pain": [
        # 7/10 during a run today: the plan's red limit (5/10 by default) is reached.
        ("fires", {"kind": "severe_pain"},
         snap(logs=logs([0], pain_during=7), sessions=sessions([0], 4)), True, 7, 5,
         ("Pain reached 7/10 on 23 Mar, a day with impact work (running)",
          "red limit is 5/10")),
        ("fires on a session's own pain after", {"kind": "severe_pain", "limit": 6},
         snap(sessions=[SessionEntry(ago(1), "walk_run", 30, 3, None, 6)]), True, 6, 6,
         ("Pain reached 6/10 on 22 Mar",)),
        ("does not fire below the limit", {"kind": "severe_pain"},
         snap(logs=logs([0], pain_during=4), sessions=sessions([0], 4)), False, 4, 5,
         ("peaked at 4/10",)),
        ("cycling is not impact work", {"kind": "severe_pain"},
         snap(logs=logs([0], pain_during=7), sessions=[SessionEntry(ago(0), "cycle", 40, 4)]),
         None, None, 5, ("No pain rating during or after impact work",)),
        ("unknown", {"kind": "severe_pain"}, snap(), None, None, 5, ("No pain rating",)),
    ],
}
# fmt: on
EVALUATIONS.update(case_tables.EVALUATIONS)
EVALUATIONS.update(symmetry_tables.EVALUATIONS)
EVALUATIONS.update(volume_tables.EVALUATIONS)

CASES = [
    pytest.param(name, *case[1:], id=f"{name}: {case[0]}")
    for name, cases in EVALUATIONS.items()
    for case in cases
]


@pytest.mark.parametrize(
    ("name", "item", "snapshot", "met", "observed", "threshold", "fragments"), CASES
)
def test_evaluate(name, item, snapshot, met, observed, threshold, fragments):
    result = run(item, snapshot)
    assert result.kind == name
    assert result.role == get_kind(name).role
    assert result.met is met
    assert result.observed == (pytest.approx(observed) if isinstance(observed, float) else observed)
    assert result.threshold == threshold
    for fragment in fragments:
        assert fragment in result.sentence
    assert result.sentence.endswith(".")
    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()
    assert criteria.CriterionResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


@pytest.mark.parametrize("name", ALL_KINDS)
def test_every_kind_has_met_not_met_and_unknown_cases(name):
    outcomes = {case[3] for case in EVALUATIONS[name]}
    always_decided = {"min_days_in_phase", "adherence", "clinician_signoff"}
    assert outcomes == ({True, False} if name in always_decided else {True, False, None})


@pytest.mark.parametrize("name", ALL_KINDS)
def test_every_kind_evaluates_an_empty_snapshot(name):
    item = {"kind": name, **DEFAULTS[name][0]}
    result = run(item, snap())
    assert result.met is not True or result.role != "advance" or name == "min_days_in_phase"
    assert result.sentence


def test_evaluate_validates_its_item():
    with pytest.raises(CriterionError):
        run({"kind": "pain_max", "field": "during", "max": 12}, snap())


def test_the_sentence_names_observed_value_and_threshold():
    result = run(PAIN_MAX, snap(logs=logs(range(7), pain_during=4)))
    assert result.sentence == (
        "Pain during activity peaked at 4/10 on 23 Mar, in the last 7 days; the limit is 2/10."
    )


# --- red flags --------------------------------------------------------------------------------

RED_FLAGS: list[tuple[dict[str, Any], list[LogEntry], bool, bool]] = [
    # item, logs, high-risk site, red flag
    ({"kind": "pain_above", "field": "during", "above": 5}, logs([0], pain_during=7), False, False),
    ({"kind": "pain_above", "field": "during", "above": 5}, logs([0], pain_during=7), True, True),
    ({"kind": "pain_persisting"}, logs([0], pain_lasted_hours=36), False, False),
    ({"kind": "pain_persisting"}, logs([0], pain_lasted_hours=36), True, True),
    ({"kind": "next_morning_worse"}, logs([1], pain_rest=0, pain_next_morning=3), False, False),
    ({"kind": "next_morning_worse"}, logs([1], pain_rest=0, pain_next_morning=3), True, True),
    ({"kind": "sharp_pain"}, logs([0], pain_character="sharp"), False, True),
    ({"kind": "night_pain"}, logs([0], night_pain=True), False, True),
    ({"kind": "swelling"}, logs([0], swelling=True), False, False),
    ({"kind": "swelling"}, logs([0], swelling=True), True, False),
]
RISING_DURING = logs([7, 8, 9], pain_during=1) + logs([0, 1, 2], pain_during=3)
RISING_REST = logs([7, 8, 9], pain_rest=1) + logs([0, 1, 2], pain_rest=3)
RED_FLAGS += [
    ({"kind": "pain_rising"}, RISING_DURING, False, False),
    ({"kind": "pain_rising"}, RISING_DURING, True, True),
    ({"kind": "pain_rising", "field": "rest"}, RISING_REST, False, True),
]


@pytest.mark.parametrize(("item", "entries", "high_risk", "red_flag"), RED_FLAGS)
def test_red_flags(item, entries, high_risk, red_flag):
    result = run(item, snap(logs=entries, high_risk=high_risk))
    assert result.met is True
    assert result.red_flag is red_flag


def test_a_rule_that_does_not_fire_is_never_a_red_flag():
    result = run({"kind": "night_pain"}, snap(logs=logs([0], night_pain=False), high_risk=True))
    assert result.met is False and result.red_flag is False


def test_advance_criteria_are_never_red_flags():
    result = run({"kind": "no_night_pain"}, snap(logs=logs([0], night_pain=True), high_risk=True))
    assert result.met is False and result.red_flag is False


@pytest.mark.parametrize(
    ("name", "item", "snapshot", "met", "observed", "threshold", "fragments"), CASES
)
def test_every_result_states_its_threshold_and_unknown_observes_nothing(
    name, item, snapshot, met, observed, threshold, fragments
):
    """Every result has a threshold in the criterion's unit; an unknown result observes None
    (never a count of logs shown as if it were a pain value) and says what data is missing."""
    result = run(item, snapshot)
    assert result.threshold is not None
    assert result.threshold_text != "—"
    if result.met is None:
        assert result.observed is None and result.observed_text == "—"
        assert "Not enough data" in result.sentence or "No pain rating" in result.sentence


def test_values_show_with_their_unit():
    assert criteria.format_value(3, "/10") == "3/10"
    assert criteria.format_value(1, "reports") == "1 report"
    assert criteria.format_value(0, "reports") == "0 reports"
    assert criteria.format_value(12.5, "%") == "12.5%"
    assert criteria.format_value(None, "/10") == "—"
    assert criteria.format_value("2026-11-20") == "20 Nov 2026"
    assert criteria.format_value(float("inf"), "%") == "∞%"
    assert criteria.format_value(float("nan")) == "not a number"
