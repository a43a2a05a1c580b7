"""Tokens for people and integration accounts, the browser's session, and the guide's script."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from monitoring.models import ActivitySession, DeviceMetric, Flag

from .conftest import TODAY

TOKEN_URL = "/api/v1/auth/token/"
SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "push_wearable_day.py"


@pytest.mark.django_db
def test_a_person_exchanges_a_password_for_their_token(clinician):
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": "dana", "password": "s3cret-pass"})
    assert response.status_code == 200
    token = Token.objects.get(user=clinician)
    assert response.json()["token"] == token.key
    # REHAB_API_TOKEN_DAYS (90) after it was made
    assert response.json()["expires_at"].startswith(
        (token.created + dt.timedelta(days=90)).date().isoformat()
    )
    again = client.post(TOKEN_URL, {"username": "dana", "password": "s3cret-pass"})
    assert again.json() == response.json()  # the same token, not a new one


@pytest.mark.django_db
def test_a_wrong_password_is_a_400_in_the_shared_format(clinician):
    response = APIClient().post(TOKEN_URL, {"username": "dana", "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"non_field_errors": ["Unable to log in with provided credentials."]},
    }


@pytest.mark.django_db
def test_password_attempts_are_throttled(clinician, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/hour"})
    client = APIClient()
    codes = [
        client.post(TOKEN_URL, {"username": "dana", "password": f"guess{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


@pytest.mark.django_db
def test_the_browser_session_works_and_needs_the_csrf_token_to_write(plan, case, clinician):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(clinician)
    assert client.get("/api/v1/cases/").status_code == 200
    response = client.post("/api/v1/daily-logs/bulk/", {"items": []}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")


def _script():
    spec = importlib.util.spec_from_file_location("push_wearable_day", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_guides_script_pushes_a_day_and_reads_the_flags(
    live_server, plan, case, integration, capsys, monkeypatch
):
    monkeypatch.setattr("monitoring.evaluation.tasks.evaluate_case.delay", lambda case_id: None)
    Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="load_spike",
        title="Load spike",
        message="…",
        coach_message="Training load rose sharply; check the plan with the medical team.",
        evaluation={},
    )
    token = Token.objects.create(user=integration).key
    argv = ["--base-url", live_server.url, "--token", token]
    argv += ["--athlete", str(case.athlete_id), "--day", str(TODAY)]
    script = _script()
    assert script.main(argv) == 0
    first = capsys.readouterr().out
    assert "samples: Stored 4 items: 4 created, 0 updated, 0 unchanged." in first
    assert "sessions: Stored 1 item: 1 created, 0 updated, 0 unchanged." in first
    assert "open flags: 1" in first and "load_spike (open)" in first
    assert script.main(argv) == 0  # a retry of the whole day: harmless, and it says so
    second = capsys.readouterr().out
    assert "samples: Nothing changed: 4 items already stored as sent." in second
    assert DeviceMetric.objects.count() == 4 and ActivitySession.objects.count() == 1
