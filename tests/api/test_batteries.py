"""/api/v1/batteries/: one request with nested results, the limb symmetry index computed, field
errors, and who reads them (issue 28, item 3)."""

from __future__ import annotations

import pytest

from monitoring.models import Assessment, BatteryResult, TestBattery

from .conftest import TODAY

URL = "/api/v1/batteries/"


def body(case, **extra) -> dict:
    return {
        "case": case.pk,
        "date": TODAY.isoformat(),
        "results": [
            {"test": "hop_distance", "left": 110, "right": 125, "pain": 1},
            {"test": "triple_hop", "left": 330, "pain": 0},
            {"test": "isometric_strength", "muscle_group": "plantarflexors", "unit": "kg",
             "left": 90, "right": 100, "pain": 0},
        ],
        **extra,
    }  # fmt: skip


def test_create_and_read_a_battery(api, case, plan, physio):
    client = api(physio)
    response = client.post(URL, body(case), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["involved_side"] == "left"
    by_test = {r["test"]: r for r in data["results"]}
    assert by_test["hop_distance"]["lsi"] == 88.0 and by_test["hop_distance"]["complete"]
    assert by_test["triple_hop"]["lsi"] is None and by_test["triple_hop"]["complete"] is False
    assert by_test["isometric_strength"]["lsi"] == 90.0
    assert by_test["isometric_strength"]["unit"] == "kg"
    again = client.get(f"{URL}{data['id']}/").json()
    assert again == data
    listed = client.get(URL, {"case": case.pk}).json()
    assert [b["id"] for b in listed["results"]] == [data["id"]]


@pytest.mark.parametrize(
    ("result", "field"),
    [
        ({"test": "hop_distance", "left": -1, "right": 120}, "results.0.left"),
        ({"test": "hop_distance", "left": 100, "right": 120, "pain": 11}, "results.0.pain"),
        ({"test": "hop_distance", "left": 100, "right": 9000}, "results.0.right"),
        ({"test": "hop_distance"}, "results.0.left"),
        ({"test": "walk_test", "left": 1, "right": 1}, "results.0.test"),
        ({"test": "hops_to_pain", "left": 2.5, "right": 3}, "results.0.left"),
    ],
)
def test_bad_values_are_400_with_field_errors_and_nothing_is_written(
    api, case, plan, physio, result, field
):
    response = api(physio).post(URL, {**body(case), "results": [result]}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert TestBattery.objects.count() == 0 and BatteryResult.objects.count() == 0


def test_a_bad_second_result_writes_nothing(api, case, plan, physio):
    data = body(case)
    data["results"].append({"test": "calf_raises", "left": 10, "right": 20, "pain": 12})
    response = api(physio).post(URL, data, format="json")
    assert response.status_code == 400
    assert "results.3.pain" in response.json()["errors"]
    assert TestBattery.objects.count() == 0


def test_no_results_and_a_future_date_are_refused(api, case, plan, physio):
    client = api(physio)
    empty = client.post(URL, {**body(case), "results": []}, format="json")
    assert empty.status_code == 400 and "results.non_field_errors" in empty.json()["errors"]
    future = client.post(URL, body(case, date="2030-01-01"), format="json")
    assert future.status_code == 400 and "date" in future.json()["errors"]


def test_the_involved_side_is_required_only_when_the_case_side_is_unknown(api, case, plan, physio):
    case.side = "na"
    case.save()
    client = api(physio)
    refused = client.post(URL, body(case), format="json")
    assert refused.status_code == 400 and "involved_side" in refused.json()["errors"]
    made = client.post(URL, body(case, involved_side="right"), format="json")
    assert made.status_code == 201
    hop = next(r for r in made.json()["results"] if r["test"] == "hop_distance")
    assert hop["lsi"] == pytest.approx(113.6)


def test_coaches_never_read_or_write_batteries(api, case, plan, physio, coach):
    made = api(physio).post(URL, body(case), format="json").json()
    client = api(coach)
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{made['id']}/").status_code == 404
    refused = client.post(URL, body(case, date="2026-10-20"), format="json")
    assert refused.status_code == 400 and "case" in refused.json()["errors"]
    assert TestBattery.objects.count() == 1


def test_the_athlete_reads_their_own_battery(api, case, plan, physio, athlete_user):
    made = api(physio).post(URL, body(case), format="json").json()
    assert api(athlete_user).get(f"{URL}{made['id']}/").status_code == 200


def test_strength_symmetry_is_no_longer_typed_in_the_assessments_api(api, case, plan, physio):
    response = api(physio).post(
        "/api/v1/assessments/",
        {"case": case.pk, "test": "strength_symmetry", "value": 95, "date": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "test" in response.json()["errors"]
    assert not Assessment.objects.exists()


def test_a_retry_with_the_same_idempotency_key_records_one_battery(api, case, plan, physio):
    client = api(physio)
    first = client.post(URL, body(case), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, body(case), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert TestBattery.objects.count() == 1
