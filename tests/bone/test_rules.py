"""The work-up triggers, task choice, units and energy availability as pure rules (no
database). Stories in dates and facts; sources: De Souza et al., BJSM 2014 (Triad CRA bands);
Mountjoy et al., BJSM 2023 (REDs CAT2); Burke et al., IJSNEM 2018 (EA); clinical.md §1, §10, §11.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from monitoring.care import bone_results
from monitoring.care import bone_rules as rules

TODAY = dt.date(2026, 12, 6)


def facts(**kw) -> rules.Facts:
    base = dict(sex="female", age=24, trabecular_site=False, prior_bsi_count=0)
    return rules.Facts(**(base | kw))


def by_key(f: rules.Facts) -> dict[str, rules.Trigger]:
    return {t.key: t for t in rules.triggers(f)}


def test_nothing_recorded_is_not_recorded_never_no_trigger():
    found = by_key(facts())
    for key in ("menses", "low_bmi", "eating", "low_ea"):
        assert found[key].status == rules.UNKNOWN, key
        assert found[key].status_label == "Not recorded — ask"
    assert found["bsi_count"].status == rules.NOT_MET  # a first injury, recorded as such
    assert rules.tasks_due(rules.triggers(facts()), sex="female") == []


def test_a_man_with_two_bone_stress_injuries():
    # Tom, 27: his second BSI (one before). REDs CAT2: >= 2 low-risk BSIs (Mountjoy 2023).
    found = by_key(facts(sex="male", age=27, prior_bsi_count=1))
    assert found["bsi_count"].status == rules.MET
    assert "2" in found["bsi_count"].reason
    assert found["menses"].status == rules.NOT_APPLICABLE
    due = {d.kind for d in rules.tasks_due(list(found.values()), sex="male")}
    # DXA, vitamin D, labs and testosterone; no nutrition task from the BSI count alone.
    assert due == {"dxa", "vitamin_d", "labs", "sex_hormones"}


def test_an_adult_woman_with_seven_periods_in_twelve_months():
    # Lea, 22: 7 periods in the last 12 months: oligomenorrhoea (Triad CRA 6-9 band).
    found = by_key(facts(age=22, periods_last_12_months=7))
    assert found["menses"].status == rules.MET
    assert "oligomenorrhoea" in found["menses"].reason
    due = {d.kind for d in rules.tasks_due(list(found.values()), sex="female")}
    assert due == {"dxa", "vitamin_d", "labs", "sex_hormones", "energy_availability"}


@pytest.mark.parametrize(
    ("periods", "status"),
    # The Triad CRA scores 6-9 periods as oligomenorrhoea (> 9 scores 0): 9 is met.
    [(12, rules.NOT_MET), (10, rules.NOT_MET), (9, rules.MET), (8, rules.MET), (3, rules.MET)],
)
def test_the_menses_band(periods, status):
    assert by_key(facts(periods_last_12_months=periods))["menses"].status == status


def test_the_recorded_menstrual_status_counts_when_no_count_is_recorded():
    assert by_key(facts(menstrual_status="amenorrhea"))["menses"].status == rules.MET
    assert by_key(facts(menstrual_status="regular"))["menses"].status == rules.NOT_MET
    assert by_key(facts(menstrual_status="na"))["menses"].status == rules.UNKNOWN


def test_a_trabecular_site_triggers_by_itself():
    # Nina: femoral neck (compression side), first BSI: trabecular (clinical.md §11).
    found = by_key(facts(trabecular_site=True))
    assert found["trabecular"].status == rules.MET
    assert {d.kind for d in rules.tasks_due(list(found.values()), sex="female")} >= {"dxa"}


def test_low_bmi_in_adults_and_not_assessed_under_18():
    assert by_key(facts(height_cm=D("170"), weight_kg=D("52")))["low_bmi"].status == rules.MET
    assert by_key(facts(height_cm=D("170"), weight_kg=D("60")))["low_bmi"].status == rules.NOT_MET
    assert by_key(facts(height_cm=D("170")))["low_bmi"].status == rules.UNKNOWN
    teen = by_key(facts(age=16, height_cm=D("170"), weight_kg=D("48")))["low_bmi"]
    assert teen.status == rules.UNKNOWN and "Not assessed" in teen.reason
    assert by_key(facts(age=None))["low_bmi"].status == rules.UNKNOWN


def test_eating_history():
    assert by_key(facts(eating_history="none"))["eating"].status == rules.NOT_MET
    assert by_key(facts(eating_history="disordered"))["eating"].status == rules.MET
    assert by_key(facts(eating_history="disorder"))["eating"].status == rules.MET


def test_low_energy_availability_is_a_reason_for_the_work_up():
    found = by_key(facts(latest_ea=D("24.0")))
    assert found["low_ea"].status == rules.MET
    due = {d.kind for d in rules.tasks_due(list(found.values()), sex="female")}
    assert "energy_availability" in due
    assert by_key(facts(latest_ea=D("38")))["low_ea"].status == rules.NOT_MET


def test_every_rule_names_its_source():
    assert all(t.source for t in rules.triggers(facts()))


def test_energy_availability_is_computed_with_burke_2018_bands():
    # 2,400 kcal in, 900 kcal exercise, 50 kg FFM: (2400 - 900) / 50 = 30.0 -> reduced.
    assert rules.energy_availability(D(2400), D(900), D(50)) == D("30.0")
    assert rules.ea_band(D("29.9")) == "low"
    assert rules.ea_band(D("30.0")) == "reduced"
    assert rules.ea_band(D("44.9")) == "reduced"
    assert rules.ea_band(D("45.0")) == "optimal"
    with pytest.raises(ValueError):
        rules.energy_availability(D(2000), D(500), D(0))


def test_vitamin_d_in_ng_per_ml_is_converted():
    # x 2.5: the 30 ng/mL cut-off is the 75 nmol/L one, not just below it (x 2.496 = 74.9).
    assert bone_results.to_canonical("vitamin_d", D("30"), "ng/mL") == D("75.0")
    thirty, below = (bone_results.to_canonical("vitamin_d", D(v), "ng/mL") for v in ("30", "29.9"))
    assert bone_results.interpret("vitamin_d", thirty)[0] != "low"
    assert bone_results.interpret("vitamin_d", below)[0] == "low"
    assert bone_results.to_canonical("vitamin_d", D("80"), "nmol/L") == D("80")
    with pytest.raises(ValueError):
        bone_results.to_canonical("ferritin", D("30"), "nmol/L")
    assert bone_results.to_canonical("ferritin", D("30"), "ng/mL") == D("30")  # = µg/L


def test_thresholds():
    assert bone_results.interpret("vitamin_d", D("74"))[0] == "low"
    assert bone_results.interpret("vitamin_d", D("90"))[0] == "borderline"
    assert bone_results.interpret("vitamin_d", D("110"))[0] == "ok"
    assert bone_results.interpret("bmd_lumbar", D("-2.0"))[0] == "low"
    assert bone_results.interpret("bmd_hip", D("-1.0"))[0] == "borderline"
    assert bone_results.interpret("bmd_total", D("-0.5"))[0] == "ok"
    assert bone_results.interpret("ferritin", D("20"))[0] == "low"
    assert bone_results.bmd_points(D("-2.1")) == 2
    assert bone_results.bmd_points(None) is None


def test_age():
    assert rules.age_on(dt.date(2009, 12, 7), TODAY) == 16
    assert rules.age_on(dt.date(2008, 12, 6), TODAY) == 18


# --- the work-up reads the latest REDs CAT2 screen ---------------------------------------------

SCREENED = dt.date(2026, 11, 20)


def screen(**answers) -> rules.RedsAnswers:
    return rules.RedsAnswers.of(SCREENED, answers)


def test_a_low_ea_found_on_the_reds_screen_is_a_trigger_without_a_measured_ea():
    # Jonas, a man with nothing else recorded: the screen found low energy availability
    # (Mountjoy 2023, a secondary indicator). The work-up reads it: no longer "not recorded".
    found = by_key(facts(sex="male", reds=screen(low_ea=True, lipids=None)))
    assert found["low_ea"].status == rules.MET
    assert "REDs screen of 20 Nov 2026" in found["low_ea"].reason
    assert found["low_ea"].source == rules.SOURCES["reds"]
    due = {d.kind for d in rules.tasks_due(list(found.values()), sex="male")}
    assert {"dxa", "vitamin_d", "labs", "energy_availability"} <= due


def test_a_measured_ea_that_is_not_low_does_not_hide_a_screen_that_found_it():
    found = by_key(facts(latest_ea=D("38"), reds=screen(low_ea=True)))["low_ea"]
    assert found.status == rules.MET and "Latest 38 kcal/kg FFM/day" in found.reason


def test_a_screen_that_found_no_low_ea_answers_only_where_nothing_was_measured():
    assert by_key(facts(reds=screen(low_ea=False)))["low_ea"].status == rules.NOT_MET
    measured = by_key(facts(latest_ea=D("25"), reds=screen(low_ea=False)))["low_ea"]
    assert measured.status == rules.MET  # the measurement wins over "absent"
    unanswered = by_key(facts(reds=screen(low_ea=None)))["low_ea"]
    assert unanswered.status == rules.UNKNOWN  # not assessed is never "no trigger"


def test_menstrual_dysfunction_on_the_screen():
    found = by_key(facts(sex="female", reds=screen(secondary_amenorrhoea=True)))["menses"]
    assert found.status == rules.MET and "Secondary amenorrhoea" in found.reason
    # Found on the screen, it is met even against a count that says otherwise.
    counted = facts(sex="female", periods_last_12_months=11, reds=screen(oligomenorrhoea=True))
    assert by_key(counted)["menses"].status == rules.MET
    # All three absent answer the trigger only when nothing else is recorded.
    absent = dict.fromkeys(rules.MENSTRUAL_INDICATORS, False)
    assert by_key(facts(sex="female", reds=screen(**absent)))["menses"].status == rules.NOT_MET
    some = screen(primary_amenorrhoea=False, secondary_amenorrhoea=False)  # oligo not asked
    assert by_key(facts(sex="female", reds=some))["menses"].status == rules.UNKNOWN
    seven = facts(sex="female", periods_last_12_months=7, reds=screen(**absent))
    assert by_key(seven)["menses"].status == rules.MET


def test_the_screen_says_nothing_of_a_past_eating_disorder_but_finds_a_present_one():
    assert by_key(facts(reds=screen(eating_disorder=False)))["eating"].status == rules.UNKNOWN
    assert by_key(facts(reds=screen(eating_disorder=True)))["eating"].status == rules.MET


def test_the_screens_bsi_history_counts_at_a_site_that_is_not_trabecular():
    found = by_key(facts(prior_bsi_count=0, reds=screen(bsi_history=True)))["bsi_count"]
    assert found.status == rules.MET and "high-risk" in found.reason
    neck = by_key(facts(trabecular_site=True, prior_bsi_count=0, reds=screen(bsi_history=True)))
    assert neck["bsi_count"].status == rules.NOT_MET and neck["trabecular"].status == rules.MET


# --- a recent result answers a task -------------------------------------------------------------

EVERY = [rules.TaskDue(k) for k in rules.TASKS]


@pytest.mark.parametrize(
    ("kind", "days_ago", "answers"),
    [
        ("bmd_hip", 200, "dxa"),
        ("bmd_hip", 365, "dxa"),
        ("bmd_hip", 366, None),
        ("vitamin_d", 90, "vitamin_d"),
        ("vitamin_d", 91, None),
        ("ferritin", 10, None),  # the labs need the full blood count and the TSH as well
        ("testosterone", 30, "sex_hormones"),
        ("ea", 30, None),  # the energy assessment goes with a REDs screen
        ("vitamin_d", -1, None),  # dated after today: answers nothing
    ],
)
def test_a_recent_result_answers_its_task(kind, days_ago, answers):
    day = TODAY - dt.timedelta(days=days_ago)
    found = rules.on_file(EVERY, {kind: day}, TODAY)
    assert found == ({answers: ((kind, day),)} if answers else {})


def test_the_latest_of_a_tasks_results_answers_it():
    old, new = TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=20)
    found = rules.on_file(EVERY, {"bmd_lumbar": old, "bmd_total": new}, TODAY)
    assert found == {"dxa": (("bmd_total", new),)}


def test_the_labs_and_the_energy_assessment_need_all_their_results():
    """A ferritin alone is not the labs (ferritin, full blood count, TSH); an energy-availability
    record alone is not the "energy-availability assessment and REDs review": a low EA asks for
    the REDs screen it does not replace. All of them recent enough answer the task."""
    day = TODAY - dt.timedelta(days=10)
    old = TODAY - dt.timedelta(days=31)
    labs = {"ferritin": day, "haemoglobin": day, "tsh": TODAY}
    assert rules.on_file(EVERY, {"ferritin": day, "haemoglobin": day}, TODAY) == {}
    assert rules.on_file(EVERY, labs, TODAY) == {
        "labs": (("ferritin", day), ("haemoglobin", day), ("tsh", TODAY))
    }
    assert rules.on_file(EVERY, {"ea": day}, TODAY) == {}
    assert rules.on_file(EVERY, {"ea": day, "reds": old}, TODAY) == {}
    assert rules.on_file(EVERY, {"ea": day, "reds": day}, TODAY) == {
        "energy_availability": (("ea", day), ("reds", day))
    }
    text = rules.on_file_text((("ea", day), ("reds", day)))
    assert text == "the Energy availability of 26 Nov 2026, the REDs screen of 26 Nov 2026"
