"""The running baseline and gait checks in the API (issue 28, items 2 and 4): the baseline is on
the case's clinical view and written by clinicians and integration accounts; gait checks are
the clinical team's alone; bad input is a 400 with field errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from monitoring.models import ActivitySession, GaitCheck

pytestmark = pytest.mark.django_db

GAIT = {
    "date": "2026-10-20",
    "limp": False,
    "pain_free_gait": True,
    "pain": 0,
    "cadence": 168,
    "overstriding": True,
    "notes": "Treadmill",
}


def baseline_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/running-baseline/"


def test_a_clinician_writes_and_reads_the_baseline(api, case, clinician, plan):
    client = api(clinician)
    response = client.post(
        baseline_url(case),
        {"km_week": 40, "runs_week": 5, "step_rate": 164, "cadence_goal_low_percent": 5,
         "cadence_goal_high_percent": 10},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["km_week"] == "40.0"
    assert response.json()["cadence_goal_steps"] == [172, 180]
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["running_baseline"]["source"] == "entered"
    assert body["running_baseline"]["runs_week"] == "5.0"


def test_the_baseline_is_computed_from_the_runs_before_the_diagnosis(api, case, clinician, plan):
    # 4 weeks of 2 runs (10 and 15 km) before the diagnosis: 25 km a week.
    for week in range(4):
        for offset, km in ((2, 10), (5, 15)):
            ActivitySession.objects.create(
                athlete=case.athlete,
                date=case.diagnosed_on - dt.timedelta(days=7 * week + offset),
                activity="run",
                minutes=60,
                distance_km=Decimal(km),
            )
    response = api(clinician).post(baseline_url(case), {"compute": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["km_week"] == "25.0"
    assert response.json()["source"] == "computed"
    assert "8 running sessions" in response.json()["basis"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"km_week": -5}, "km_week"),
        ({"minutes_week": 99999}, "minutes_week"),
        ({"step_rate": 0}, "step_rate"),
        ({"step_rate": 400}, "step_rate"),
        ({"compute": True, "km_week": 30}, "compute"),
        ({}, "km_week"),
    ],
)
def test_bad_baseline_input_is_a_400_with_field_errors(api, case, clinician, plan, data, field):
    response = api(clinician).post(baseline_url(case), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    case.refresh_from_db()
    assert case.pre_injury_km_week is None and case.baseline_step_rate is None


def test_computing_without_enough_weeks_is_a_400(api, case, clinician, plan):
    response = api(clinician).post(baseline_url(case), {"compute": True}, format="json")
    assert response.status_code == 400
    assert "4 weeks" in str(response.json()["errors"])


def test_an_integration_sends_the_baseline_but_not_the_cadence_goal(api, case, integration, plan):
    client = api(integration)
    assert client.post(baseline_url(case), {"km_week": 30}, format="json").status_code == 204
    refused = client.post(baseline_url(case), {"step_rate": 160}, format="json")
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.pre_injury_km_week == Decimal("30.0") and case.baseline_step_rate is None
    # its summary view of the case carries no baseline (clinical)
    assert "running_baseline" not in client.get(f"/api/v1/cases/{case.pk}/").json()


def test_a_coach_neither_reads_nor_writes_the_baseline(api, case, coach, plan):
    client = api(coach)
    case.pre_injury_km_week = Decimal("37.3")
    case.save(update_fields=["pre_injury_km_week"])
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert "running_baseline" not in body and "37.3" not in str(body)
    assert client.post(baseline_url(case), {"km_week": 1}, format="json").status_code == 403


def test_clinicians_record_and_list_gait_checks(api, case, clinician, physio, plan):
    created = api(physio).post("/api/v1/gait-checks/", {**GAIT, "case": case.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["recorded_by"] == physio.pk
    listed = api(clinician).get("/api/v1/gait-checks/", {"case": case.pk}).json()
    assert [c["cadence"] for c in listed["results"]] == [168]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cadence": 0}, "cadence"),
        ({"cadence": 400}, "cadence"),
        ({"pain": 11}, "pain"),
        ({"limp": None}, "limp"),
        ({"date": "2026-10-22"}, "date"),
    ],
)
def test_bad_gait_checks_are_400s(api, case, clinician, plan, change, field):
    response = api(clinician).post(
        "/api/v1/gait-checks/", {**GAIT, "case": case.pk, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not GaitCheck.objects.exists()


@pytest.mark.parametrize("who", ["coach", "athlete_user", "integration", "outsider"])
def test_nobody_else_sees_or_records_gait_checks(api, case, clinician, plan, who, request):
    GaitCheck.objects.create(
        case=case, date=dt.date(2026, 10, 20), limp=False, pain_free_gait=True, notes="Hip drop"
    )
    client = api(request.getfixturevalue(who))
    assert client.get("/api/v1/gait-checks/").json()["results"] == []
    refused = client.post("/api/v1/gait-checks/", {**GAIT, "case": case.pk}, format="json")
    assert refused.status_code in {400, 403}
    assert GaitCheck.objects.count() == 1
