"""The plan and the gating results rewritten for athletes: pure functions, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt

from monitoring.surfaces.athlete import view_models as pages
from protocols.engine.criteria.results import CriterionResult
from protocols.engine.gating import PhaseSpec, evaluate
from protocols.engine.records import LogEntry, Snapshot
from protocols.models import PlanPhase
from tests.plans import WALK_RUN

DAY = dt.date(2026, 11, 20)


def phase(**fields) -> PlanPhase:
    base = {
        "order": 2,
        "name": "Walk-run",
        "min_days": 14,
        "typical_days": 21,
        "prescriptions": [{"activity": "walk_run", "minutes": 30, "sessions_per_week": 3}],
        "advance_when": [],
        "regress_when": [],
    }
    return PlanPhase(**{**base, **fields})


def run(spec_phase: PlanPhase, logs=(), started=DAY - dt.timedelta(days=10), **snap):
    spec = PhaseSpec(
        name=spec_phase.name,
        min_days=spec_phase.min_days,
        advance_when=tuple(spec_phase.advance_when),
        regress_when=tuple(spec_phase.regress_when),
    )
    return evaluate(spec, Snapshot(phase_started_on=started, logs=tuple(logs), **snap), DAY)


def test_pain_limits_from_pain_max_and_pain_above():
    lines = pages.pain_limits(
        phase(
            advance_when=[{"kind": "pain_max", "field": "during", "max": 2}],
            regress_when=[{"kind": "pain_above", "field": "during", "above": 5}],
        )
    )
    assert lines == [
        "Pain during running must stay at 2/10 or below to move on; above 5/10, stop the session "
        "and take the rest of the day easy."
    ]


def test_pain_limits_alone():
    assert pages.pain_limits(
        phase(advance_when=[{"kind": "pain_max", "field": "during", "max": 2}])
    ) == ["Pain during running must stay at 2/10 or below."]
    assert pages.pain_limits(
        phase(regress_when=[{"kind": "pain_above", "field": "after", "above": 2}])
    ) == [
        "Pain after running must stay at 2/10 or below: if it goes higher, stop the session and "
        "take the rest of the day easy."
    ]


def test_no_pain_at_rest_and_any_pain_at_a_high_risk_site():
    lines = pages.pain_limits(
        phase(
            prescriptions=[{"activity": "cycle", "minutes": 20}],
            advance_when=[{"kind": "pain_max", "field": "rest", "max": 0}],
            regress_when=[
                {"kind": "pain_above", "field": "during", "above": 0},
                {"kind": "night_pain"},
            ],
        )
    )
    assert lines == [
        "You should have no pain at rest (0/10).",
        "Any pain during cycling: stop and tell your clinician.",
        "Pain that wakes you at night: stop and tell your clinician straight away.",
    ]


def test_a_general_pain_goal_applies_to_each_measure_with_a_stop_rule():
    lines = pages.pain_limits(
        phase(
            advance_when=[{"kind": "pain_max", "field": "any", "max": 1}],
            regress_when=[{"kind": "pain_above", "field": "during", "above": 2}],
        )
    )
    assert lines == [
        "Pain at rest must stay at 1/10 or below.",
        "Pain during running must stay at 1/10 or below to move on; above 2/10, stop the session "
        "and take the rest of the day easy.",
        "Pain after running must stay at 1/10 or below.",
        "Pain the next morning must stay at 1/10 or below.",
    ]


def test_weight_bearing_and_impact_in_words():
    lines = pages.allowed_today(phase(weight_bearing="nwb", crutches=True, impact="none"))
    assert lines == [
        "Keep all weight off the injured leg: use your crutches for every step.",
        "No running, jumping or hopping.",
    ]


def test_prescriptions_in_words():
    (rx,) = pages.prescriptions(
        phase(
            prescriptions=[
                {
                    "activity": "walk",
                    "minutes": 20,
                    "sessions_per_week": 7,
                    "intensity": "brisk",
                    "notes": "Flat ground.",
                }
            ]
        )
    )
    assert (rx.activity, rx.dose, rx.intensity, rx.notes) == (
        "Walking",
        "20 min, every day",
        "brisk",
        "Flat ground.",
    )


def test_goals_split_open_and_met_with_plain_status():
    walk_run = phase(advance_when=WALK_RUN["advance_when"], regress_when=[])
    logs = [LogEntry(day=DAY - dt.timedelta(days=n), pain_during=1) for n in range(3)]
    goals = pages.goals(run(walk_run, logs), walk_run)
    texts = {g.text: g.status for g in goals.open}
    assert texts["At least 14 days in this stage"] == "10 days done of 14: 4 days to go"
    hop = "10 single-leg hops with pain at 2/10 or less, checked by your clinician"
    assert texts[hop] == "Not checked yet in this stage"
    # At most one missing day in seven: 6 logs, not the 5 of the template's minimum.
    pain = "Pain during running at 2/10 or below on every day you log for 7 days (at least 6 logs)"
    assert texts[pain] == "3 days logged so far, 6 needed: keep logging"
    assert goals.met == []


def test_met_goals_are_listed_as_done():
    walk_run = phase(advance_when=[{"kind": "min_days_in_phase", "days": 7}], min_days=7)
    goals = pages.goals(run(walk_run), walk_run)
    assert [g.text for g in goals.met] == ["At least 7 days in this stage"]
    assert goals.open == []


def test_messages_red_flag_regression_and_ready():
    rules = phase(
        advance_when=[{"kind": "min_days_in_phase", "days": 7}],
        regress_when=[
            {"kind": "sharp_pain"},
            {"kind": "pain_above", "field": "during", "above": 3},
        ],
        min_days=7,
    )
    sharp = [LogEntry(day=DAY, pain_during=2, pain_character="sharp")]
    (stop,) = pages.log_messages(run(rules, sharp), rules)
    assert stop.level == "stop"
    assert stop.title == "Sharp pain reported — your clinician has been notified"
    assert stop.text == (
        "Please stop running until they contact you. "
        "If you cannot bear weight, or the pain is severe even at rest or keeps getting "
        "worse, seek urgent care."
    )

    # A load spike the same day: its "stick to the plan" would contradict the stop.
    spike = CriterionResult(
        kind="load_spike",
        params={},
        role="warning",
        met=True,
        observed=1.8,
        threshold=1.5,
        sentence="Load ratio 1.8 above 1.5",
    )
    evaluation = dataclasses.replace(run(rules, sharp), warn=(spike,))
    assert [m.level for m in pages.log_messages(evaluation, rules)] == ["stop"]
    calm_spike = dataclasses.replace(run(rules), warn=(spike,))
    assert [m.title for m in pages.log_messages(calm_spike, rules)] == [
        "Great work: you have met the goals your plan checks for this stage",
        "Your training has gone up quickly",  # both true, neither undoes the other
    ]

    too_much = [LogEntry(day=DAY, pain_during=5, pain_character="dull")]
    (caution,) = pages.log_messages(run(rules, too_much), rules)
    assert caution.level == "caution"
    assert caution.title == "Your pain is above your plan's limit"
    assert caution.text == (
        "Take today easy and repeat the previous stage; your clinician will review."
    )

    calm = [LogEntry(day=DAY, pain_during=0, pain_character="none")]
    (good,) = pages.log_messages(run(rules, calm), rules)
    assert good.level == "good" and "clinician will review the next step" in good.text
    assert "run-walk programme" not in good.text
    # The plan's goals met while its run-walk programme has stages to go: both are said.
    from protocols.engine.programme import ProgrammeState, Stage

    stages = tuple(Stage(run=1, walk=4, repeats=6, sessions=2) for _ in range(5))
    going = ProgrammeState(
        stages=stages, stage=3, sessions_done=0, finished=False, last_run_on=None,
        ran_today=False, run_due=True, next_run_on=DAY, step_down=None, rest_days=1,
    )  # fmt: skip
    (good,) = pages.log_messages(run(rules, calm), rules, programme=going)
    assert good.text.endswith("Your run-walk programme goes on meanwhile: stage 3 of 5.")
    done = dataclasses.replace(going, stage=5, finished=True)
    (good,) = pages.log_messages(run(rules, calm), rules, programme=done)
    assert "run-walk programme" not in good.text


def test_red_flag_without_running_says_rest_from_loading():
    rules = phase(
        prescriptions=[{"activity": "cycle"}], impact="low", regress_when=[{"kind": "night_pain"}]
    )
    night = [LogEntry(day=DAY, night_pain=True)]
    (stop,) = pages.log_messages(run(rules, night), rules)
    assert stop.title.startswith("Pain at night reported")
    assert stop.text.startswith(
        "Please rest from exercise that loads the leg until they contact you. If you cannot"
    )


def test_the_web_session_id_is_one_per_day():
    assert pages.web_session_id(DAY) == "web-2026-11-20-1"
