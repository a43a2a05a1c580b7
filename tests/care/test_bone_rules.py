"""The pure rules of the bone-health screens: the REDs CAT2 light (Mountjoy et al., BJSM
2023;57:1073; thresholds this clinic's reading, docs/bone-health.md), adolescents' % of
expected body weight and calcium reference (De Souza et al., BJSM 2014;48:289 footnote;
clinical.md §10-11), the cycle log's count, and the gating engine's hold on impact phases."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.care import growth, reds
from monitoring.care.cycle import summarise
from protocols.engine.gating import PhaseSpec, evaluate
from protocols.engine.records import Snapshot

MAN = dict(sex="male", under_18=False)
WOMAN = dict(sex="female", under_18=False)


def all_no(**kw) -> dict:
    return {k: False for k in reds.applicable(**kw)}


# --- REDs CAT2 -------------------------------------------------------------------------------


def test_a_man_with_no_indicator_is_green_and_his_menstrual_items_do_not_apply():
    result = reds.reds_cat2(all_no(**MAN), **MAN)
    assert (result.light, result.positive, result.complete) == ("green", False, True)
    assert "secondary_amenorrhoea" not in reds.applicable(**MAN)
    assert "subclinical_low_testosterone" in reds.applicable(**MAN)
    assert "growth_deviation" not in reds.applicable(**MAN)


@pytest.mark.parametrize(
    ("present", "light"),
    [
        (["subclinical_low_testosterone"], "yellow"),  # 1 primary
        (["low_ea", "lipids"], "yellow"),  # 2 secondary
        (["clinical_low_testosterone"], "orange"),  # a severe one counts as 2 primary
        (["low_t3", "low_ea", "mood"], "orange"),  # 1 primary + 2 secondary
        (["low_ea", "lipids", "mood", "iron_deficiency"], "orange"),  # 4 secondary
        (["clinical_low_testosterone", "low_t3", "low_bmd"], "red"),  # 4 primary
        (["red_findings"], "red"),  # clinical judgement
        (["low_ea"], "green"),  # 1 secondary
    ],
)
def test_the_light_follows_the_counts(present, light):
    answers = all_no(**MAN) | {k: True for k in present}
    assert reds.reds_cat2(answers, **MAN).light == light


def test_an_unassessed_indicator_makes_the_screen_incomplete_never_green():
    answers = all_no(**WOMAN)
    answers["low_bmd"] = None
    result = reds.reds_cat2(answers, **WOMAN)
    assert result.light == "incomplete" and result.missing == ("low_bmd",)
    assert not result.positive  # nothing present yet: no clearance, no action either
    answers["secondary_amenorrhoea"] = True
    partial = reds.reds_cat2(answers, **WOMAN)
    assert partial.light == "incomplete" and partial.at_least == "yellow" and partial.positive


def test_an_unknown_indicator_is_refused():
    with pytest.raises(ValueError):
        reds.reds_cat2({"made_up": True}, **MAN)


def test_an_adolescent_is_asked_about_growth():
    assert "growth_deviation" in reds.applicable(sex="female", under_18=True)


# --- adolescents -------------------------------------------------------------------------------


def test_age_and_calcium_reference():
    born = dt.date(2011, 3, 1)
    assert growth.age_on(born, dt.date(2026, 2, 28)) == 14
    assert growth.age_on(born, dt.date(2026, 3, 1)) == 15
    assert growth.calcium_reference(15) == 1300 and growth.calcium_reference(18) == 1300
    assert growth.calcium_reference(19) == 1000 and growth.calcium_reference(None) == 1000
    assert "1,300 mg/day at 15 years" in growth.calcium_text(15)


def test_under_18_the_bmi_item_reads_percent_of_expected_weight():
    """A 15-year-old girl, 165 cm: expected weight by the BMI-for-age median (19.9) is about
    54.2 kg. 50 kg is 92% (0 points), 47 kg 87% (1), 45 kg 83% (2) — her BMI of 16.5 would
    have scored 2 by the adult cut-offs whatever her age."""
    assert growth.triad_weight_points(165, 50, age=15, sex="female")[0] == 0
    assert growth.triad_weight_points(165, 47, age=15, sex="female")[0] == 1
    points, words = growth.triad_weight_points(165, 45, age=15, sex="female")
    assert points == 2 and "83% of expected body weight" in words
    assert growth.triad_weight_points(165, 45, age=25, sex="female")[0] == 2  # BMI 16.5
    assert growth.triad_weight_points(165, 52, age=25, sex="female")[0] == 0  # BMI 19.1
    assert growth.triad_weight_points(165, 50, age=15, sex="unknown")[0] is None


def test_height_and_weight_come_together_and_in_range():
    points, words = growth.weighed_points({"bmi": 1}, 165, 45, age=15, sex="female")
    assert points["bmi"] == 2 and "expected body weight" in words
    kept, _ = growth.weighed_points({"bmi": 2}, 165, 60, age=15, sex="female")
    assert kept["bmi"] == 2  # the clinician's weight-loss answer is never lowered
    with pytest.raises(ValueError):
        growth.weighed_points({}, 165, None, age=15, sex="female")
    with pytest.raises(ValueError):
        growth.weighed_points({}, 500, 45, age=15, sex="female")


# --- the cycle log -----------------------------------------------------------------------------


TODAY = dt.date(2026, 11, 20)


def test_a_full_year_of_periods_scores_the_menses_item():
    starts = [TODAY - dt.timedelta(days=30 * n) for n in range(12)]  # 12 in a year
    summary = summarise(starts, since=dt.date(2025, 6, 1), today=TODAY)
    assert summary.full_year and summary.periods == 12 and summary.menses_points == 0
    five = summarise(starts[:5], since=dt.date(2025, 6, 1), today=TODAY)
    assert five.menses_points == 2  # fewer than 6
    assert five.reds_suggestions()["secondary_amenorrhoea"] is True  # months without one


def test_a_start_logged_twice_within_two_weeks_is_one_period():
    """Eight periods 45 days apart over a year (oligomenorrhoea, 1 point), one of them logged
    again 3 days later by mistake: still eight periods, not nine; a start 20 days after the one
    before is a new (short) cycle."""
    starts = [TODAY - dt.timedelta(days=45 * n) for n in range(8)]
    since = dt.date(2025, 6, 1)  # logging on for more than a year
    summary = summarise([*starts, starts[2] + dt.timedelta(days=3)], since=since, today=TODAY)
    assert (summary.periods, summary.menses_points) == (8, 1)
    short = summarise([*starts, starts[2] + dt.timedelta(days=20)], since=since, today=TODAY)
    assert short.periods == 9


def test_less_than_a_year_logged_gives_a_count_but_no_points():
    summary = summarise([TODAY - dt.timedelta(days=10)], since=dt.date(2026, 10, 1), today=TODAY)
    assert summary.periods == 1 and not summary.full_year and summary.menses_points is None
    assert "no Triad points" in summary.text
    assert summarise([], since=None, today=TODAY) is None


# --- the hold on impact phases (the gating engine) ---------------------------------------------


SPEC = PhaseSpec(
    name="Walk-run", min_days=0, advance_when=({"kind": "min_days_in_phase", "days": 1},)
)


def snapshot(impact: bool, **facts) -> Snapshot:
    return Snapshot(
        phase_started_on=TODAY - dt.timedelta(days=20), impact_phase=impact, facts=facts
    )


HOLD = {
    "bone_health_hold_since": dt.date(2026, 11, 10),
    "bone_health_decision": "",
    "bone_health_decision_on": None,
}


def test_a_positive_screen_holds_an_impact_phase_until_a_decision():
    held = evaluate(SPEC, snapshot(True, **HOLD), TODAY)
    (hold,) = [r for r in held.advance if r.kind == "bone_health_decision"]
    assert hold.met is False and not held.ready and "Impact held since 10 Nov 2026" in hold.sentence
    decided = {
        **HOLD,
        "bone_health_decision": "impact",
        "bone_health_decision_on": dt.date(2026, 11, 18),
    }
    released = evaluate(SPEC, snapshot(True, **decided), TODAY)
    assert released.ready
    kept = {**decided, "bone_health_decision": "hold"}
    assert not evaluate(SPEC, snapshot(True, **kept), TODAY).ready
    earlier = {**decided, "bone_health_decision_on": dt.date(2026, 11, 1)}  # before the screen
    assert not evaluate(SPEC, snapshot(True, **earlier), TODAY).ready


def test_no_hold_without_impact_or_without_a_positive_screen():
    assert evaluate(SPEC, snapshot(False, **HOLD), TODAY).ready
    clear = {**HOLD, "bone_health_hold_since": None}
    result = evaluate(SPEC, snapshot(True, **clear), TODAY)
    assert result.ready and all(r.kind != "bone_health_decision" for r in result.advance)


def test_a_template_that_asks_for_the_decision_without_facts_is_unknown():
    spec = PhaseSpec(name="Run", advance_when=({"kind": "bone_health_decision"},))
    (result,) = evaluate(spec, snapshot(True), TODAY).advance
    assert result.met is None
