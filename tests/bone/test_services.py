"""The work-up's writes: facts, tasks created once and closed by their results, results with
units (25(OH)D feeds the case's vitamin D), energy availability computed, bad input refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from monitoring.care import reds, workup
from monitoring.care.services import workup as services
from monitoring.care.services.bone_screens import reds_cat2_record
from monitoring.models import BoneHealthResult, EnergyAvailability, WorkupTask
from rehab.errors import ApplicationError

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_second_bsi_creates_the_tasks_once(case, team, frozen):
    # Maya's tibia (diagnosed 1 Oct 2026) is her second BSI: the work-up is due.
    case.prior_bsi_count = 1
    case.save()
    created = services.workup_sync(case=case, today=TODAY)
    assert {t.kind for t in created} == {"dxa", "vitamin_d", "labs"}
    assert services.workup_sync(case=case, today=TODAY) == []  # re-evaluated: nothing new
    assert WorkupTask.objects.filter(case=case).count() == 3
    dxa = WorkupTask.objects.get(case=case, kind="dxa")
    assert (dxa.assignee_role, dxa.status) == ("physician", "open")
    assert dxa.due_on == TODAY + dt.timedelta(days=28)
    assert "Two or more bone stress injuries" in dxa.reasons


def test_nothing_recorded_creates_no_task(case, team, frozen):
    assert services.workup_sync(case=case, today=TODAY) == []


def test_recording_the_facts_creates_the_tasks(case, team, frozen):
    services.bone_facts_update(
        case=case, by=team["nutritionist"], today=TODAY, periods_last_12_months=7,
        height_cm="168", weight_kg="57.5", eating_history="none",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.periods_last_12_months == 7
    kinds = set(WorkupTask.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"dxa", "vitamin_d", "labs", "sex_hormones", "energy_availability"}
    assert WorkupTask.objects.get(case=case, kind="energy_availability").assignee_role == (
        "nutritionist"
    )


def test_bad_facts_are_field_errors(case, team, frozen):
    with pytest.raises(ApplicationError) as err:
        services.bone_facts_update(
            case=case, by=team["clinician"], height_cm="abc", weight_kg="-3",
            periods_last_12_months="30", eating_history="maybe",
        )  # fmt: skip
    assert set(err.value.errors) == {
        "height_cm", "weight_kg", "periods_last_12_months", "eating_history"
    }  # fmt: skip


def test_a_vitamin_d_result_in_ng_ml_closes_its_task_and_feeds_the_case(case, team, frozen):
    case.prior_bsi_count = 1
    case.save()
    services.workup_sync(case=case, today=TODAY)
    result = services.bone_result_record(
        case=case, by=team["clinician"], kind="vitamin_d", value="24", unit="ng/mL",
        measured_on=dt.date(2026, 12, 2), today=TODAY,
    )  # fmt: skip
    assert (result.value, result.unit) == (D("60.00"), "nmol/L")  # 24 x 2.5
    assert (result.entered_value, result.entered_unit) == (D("24"), "ng/mL")
    task = WorkupTask.objects.get(case=case, kind="vitamin_d")
    # Done on the day the blood was taken, by whoever recorded the result.
    assert (task.status, task.closed_by) == ("done", team["clinician"])
    assert task.closed_on == dt.date(2026, 12, 2)
    case.refresh_from_db()
    assert case.vitamin_d_nmol_l == D("60.0")
    assert "25(OH)D 60.0 nmol/L (below 75)" in case.bone_health_flags
    # An older result does not replace the latest as the case's vitamin D.
    services.bone_result_record(
        case=case, by=team["clinician"], kind="vitamin_d", value="120",
        measured_on=dt.date(2026, 6, 1), today=TODAY,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.vitamin_d_nmol_l == D("60.0")
    # Re-evaluating does not reopen the task.
    services.workup_sync(case=case, today=TODAY)
    assert WorkupTask.objects.get(case=case, kind="vitamin_d").status == "done"


def test_a_bmd_scan_closes_the_dxa_task(case, team, frozen):
    case.prior_bsi_count = 2
    case.save()
    services.workup_sync(case=case, today=TODAY)
    services.bone_result_record(
        case=case, by=team["clinician"], kind="bmd_lumbar", value="-1.6",
        measured_on=TODAY, today=TODAY,
    )  # fmt: skip
    assert WorkupTask.objects.get(case=case, kind="dxa").status == "done"
    assert WorkupTask.objects.get(case=case, kind="labs").status == "open"
    # The labs are ferritin, a full blood count and the TSH: a ferritin alone leaves them open.
    for kind, value in (("ferritin", "22"), ("haemoglobin", "128"), ("tsh", "2.1")):
        assert WorkupTask.objects.get(case=case, kind="labs").status == "open"
        services.bone_result_record(
            case=case, by=team["clinician"], kind=kind, value=value,
            measured_on=dt.date(2026, 12, 1), today=TODAY,
        )  # fmt: skip
    labs = WorkupTask.objects.get(case=case, kind="labs")
    assert (labs.status, labs.closed_on) == ("done", dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "ferritin", "value": "abc"}, "value"),
        ({"kind": "ferritin", "value": ""}, "value"),
        ({"kind": "ferritin", "value": "-4"}, "value"),
        ({"kind": "ferritin", "value": "30", "unit": "nmol/L"}, "unit"),
        ({"kind": "bmd_hip", "value": "-9"}, "value"),
        ({"kind": "vitamin_d", "value": "30", "measured_on": dt.date(2027, 1, 1)}, "measured_on"),
        ({"kind": "nonsense", "value": "3"}, "kind"),
    ],
)
def test_bad_results_are_field_errors(case, team, frozen, data, field):
    data = {"measured_on": TODAY} | data
    with pytest.raises(ApplicationError) as err:
        services.bone_result_record(case=case, by=team["clinician"], today=TODAY, **data)
    assert field in err.value.errors
    assert not BoneHealthResult.objects.exists()


def test_energy_availability_is_computed_and_low_ea_asks_for_the_work_up(case, team, frozen):
    record = services.energy_availability_record(
        case=case, by=team["nutritionist"], date=TODAY, intake_kcal="2100",
        exercise_kcal="950", ffm_kg="46", today=TODAY,
    )  # fmt: skip
    assert record.ea == D("25.0")  # (2100 - 950) / 46 = 25.0: low (Burke 2018)
    tasks = dict(WorkupTask.objects.filter(case=case).values_list("kind", "status"))
    # Low EA triggers the work-up; this record is half of the energy assessment: the REDs
    # screen it asks for is still to do (Mountjoy 2023), so its task stays open.
    assert tasks == dict.fromkeys(["dxa", "vitamin_d", "labs", "energy_availability"], "open")
    # The same date again is refused (one record a day), never silently replaced...
    with pytest.raises(ApplicationError) as err:
        services.energy_availability_record(
            case=case, by=team["nutritionist"], date=TODAY, intake_kcal=2600,
            exercise_kcal=600, ffm_kg="46", today=TODAY,
        )  # fmt: skip
    assert "exists (EA 25.0" in err.value.errors["date"][0]
    assert EnergyAvailability.objects.get().ea == D("25.0")
    # ...unless the correction is explicit.
    again = services.energy_availability_record(
        case=case, by=team["nutritionist"], date=TODAY, intake_kcal=2600,
        exercise_kcal=600, ffm_kg="46", today=TODAY, replace=True,
    )  # fmt: skip
    assert again.pk == record.pk and again.ea == D("43.5")
    assert EnergyAvailability.objects.count() == 1
    # The clinician's complete REDs screen the next day answers the nutritionist's task.
    answers = dict.fromkeys(reds.applicable(sex="female", under_18=False), False)
    reds_cat2_record(
        case=case, by=team["clinician"], date=TODAY, answers={**answers, "low_ea": True},
        today=TODAY,
    )  # fmt: skip
    task = WorkupTask.objects.get(case=case, kind="energy_availability")
    assert (task.status, task.closed_on) == ("done", TODAY)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ffm_kg": "0"}, "ffm_kg"),
        ({"ffm_kg": ""}, "ffm_kg"),
        ({"intake_kcal": "-100"}, "intake_kcal"),
        ({"exercise_kcal": "x"}, "exercise_kcal"),
        ({"intake_kcal": "2000.5"}, "intake_kcal"),
        ({"date": dt.date(2027, 1, 1)}, "date"),
        ({"date": "yesterday"}, "date"),
    ],
)
def test_bad_energy_input_is_a_field_error(case, team, frozen, data, field):
    data = {"date": TODAY, "intake_kcal": 2000, "exercise_kcal": 500, "ffm_kg": 45} | data
    with pytest.raises(ApplicationError) as err:
        services.energy_availability_record(case=case, by=team["nutritionist"], today=TODAY, **data)
    assert field in err.value.errors
    assert not EnergyAvailability.objects.exists()


@pytest.mark.parametrize("role", ["coach", "physio", "psychologist", "athlete", "integration"])
def test_only_the_nutritionist_and_physicians_record(case, team, frozen, role):
    with pytest.raises(ApplicationError):
        services.bone_result_record(
            case=case, by=team[role], kind="ferritin", value="30", measured_on=TODAY
        )
    with pytest.raises(ApplicationError):
        services.energy_availability_record(
            case=case, by=team[role], date=TODAY, intake_kcal=1, exercise_kcal=1, ffm_kg=40
        )


def test_a_task_marked_not_needed_needs_a_reason(case, team, frozen):
    case.prior_bsi_count = 1
    case.save()
    services.workup_sync(case=case, today=TODAY)
    task = WorkupTask.objects.get(case=case, kind="labs")
    with pytest.raises(ApplicationError) as err:
        services.workup_task_update(task=task, by=team["clinician"], status="not_needed")
    assert "reason" in err.value.errors
    task = services.workup_task_update(
        task=task, by=team["clinician"], status="not_needed", reason="Done last month elsewhere"
    )
    assert (task.status, task.not_needed_reason) == ("not_needed", "Done last month elsewhere")
    # The nutritionist does not close a physician's task.
    with pytest.raises(ApplicationError):
        services.workup_task_update(
            task=WorkupTask.objects.get(case=case, kind="dxa"),
            by=team["nutritionist"],
            status="done",
        )


def test_a_reds_screen_that_finds_low_ea_asks_for_the_work_up(case, team, frozen):
    """Maya, nothing recorded on the work-up. On 6 Dec the clinician's REDs CAT2 screen finds
    low energy availability and iron deficiency (two secondary indicators: yellow; Mountjoy
    2023), the rest answered absent. The work-up reads the screen: low EA is met, with the
    screen as its reason, and the tasks it asks for are created, the nutritionist's included."""
    answers = dict.fromkeys(reds.applicable(sex="female", under_18=False), False)
    answers |= {"low_ea": True, "iron_deficiency": True}
    _, result = reds_cat2_record(
        case=case, by=team["clinician"], date=TODAY, answers=answers, today=TODAY
    )
    assert result.light == "yellow"
    found = {t.key: t for t in workup.workup_for_case(case, TODAY).triggers}
    assert found["low_ea"].status == "met"
    assert found["low_ea"].reason.startswith("REDs screen of 6 Dec 2026: Low energy availability")
    assert found["menses"].status == "not_met"  # every menstrual indicator answered absent
    assert found["eating"].status == "unknown"  # the history is still to ask
    kinds = set(WorkupTask.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"dxa", "vitamin_d", "labs", "energy_availability"}


def test_a_recent_result_on_file_is_not_asked_for_again(case, team, frozen):
    """A hip DXA of 15 Aug 2026 (113 days before) and a 25(OH)D of 28 Aug (100 days, older than
    the 90 days a blood test counts). Her second BSI asks for the work-up on 6 Dec: the DXA is
    not asked again, the vitamin D is; the case page says which result answers what."""
    services.bone_result_record(
        case=case, by=team["clinician"], kind="bmd_hip", value="-0.4",
        measured_on=dt.date(2026, 8, 15), today=TODAY,
    )  # fmt: skip
    services.bone_result_record(
        case=case, by=team["clinician"], kind="vitamin_d", value="88",
        measured_on=dt.date(2026, 8, 28), today=TODAY,
    )  # fmt: skip
    case.prior_bsi_count = 1
    case.save()
    created = services.workup_sync(case=case, today=TODAY)
    assert {t.kind for t in created} == {"vitamin_d", "labs"}
    panel = workup.workup_for_case(case, TODAY)
    assert panel.on_file == {"dxa": (("bmd_hip", dt.date(2026, 8, 15)),)}
    assert panel.missing_tasks == []


def test_a_low_ea_after_an_old_energy_assessment_asks_for_it_again(case, team, frozen):
    """Maya's energy assessment and REDs screen of 25 Oct (green; EA 38.0) closed the
    nutritionist's task then. On 6 Dec, 42 days later (its results stay recent 30 days), the
    nutritionist records an EA of 24.4: low (Burke 2018). The energy task is open again, due in
    14 days, and a REDs screen of 6 Dec with the EA closes it again on that date."""
    october = dt.date(2026, 10, 25)
    case.prior_bsi_count = 1
    case.save()
    services.workup_sync(case=case, today=october)
    services.energy_availability_record(
        case=case, by=team["nutritionist"], date=october, intake_kcal=2400,
        exercise_kcal=650, ffm_kg="46", today=october,
    )  # fmt: skip
    answers = dict.fromkeys(reds.applicable(sex="female", under_18=False), False)
    reds_cat2_record(case=case, by=team["clinician"], date=october, answers=answers, today=october)
    task = WorkupTask.objects.filter(case=case, kind="energy_availability").first()
    assert task is None or task.status == "done"

    services.energy_availability_record(
        case=case, by=team["nutritionist"], date=TODAY, intake_kcal=2000,
        exercise_kcal=900, ffm_kg="45", today=TODAY,
    )  # fmt: skip
    task = WorkupTask.objects.get(case=case, kind="energy_availability")
    assert (task.status, task.due_on) == ("open", TODAY + dt.timedelta(days=14))
    assert task.closed_on is None and "Low energy availability" in task.reasons
    reds_cat2_record(
        case=case, by=team["clinician"], date=TODAY, answers={**answers, "low_ea": True},
        today=TODAY,
    )  # fmt: skip
    task.refresh_from_db()
    assert (task.status, task.closed_on) == ("done", TODAY)
