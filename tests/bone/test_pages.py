"""The case page's work-up panel: triggers with why, tasks, results and EA; forms with field
errors; who sees and records; the worklist; a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.care.services import workup as services
from monitoring.models import BoneHealthResult, EnergyAvailability, WorkupTask

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def url(case, name="case", **kw):
    return reverse(f"clinic:{name}", kwargs={"case_id": case.pk, **kw})


def second_bsi(case):
    case.prior_bsi_count = 1
    case.save()
    services.workup_sync(case=case, today=TODAY)


def test_the_case_page_shows_the_work_up_due_and_why(client, case, team, frozen):
    second_bsi(case)
    client.force_login(team["clinician"])
    page = client.get(url(case)).content.decode()
    assert "Bone-health work-up" in page
    assert "Two or more bone stress injuries" in page
    assert "This injury and 1 before: 2." in page
    assert "Not recorded — ask" in page  # periods, BMI, eating history, EA
    assert 'data-task="dxa"' in page and "DXA scan" in page
    assert "Record a result" in page and "Record energy availability" in page


def test_the_nutritionist_sees_and_records_but_the_physio_only_sees(client, case, team, frozen):
    second_bsi(case)
    client.force_login(team["nutritionist"])
    page = client.get(url(case)).content.decode()
    assert "Bone-health work-up" in page and "Record energy availability" in page
    # The physician's tasks (the DXA) offer the nutritionist no change they could not save.
    dxa = WorkupTask.objects.get(case=case, kind="dxa")
    assert url(case, "workup_task", task_id=dxa.pk) not in page
    assert "For the physician" in page
    client.force_login(team["physio"])
    page = client.get(url(case)).content.decode()
    assert "Bone-health work-up" in page and "Record energy availability" not in page
    response = client.post(url(case, "energy_new"), {})
    assert response.status_code == 403


def test_recording_a_result_through_the_page(client, case, team, frozen):
    second_bsi(case)
    client.force_login(team["clinician"])
    response = client.post(
        url(case, "bone_result_new"),
        {"result-kind": "vitamin_d", "result-value": "24", "result-unit": "ng/mL",
         "result-measured_on": "2026-12-01"},
    )  # fmt: skip
    assert response.status_code == 302
    result = BoneHealthResult.objects.get()
    assert (result.value, result.recorded_by) == (D("60.00"), team["clinician"])
    page = client.get(url(case)).content.decode()
    assert "60 nmol/L" in page and "entered 24 ng/mL" in page and "below 75 nmol/L" in page
    assert "above 75 nmol/L, preferably above 100" in page


def test_bad_input_comes_back_as_field_errors(client, case, team, frozen):
    client.force_login(team["nutritionist"])
    response = client.post(
        url(case, "energy_new"),
        {"ea-date": TODAY.isoformat(), "ea-intake_kcal": "-5", "ea-exercise_kcal": "400",
         "ea-ffm_kg": "0"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Fat-free mass must be more than 0 kg." in page
    assert not EnergyAvailability.objects.exists()
    response = client.post(
        url(case, "bone_result_new"),
        {"result-kind": "ferritin", "result-value": "12", "result-unit": "nmol/L",
         "result-measured_on": TODAY.isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ferritin is recorded in µg/L." in response.content.decode()


def test_energy_availability_through_the_page(client, case, team, frozen):
    client.force_login(team["nutritionist"])
    response = client.post(
        url(case, "energy_new"),
        {"ea-date": TODAY.isoformat(), "ea-intake_kcal": "2100", "ea-exercise_kcal": "950",
         "ea-ffm_kg": "46"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(url(case)).content.decode()
    assert "25.0" in page and "Low (&lt; 30)" in page
    assert "Latest 25.0 kcal/kg FFM/day (low)." in page


def test_the_facts_form(client, case, team, frozen):
    client.force_login(team["clinician"])
    response = client.post(
        url(case, "bone_facts"),
        {"facts-height_cm": "170", "facts-weight_kg": "51", "facts-periods_last_12_months": "",
         "facts-eating_history": "disordered"},
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.height_cm, case.weight_kg, case.eating_history) == (
        D("170"),
        D("51"),
        "disordered",
    )
    assert case.periods_last_12_months is None
    page = client.get(url(case)).content.decode()
    assert "BMI 17.6 kg/m²." in page


def test_a_task_marked_not_needed_from_the_page(client, case, team, frozen):
    second_bsi(case)
    task = WorkupTask.objects.get(case=case, kind="labs")
    client.force_login(team["clinician"])
    client.post(url(case, "workup_task", task_id=task.pk), {"status": "not_needed", "reason": ""})
    task.refresh_from_db()
    assert task.status == "open"  # no reason: refused
    client.post(
        url(case, "workup_task", task_id=task.pk), {"status": "not_needed", "reason": "Recent"}
    )
    task.refresh_from_db()
    assert (task.status, task.not_needed_reason) == ("not_needed", "Recent")


def test_the_worklist_shows_the_tasks_of_ones_role(client, case, team, frozen):
    case.eating_history = "disordered"  # asks for the nutritionist's energy assessment too
    second_bsi(case)
    assert WorkupTask.objects.get(case=case, kind="energy_availability").status == "open"
    client.force_login(team["clinician"])
    page = client.get(reverse("clinic:inbox")).content.decode()
    assert "Bone-health work-up" in page and "DXA scan" in page
    assert "Energy-availability assessment" not in page
    client.force_login(team["nutritionist"])
    page = client.get(reverse("clinic:inbox")).content.decode()
    assert "Energy-availability assessment" in page and "DXA scan" not in page
    client.force_login(team["physio"])
    assert "Bone-health work-up" not in client.get(reverse("clinic:inbox")).content.decode()


def test_the_intake_form_records_the_facts_and_creates_the_tasks(client, case, team, frozen):
    client.force_login(team["clinician"])
    response = client.post(
        reverse("clinic:case_new"),
        {
            "athlete_mode": "new", "first_name": "Lea", "last_name": "Fischer",
            "date_of_birth": "2004-03-02", "sex": "female", "site": "sacrum", "side": "na",
            "grading_system": "none", "imaging": "mri", "diagnosed_on": TODAY.isoformat(),
            "red_s_screen": "not_screened", "menstrual_status": "na", "prior_bsi_count": "0",
            "height_cm": "165", "weight_kg": "55", "periods_last_12_months": "7",
            "eating_history": "none",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    from athletes.models import Case

    new = Case.objects.get(site="sacrum")
    assert new.periods_last_12_months == 7 and new.height_cm == D("165")
    assert {"dxa", "sex_hormones", "energy_availability"} <= set(
        new.workup_tasks.values_list("kind", flat=True)
    )


def _fill(case, team, n: int) -> None:
    """``n`` months of results (25(OH)D, ferritin, hip BMD in turn) and EA records."""
    for i in range(n):
        day = TODAY - dt.timedelta(days=30 * i)
        kind, value = (("vitamin_d", "60"), ("ferritin", "30"), ("bmd_hip", "-1.2"))[i % 3]
        services.bone_result_record(
            case=case, by=team["clinician"], kind=kind, value=value, measured_on=day, today=TODAY
        )
        services.energy_availability_record(
            case=case, by=team["nutritionist"], date=day, intake_kcal=2000 + i,
            exercise_kcal=800, ffm_kg=45, today=TODAY, replace=True,
        )  # fmt: skip


def test_the_case_page_queries_do_not_grow_with_results(client, case, team, frozen):
    second_bsi(case)
    client.force_login(team["clinician"])
    _fill(case, team, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(case)).status_code == 200
    _fill(case, team, 14)  # the first two again (same dates: replaced EA) and twelve more
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(case)).status_code == 200
    # The panel's queries (tasks, results, energy records, the latest REDs screen) do not grow
    # with their number.
    assert len(many) == len(few)


def test_the_work_up_starts_the_triad_review(client, case, team, frozen):
    # A DXA scan (lumbar -1.4, hip -2.1 the same day: the lowest counts) and 7 periods in 12
    # months start the nutritionist's Triad review at BMD 2 and menses 1 (De Souza 2014).
    case.periods_last_12_months = 7
    case.save()
    for kind, value in (("bmd_lumbar", "-1.4"), ("bmd_hip", "-2.1"), ("vitamin_d", "82")):
        services.bone_result_record(
            case=case, by=team["clinician"], kind=kind, value=value, measured_on=TODAY
        )
    client.force_login(team["nutritionist"])
    form = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).context["bone_form"]
    assert (form.initial["bmd"], form.fields["menses"].initial) == (2, 1)
    assert "the case's record: 7 periods" in form.fields["menses"].help_text
    assert form.initial["vitamin_d_nmol_l"] == D("82.0")


def test_the_triad_review_names_a_disagreement_and_asks_no_stale_value(client, case, team, frozen):
    """Maya's record says 5 periods in 12 months (2 points, De Souza 2014) and a disordered
    eating history; her 25(OH)D is from June 2025. The Triad form suggests the higher-risk
    menses answer, says where each answer comes from, scores the eating history at least 1
    and does not offer an 18-month-old 25(OH)D as a current value (the work-up asks again)."""
    case.periods_last_12_months = 5
    case.eating_history = "disordered"
    case.save()
    services.bone_result_record(
        case=case, by=team["clinician"], kind="vitamin_d", value="99.8",
        measured_on=dt.date(2025, 6, 1), today=TODAY,
    )  # fmt: skip
    client.force_login(team["nutritionist"])
    form = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).context["bone_form"]
    assert form.fields["menses"].initial == 2
    assert form.fields["energy"].initial == 1
    assert "Disordered eating" in form.fields["energy"].help_text
    assert "vitamin_d_nmol_l" not in form.initial


def test_a_results_note_is_shown_with_it(client, case, team, frozen):
    services.bone_result_record(
        case=case, by=team["clinician"], kind="ferritin", value="22", measured_on=TODAY,
        note="Iron studies requested", today=TODAY,
    )  # fmt: skip
    client.force_login(team["clinician"])
    page = client.get(url(case)).content.decode()
    assert "Iron studies requested" in page and "below 35 µg/L" in page
