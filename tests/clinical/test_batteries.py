"""Issue 28, item 3: test batteries in one sitting, with the limb symmetry index computed.

Stories in dates, through the services the app uses (``battery_record``, the evaluation by
``services.case_evaluate``). Source: clinical.md §11, "Hop and calf battery (extrapolated from
ACL and Achilles practice)": single-leg hop for distance and triple hop, limb symmetry ≥ 90%;
calf raises to fatigue, symmetry ≥ 90%. A test with one side missing is incomplete: never a
symmetry of one side, never clearance (unknown is never met, clinical.md §11 "a partial screen
is not a score").
"""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.evaluation import services
from monitoring.evaluation.selectors import case_snapshot
from monitoring.ingest.batteries import battery_record
from monitoring.ingest.items import assessment_record
from monitoring.models import Assessment, BatteryResult, TestBattery
from protocols import services as plan_services
from protocols.engine.battery import battery_entries, lsi_of, y_balance_composite
from protocols.engine.records import SymmetryEntry, limb_symmetry_index
from protocols.models import ProtocolTemplate
from rehab.errors import ApplicationError
from tests.plans import running_plan

D0 = dt.date(2026, 11, 2)  # the phase under test starts on this Monday
TODAY = D0 + dt.timedelta(days=20)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def record(case, user, results, *, on=None, **extra):
    return battery_record(
        case=case, date=on or day(10), results=results, assessed_by=user, today=TODAY, **extra
    )


HOP = {"test": "hop_distance", "left": 110, "right": 125, "pain": 1}


# --- the index: computed from both sides, never from one -------------------------------------


def test_lsi_is_involved_over_uninvolved_for_either_involved_side():
    assert lsi_of(110, 125, "left") == 88.0  # left involved: 110 / 125
    assert lsi_of(110, 125, "right") == pytest.approx(113.6)  # right involved: 125 / 110
    assert limb_symmetry_index(90, 100) == 90.0


def test_one_side_never_yields_an_lsi():
    assert lsi_of(110, None, "left") is None
    assert lsi_of(None, 125, "left") is None
    assert limb_symmetry_index(10, 0) is None  # nothing to divide by
    assert SymmetryEntry(D0, "hop_distance", 110, None).lsi is None


def test_the_y_balance_composite_needs_every_reach_and_the_limb_length():
    reaches = {
        "y_balance_anterior": 60,
        "y_balance_posteromedial": 100,
        "y_balance_posterolateral": 95,
    }
    assert y_balance_composite(reaches, 90) == pytest.approx(94.4)  # 255 / 270 × 100
    assert y_balance_composite(reaches, None) is None
    assert y_balance_composite({**reaches, "y_balance_anterior": None}, 90) is None
    rows = [(code, "", v, v + 5, 0) for code, v in reaches.items()]
    entries = battery_entries(D0, "left", rows, (90, 90))
    composite = entries[-1]
    assert composite.test == "y_balance_composite" and composite.lsi is not None
    assert battery_entries(D0, "left", rows)[-1].test == "y_balance_posterolateral"  # no length


@pytest.mark.django_db
def test_a_battery_computes_the_lsi_with_the_case_side(case, clinician):
    case.side = "right"
    case.save()
    battery = record(case, clinician, [HOP])
    result = battery.results.get()
    assert battery.involved_side == "right"
    assert (result.involved, result.uninvolved) == (125, 110)
    assert result.lsi == pytest.approx(113.6)


@pytest.mark.django_db
def test_one_side_missing_is_saved_incomplete(case, clinician):
    battery = record(case, clinician, [{"test": "hop_distance", "left": 110, "pain": 0}])
    result = battery.results.get()
    assert result.complete is False
    assert result.lsi is None


# --- bad input: field errors, nothing half-written -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"test": "hop_distance", "left": -5, "right": 120}, "results.0.left", "negative"),
        (
            {"test": "hop_distance", "left": 100, "right": 120, "pain": 11},
            "results.0.pain",
            "0 to 10",
        ),
        ({"test": "hop_distance", "left": 5000, "right": 120}, "results.0.left", "At most"),
        ({"test": "hops_to_pain", "left": 10.5, "right": 12}, "results.0.left", "whole"),
        ({"test": "hop_distance"}, "results.0.left", "left side"),
        ({"test": "isometric_strength", "left": 10, "right": 12}, "results.0.muscle_group", ""),
        ({"test": "strength_symmetry", "left": 90}, "results.0.test", "Choose"),
    ],
)
def test_bad_values_are_field_errors_and_nothing_is_written(case, clinician, row, field, words):
    with pytest.raises(ApplicationError) as caught:
        record(case, clinician, [HOP, row])  # the first test is fine: still nothing is kept
    assert field.replace(".0.", ".1.") in caught.value.errors
    assert words in " ".join(caught.value.errors[field.replace(".0.", ".1.")])
    assert TestBattery.objects.count() == 0 and BatteryResult.objects.count() == 0


@pytest.mark.django_db
def test_the_same_day_twice_is_refused(case, clinician):
    record(case, clinician, [HOP])
    with pytest.raises(ApplicationError) as caught:
        record(case, clinician, [HOP])
    assert "date" in caught.value.errors
    assert TestBattery.objects.count() == 1


@pytest.mark.django_db
def test_the_involved_side_is_asked_when_the_case_side_is_bilateral(case, clinician):
    case.side = "bilateral"
    case.save()
    with pytest.raises(ApplicationError) as caught:
        record(case, clinician, [HOP])
    assert "involved_side" in caught.value.errors
    battery = record(case, clinician, [HOP], involved_side="right")
    assert battery.involved_side == "right"


@pytest.mark.django_db
def test_the_involved_side_cannot_contradict_the_case(case, clinician):
    with pytest.raises(ApplicationError) as caught:
        record(case, clinician, [HOP], involved_side="right")  # the case is on the left
    assert "involved_side" in caught.value.errors


@pytest.mark.django_db
def test_only_clinical_roles_record_batteries(case, coach, nutritionist):
    for user in (coach, nutritionist):
        with pytest.raises(ApplicationError):
            record(case, user, [HOP])


@pytest.mark.django_db
def test_strength_symmetry_can_no_longer_be_typed_but_old_records_stay_readable(case, clinician):
    old = Assessment.objects.create(case=case, date=day(1), test="strength_symmetry", value=85)
    with pytest.raises(ApplicationError) as caught:
        assessment_record(
            case=case, test="strength_symmetry", value=92, date=day(2), assessed_by=clinician,
            today=TODAY,
        )  # fmt: skip
    assert "test battery" in " ".join(caught.value.errors["test"])
    assert str(old) == "Strength limb symmetry (%): 85 on 2026-11-03"


@pytest.mark.django_db
def test_a_battery_queues_the_evaluation_after_commit(
    case, clinician, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("monitoring.evaluation.tasks.evaluate_case.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        record(case, clinician, [HOP])
        assert queued == []
    assert queued == [case.pk]


# --- the shipped template's gates read the battery: nothing typed twice --------------------


def _shipped_phase_with_strength_symmetry(clinician):
    plan_services.install_shipped_templates()
    for template in ProtocolTemplate.objects.filter(status="published").order_by("slug"):
        for index, phase in enumerate(template.phases.order_by("order"), start=1):
            tests = {i.get("test") for i in phase.advance_when if i["kind"] == "assessment"}
            if {"strength_symmetry", "single_leg_hop", "heel_raise"} <= tests:
                return template, index, phase
    raise AssertionError("no shipped phase gates on strength symmetry, hops and heel raises")


def _results(case):
    evaluation = services.case_evaluate(case_id=case.pk, today=TODAY)
    return {r.params.get("test"): r for r in evaluation.advance if r.kind == "assessment"}


@pytest.mark.django_db
def test_a_shipped_templates_gates_are_fed_by_a_battery(case, clinician):
    """A shipped tibia template's pre-running gates (strength symmetry, hops with pain, heel
    raises) read the battery of 12 November: the dynamometer's LSI (weakest group), the
    involved side's hops to pain with its pain, its calf raises."""
    template, order, phase = _shipped_phase_with_strength_symmetry(clinician)
    gates = {i["test"]: i for i in phase.advance_when if i.get("test")}
    running_plan(case, clinician, started_on=D0, phase=order, template=template)
    hops, raises = gates["single_leg_hop"]["min"] + 5, gates["heel_raise"]["min"] + 2
    hop_pain = gates["single_leg_hop"].get("max_pain") or 0
    record(
        case,
        clinician,
        [
            {"test": "isometric_strength", "muscle_group": "plantarflexors", "unit": "N",
             "left": 950, "right": 1000, "pain": 0},  # 95 %
            {"test": "isometric_strength", "muscle_group": "knee_extensors", "unit": "N",
             "left": 460, "right": 500, "pain": 0},  # 92 %: the weakest group counts
            {"test": "hops_to_pain", "left": hops, "right": 40, "pain": hop_pain},
            {"test": "calf_raises", "left": raises, "right": 30, "pain": 0},
        ],
        on=day(10),
    )  # fmt: skip
    results = _results(case)
    strength = results["strength_symmetry"]
    assert strength.observed == 92.0
    assert strength.met is (92.0 >= gates["strength_symmetry"]["min"])
    assert results["single_leg_hop"].met is True
    assert results["single_leg_hop"].observed == hops
    assert f"pain {hop_pain}/10" in results["single_leg_hop"].sentence
    assert results["heel_raise"].met is True


@pytest.mark.django_db
def test_an_incomplete_dynamometer_makes_strength_symmetry_unknown(case, clinician):
    """A typed 95 % on 5 November, then a battery on 12 November whose knee extensors were
    tested on the involved side only: the latest is incomplete, so the gate is unknown, not
    met on the old value."""
    template, order, _ = _shipped_phase_with_strength_symmetry(clinician)
    running_plan(case, clinician, started_on=D0, phase=order, template=template)
    Assessment.objects.create(case=case, date=day(3), test="strength_symmetry", value=95)
    record(
        case,
        clinician,
        [
            {"test": "isometric_strength", "muscle_group": "plantarflexors", "unit": "kg",
             "left": 95, "right": 100},
            {"test": "isometric_strength", "muscle_group": "knee_extensors", "unit": "kg",
             "left": 46},
        ],
        on=day(10),
    )  # fmt: skip
    strength = _results(case)["strength_symmetry"]
    assert strength.met is None
    assert "incomplete" in strength.sentence


@pytest.mark.django_db
def test_the_snapshot_carries_the_battery(case, clinician):
    running_plan(case, clinician, started_on=D0, phase=1)
    record(case, clinician, [HOP, {"test": "triple_hop", "left": 300}], on=day(4))
    snapshot = case_snapshot(case.pk, TODAY).snapshot
    by_test = {e.test: e for e in snapshot.symmetry}
    assert by_test["hop_distance"].lsi == 88.0
    assert by_test["triple_hop"].lsi is None  # incomplete


# --- the limb_symmetry criterion in a plan ----------------------------------------------------


def _symmetry_plan(case, clinician):
    template = plan_services.template_draft_create(
        slug="battery-gate",
        name="Battery gate",
        sites=["posteromedial_tibia"],
        risk="low",
        phases=[
            {"name": "Loading", "min_days": 7, "typical_days": 10,
             "advance_when": [{"kind": "min_days_in_phase", "days": 7}]},
            {"name": "Return to run", "min_days": 7, "typical_days": 14, "impact": "moderate",
             "advance_when": [{"kind": "limb_symmetry", "test": "hop_distance", "max_pain": 2,
                               "within_days": 14}]},
            {"name": "Running", "min_days": 7, "typical_days": 14, "impact": "high",
             "advance_when": [{"kind": "clinician_signoff"}]},
        ],
        created_by=clinician,
    )  # fmt: skip
    template = plan_services.template_publish(template=template, published_by=clinician)
    return running_plan(case, clinician, started_on=D0, phase=2, template=template)


def _symmetry(case, today=TODAY):
    evaluation = services.case_evaluate(case_id=case.pk, today=today)
    return next(r for r in evaluation.advance if r.kind == "limb_symmetry")


@pytest.mark.django_db
def test_limb_symmetry_story_unknown_then_unmet_then_met(case, clinician):
    """clinical.md §11: hop for distance, symmetry ≥ 90 % (extrapolated from ACL and Achilles
    practice). 2 November the phase starts; no battery yet: unknown. 6 November the
    uninvolved leg only: incomplete, still unknown. 9 November 100 / 125 cm: 80 %, not met.
    20 November 118 / 126 cm with pain 1/10: 93.7 %, met."""
    _symmetry_plan(case, clinician)
    assert _symmetry(case, day(3)).met is None
    record(case, clinician, [{"test": "hop_distance", "right": 125, "pain": 0}], on=day(4))
    assert _symmetry(case, day(5)).met is None
    record(case, clinician, [{"test": "hop_distance", "left": 100, "right": 125, "pain": 0}],
           on=day(7))  # fmt: skip
    unmet = _symmetry(case, day(8))
    assert (unmet.met, unmet.observed) == (False, 80.0)
    record(case, clinician, [{"test": "hop_distance", "left": 118, "right": 126, "pain": 1}],
           on=day(18))  # fmt: skip
    met = _symmetry(case, day(18))
    assert (met.met, met.observed) == (True, 93.7)


@pytest.mark.django_db
def test_limb_symmetry_with_too_much_pain_is_not_met(case, clinician):
    """12 November: 120 / 125 cm (96 %) but pain 4/10 during the hops: not met (limit 2/10)."""
    _symmetry_plan(case, clinician)
    record(case, clinician, [{"test": "hop_distance", "left": 120, "right": 125, "pain": 4}])
    result = _symmetry(case)
    assert result.met is False
    assert "pain 4/10" in result.sentence
