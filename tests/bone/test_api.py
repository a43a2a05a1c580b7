"""/api/v1/bone-results/, /energy-availability/, /workup-tasks/: who reads and writes, units,
computed EA, field errors, idempotent task creation seen through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.care.services import workup as services
from monitoring.models import BoneHealthResult, EnergyAvailability, WorkupTask

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def recorded(case, team, frozen):
    case.prior_bsi_count = 1
    case.save()
    services.workup_sync(case=case, today=TODAY)
    services.bone_result_record(
        case=case, by=team["clinician"], kind="ferritin", value="18",
        measured_on=dt.date(2026, 12, 1), note="Ferritin low: iron studies", today=TODAY,
    )  # fmt: skip
    services.energy_availability_record(
        case=case, by=team["nutritionist"], date=TODAY, intake_kcal=2100, exercise_kcal=950,
        ffm_kg=46, note="Skips lunch on long-run days", today=TODAY,
    )  # fmt: skip
    return case


LISTS = ("/api/v1/bone-results/", "/api/v1/energy-availability/", "/api/v1/workup-tasks/")


@pytest.mark.parametrize("role", ["clinician", "physio", "nutritionist", "athlete"])
def test_the_readers_read(recorded, team, role):
    for url in LISTS:
        body = api(team[role]).get(url).json()
        assert body["count"] >= 1, (role, url)


@pytest.mark.parametrize("role", ["coach", "psychologist", "integration"])
def test_the_others_read_nothing(recorded, team, role):
    for url in LISTS:
        response = api(team[role]).get(url)
        assert response.status_code == 200 and response.json()["count"] == 0, (role, url)
        text = response.content.decode()
        assert "Ferritin low" not in text and "Skips lunch" not in text
    one = BoneHealthResult.objects.get()
    assert api(team[role]).get(f"/api/v1/bone-results/{one.pk}/").status_code == 404


def test_a_result_with_its_unit_and_reading(recorded, team):
    response = api(team["clinician"]).post(
        "/api/v1/bone-results/",
        {"case": recorded.pk, "kind": "vitamin_d", "value": 24, "unit": "ng/mL",
         "measured_on": "2026-12-02"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["value"], body["unit"], body["entered_unit"], body["reading"]) == (
        "60.00", "nmol/L", "ng/mL", "low"
    )  # fmt: skip
    assert "preferably above 100" in body["reference"]
    assert WorkupTask.objects.get(case=recorded, kind="vitamin_d").status == "done"


def test_bad_input_is_a_400_with_field_errors(recorded, team):
    client = api(team["nutritionist"])
    response = client.post(
        "/api/v1/energy-availability/",
        {"case": recorded.pk, "date": "2026-12-05", "intake_kcal": -10, "exercise_kcal": 300,
         "ffm_kg": 0},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert {"intake_kcal", "ffm_kg"} <= set(response.json()["errors"])
    response = client.post(
        "/api/v1/bone-results/",
        {"case": recorded.pk, "kind": "ferritin", "value": 20, "unit": "nmol/L",
         "measured_on": "2026-12-02"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "unit" in response.json()["errors"]


def test_ea_is_computed_never_sent(recorded, team):
    response = api(team["nutritionist"]).post(
        "/api/v1/energy-availability/",
        {"case": recorded.pk, "date": "2026-12-04", "intake_kcal": 2600, "exercise_kcal": 600,
         "ffm_kg": 40, "ea": 99},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert (response.json()["ea"], response.json()["band"]) == ("50.0", "optimal")


def test_a_second_record_of_a_date_is_a_400_unless_it_says_replace(recorded, team):
    client = api(team["nutritionist"])
    body = {"case": recorded.pk, "date": TODAY.isoformat(), "intake_kcal": 2600,
            "exercise_kcal": 600, "ffm_kg": 40}  # fmt: skip
    twice = client.post("/api/v1/energy-availability/", body, format="json")
    assert twice.status_code == 400
    assert "exists (EA 25.0" in twice.json()["errors"]["date"][0]
    assert EnergyAvailability.objects.get(case=recorded).ea == D("25.0")  # kept
    fixed = client.post("/api/v1/energy-availability/", {**body, "replace": True}, format="json")
    assert fixed.status_code == 201 and fixed.json()["ea"] == "50.0"
    assert EnergyAvailability.objects.filter(case=recorded).count() == 1


@pytest.mark.parametrize("role", ["coach", "physio", "athlete", "psychologist"])
def test_only_recorders_write(recorded, team, role):
    response = api(team[role]).post(
        "/api/v1/bone-results/",
        {"case": recorded.pk, "kind": "ferritin", "value": 20, "measured_on": "2026-12-02"},
        format="json",
    )
    assert response.status_code == 400  # the case is not one they may record on
    assert "case" in response.json()["errors"]


def test_a_task_through_the_api(recorded, team):
    task = WorkupTask.objects.get(case=recorded, kind="dxa")
    url = f"/api/v1/workup-tasks/{task.pk}/"
    response = api(team["nutritionist"]).patch(url, {"status": "done"}, format="json")
    assert response.status_code == 403  # a physician's task
    response = api(team["clinician"]).patch(url, {"status": "not_needed"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = api(team["clinician"]).patch(
        url, {"status": "not_needed", "reason": "Scanned in October"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "not_needed"
    assert api(team["coach"]).patch(url, {"status": "open"}, format="json").status_code == 404
