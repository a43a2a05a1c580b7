"""What a careless client sends: a path without its slash, a wrong path or method, a date in
another ISO 8601 spelling, an unknown top-level field in a bulk body, a full-width digit as an id,
a repeat while the first is still running. Each is answered in the API's JSON shape, never an
HTML page, a redirect that drops the body, or a 500 (under DEBUG as without it)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import cache
from django.test import override_settings

from monitoring.models import DailyLog

from .conftest import TODAY

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/daily-logs/"


@pytest.fixture
def athlete_api(api, athlete_user, plan):
    return api(athlete_user)


def test_a_post_without_the_trailing_slash_reaches_its_view(athlete_api, case):
    for debug in (False, True):
        with override_settings(DEBUG=debug):
            response = athlete_api.post(
                "/api/v1/daily-logs",
                {"athlete": case.athlete_id, "date": str(TODAY), "pain_rest": 1},
                format="json",
            )
        assert response.status_code in (200, 201), response.content[:300]
    assert DailyLog.objects.get(athlete=case.athlete, date=TODAY).pain_rest == 1
    bulk = athlete_api.post(
        "/api/v1/daily-logs/bulk",
        {"items": [{"athlete": case.athlete_id, "date": str(TODAY), "pain_rest": 2}]},
        format="json",
    )
    assert bulk.status_code == 200, bulk.content[:300]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/nonexistent/"),
        ("get", "/api/v1/daily-logs/1/extra/"),
        ("get", "/api/v1/cases/1.5/fhir/"),
        ("post", "/api/v1/flags/1.5/acknowledge/"),
        ("get", "/api/v1/cases/\uff11/"),  # a full-width 1 is not an id
    ],
)
def test_a_wrong_path_is_a_json_404(athlete_api, method, path, debug):
    with override_settings(DEBUG=debug):
        response = getattr(athlete_api, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


def test_a_method_the_path_does_not_take_is_a_json_405(athlete_api):
    response = athlete_api.delete("/api/v1/daily-logs/bulk/")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.parametrize("spelling", ["20261021", "2026-W43-3", "2026W433", "21/10/2026"])
def test_a_date_is_written_yyyy_mm_dd(athlete_api, case, spelling):
    response = athlete_api.post(
        LOGS, {"athlete": case.athlete_id, "date": spelling, "pain_rest": 1}, format="json"
    )
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["errors"]["date"][0]
    assert not DailyLog.objects.filter(athlete=case.athlete).exists()


def test_an_unknown_top_level_field_of_a_bulk_body_is_refused(athlete_api, case):
    response = athlete_api.post(
        "/api/v1/daily-logs/bulk/",
        {"items": [{"athlete": case.athlete_id, "date": str(TODAY)}], "extra": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"extra": ["Unknown field."]}
    assert not DailyLog.objects.filter(athlete=case.athlete).exists()


def test_a_repeat_while_the_first_still_runs_says_when_to_retry(api, case, clinician, plan):
    """The first request with a key holds its lock until it has answered; a second with the same
    key meanwhile is a 409 that says when to retry."""
    key = "k-running"
    digest = hashlib.sha256(key.encode()).hexdigest()
    path = "/api/v1/assessments/"
    cache.add(f"api:idempotency:{clinician.pk}:POST:{path}:{digest}:lock", 1, timeout=60)
    body = {"test": "single_leg_hop", "value": 12, "pain": 0, "date": str(TODAY), "case": case.pk}
    response = api(clinician).post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert "still running" in response.json()["detail"]
