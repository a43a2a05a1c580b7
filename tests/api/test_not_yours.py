"""One answer for "not yours": a write naming an athlete the caller may not record for answers
as if the athlete did not exist — 404 for one item, a per-item ``not_found`` in a bulk request —
so an integrator learns nothing of another clinic's athletes (docs/api.md).

The story: a clinician of Maya's case, on 21 Oct 2026, sends by mistake a log and a session for
an athlete of another clinic, then for an id that exists nowhere; then a batch mixing Maya's
day with the other athlete's.
"""

from __future__ import annotations

import pytest

from monitoring.models import ActivitySession, DailyLog
from tests.api.conftest import TODAY

pytestmark = pytest.mark.django_db

NOT_YOURS = {
    "detail": "Not an athlete of an active case you may record data for.",
    "code": "not_found",
}


def session(athlete_id: int) -> dict:
    return {
        "athlete": athlete_id,
        "date": str(TODAY),
        "activity": "run",
        "minutes": 20,
        "rpe": 4,
        "source": "device",
        "external_id": "run-1",
    }


def test_a_single_write_for_another_clinics_athlete_is_not_found(
    api, plan, clinician, foreign_case
):
    client = api(clinician)
    for athlete_id in (foreign_case.athlete_id, 999_999):  # theirs, and nobody's: one answer
        log = client.post(
            "/api/v1/daily-logs/",
            {"athlete": athlete_id, "date": str(TODAY), "pain_during": 1},
            format="json",
        )
        assert (log.status_code, log.json()) == (404, NOT_YOURS)
        run = client.post("/api/v1/sessions/", session(athlete_id), format="json")
        assert (run.status_code, run.json()) == (404, NOT_YOURS)
    assert not DailyLog.objects.exists() and not ActivitySession.objects.exists()


def test_a_bulk_item_for_another_clinics_athlete_is_not_found_and_the_rest_stored(
    api, plan, case, clinician, foreign_case
):
    response = api(clinician).post(
        "/api/v1/daily-logs/bulk/",
        {
            "items": [
                {"athlete": case.athlete_id, "date": str(TODAY), "pain_during": 1},
                {"athlete": foreign_case.athlete_id, "date": str(TODAY), "pain_during": 1},
                {"athlete": 999_999, "date": str(TODAY), "pain_during": 1},
            ]
        },
        format="json",
    )
    assert response.status_code == 207
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["created", "not_found", "not_found"]
    assert body["results"][1]["errors"] == body["results"][2]["errors"]
    assert (body["created"], body["invalid"]) == (1, 2)
    assert list(DailyLog.objects.values_list("athlete_id", flat=True)) == [case.athlete_id]
