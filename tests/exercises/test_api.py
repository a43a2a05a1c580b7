"""/api/v1/exercises/ (the library, read-only) and /api/v1/exercise-completions/ (ticks: read
by the clinical roles and the athlete, written by the athlete and integration accounts;
idempotent)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.models import ExerciseCompletion
from protocols.library import exercises as library

from .conftest import TODAY

pytestmark = pytest.mark.django_db
COMPLETIONS = "/api/v1/exercise-completions/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_library_is_readable_with_diagrams(athlete_user):
    response = api(athlete_user).get("/api/v1/exercises/", {"trains": "balance"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["key"] for r in rows} == {e.key for e in library.EXERCISES if e.trains == "balance"}
    assert rows[0]["diagram_url"].startswith("/static/exercises/") and rows[0]["steps"]
    assert api().get("/api/v1/exercises/").status_code == 401
    assert api(athlete_user).post("/api/v1/exercises/", {}).status_code == 405


@pytest.mark.parametrize("who", ["athlete_user", "integration"])
def test_a_tick_is_created_once_then_answered_200(request, plan, who):
    client = api(request.getfixturevalue(who))
    body = {"case": plan.case_id, "exercise": "split-squat", "done_on": TODAY.isoformat()}
    first = client.post(COMPLETIONS, body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["exercise"] == "split-squat" and first.headers["Location"]
    again = client.post(COMPLETIONS, body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert ExerciseCompletion.objects.count() == 1
    assert client.delete(f"{COMPLETIONS}{first.json()['id']}/").status_code == 204
    assert not ExerciseCompletion.objects.exists()


def test_bad_input_is_field_errors(athlete_user, plan):
    client = api(athlete_user)
    wrong = client.post(COMPLETIONS, {"case": plan.case_id, "exercise": "plank"}, format="json")
    assert wrong.status_code == 400 and "exercise" in wrong.json()["errors"]
    old = client.post(
        COMPLETIONS,
        {"case": plan.case_id, "exercise": "split-squat", "done_on": "2026-01-01"},
        format="json",
    )
    assert old.status_code == 400 and "done_on" in old.json()["errors"]
    missing = client.post(COMPLETIONS, {"exercise": "split-squat"}, format="json")
    assert missing.status_code == 400 and "case" in missing.json()["errors"]


def test_the_clinician_reads_ticks_the_coach_and_other_athletes_do_not(
    athlete_user, clinician, coach, ben, plan
):
    api(athlete_user).post(
        COMPLETIONS, {"case": plan.case_id, "exercise": "split-squat"}, format="json"
    )
    assert api(clinician).get(COMPLETIONS).json()["count"] == 1
    assert api(coach).get(COMPLETIONS).json()["count"] == 0
    assert api(ben).get(COMPLETIONS).json()["count"] == 0
    tick = ExerciseCompletion.objects.get()
    assert api(coach).get(f"{COMPLETIONS}{tick.pk}/").status_code == 404
    assert api(ben).delete(f"{COMPLETIONS}{tick.pk}/").status_code == 404
    refused = api(ben).post(
        COMPLETIONS, {"case": plan.case_id, "exercise": "split-squat"}, format="json"
    )
    assert refused.status_code == 400 and "case" in refused.json()["errors"]
    assert api(clinician).delete(f"{COMPLETIONS}{tick.pk}/").status_code == 403
    assert ExerciseCompletion.objects.count() == 1


def test_the_schema_documents_both_resources(athlete_user):
    schema = api(athlete_user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/exercises/" in schema["paths"]
    assert "post" in schema["paths"][COMPLETIONS]
