"""The work-up triggers, task choice, units and energy availability as pure rules (no
database). Stories in dates and facts; sources: De Souza et al., BJSM 2014 (Triad CRA bands);
Mountjoy et al., BJSM 2023 (REDs CAT2); Burke et al., IJSNEM 2018 (EA); clinical.md §1, §10, §11.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

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
    # Lea, 22: 7 periods in the last 12 months: oligomenorrhoea (Triad CRA 6-9 band, < 9).
    found = by_key(facts(age=22, periods_last_12_months=7))
    assert found["menses"].status == rules.MET
    assert "oligomenorrhoea" in found["menses"].reason
    due = {d.kind for d in rules.tasks_due(list(found.values()), sex="female")}
    assert due == {"dxa", "vitamin_d", "labs", "sex_hormones", "energy_availability"}


@pytest.mark.parametrize(
    ("periods", "status"), [(12, rules.NOT_MET), (9, rules.NOT_MET), (8, rules.MET), (3, rules.MET)]
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
    assert rules.to_canonical("vitamin_d", D("30"), "ng/mL") == D("74.9")
    assert rules.to_canonical("vitamin_d", D("80"), "nmol/L") == D("80")
    with pytest.raises(ValueError):
        rules.to_canonical("ferritin", D("30"), "ng/mL")


def test_thresholds():
    assert rules.interpret("vitamin_d", D("74"))[0] == "low"
    assert rules.interpret("vitamin_d", D("90"))[0] == "borderline"
    assert rules.interpret("vitamin_d", D("110"))[0] == "ok"
    assert rules.interpret("bmd_lumbar", D("-2.0"))[0] == "low"
    assert rules.interpret("bmd_hip", D("-1.0"))[0] == "borderline"
    assert rules.interpret("bmd_total", D("-0.5"))[0] == "ok"
    assert rules.interpret("ferritin", D("20"))[0] == "low"
    assert rules.bmd_points(D("-2.1")) == 2
    assert rules.bmd_points(None) is None


def test_age():
    assert rules.age_on(dt.date(2009, 12, 7), TODAY) == 16
    assert rules.age_on(dt.date(2008, 12, 6), TODAY) == 18
