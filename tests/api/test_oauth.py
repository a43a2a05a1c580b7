"""Integrations' OAuth2 client credentials: the token endpoint, scoped access tokens that
expire, and personal API tokens that expire too (docs/api.md, "1. Get a token")."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.services.integrations import integration_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/oauth/token/"
NOON = dt.datetime(2026, 10, 21, 11, 0, tzinfo=dt.UTC)
SESSION = {"date": "2026-10-20", "external_id": "run-1", "activity": "run", "minutes": 30, "rpe": 4}


@pytest.fixture
def admin(case):
    """The clinic's administrator (the case's clinic)."""
    from athletes.models import Clinic

    clinic = case.athlete.team.clinic or Clinic.objects.create(name="Harbour Sports Medicine")
    if case.athlete.team.clinic_id is None:
        case.athlete.team.clinic = clinic
        case.athlete.team.save()
    return UserFactory(username="ada", kind="clinician", clinic=clinic, is_clinic_admin=True)


@pytest.fixture
def client_app(admin, case):
    """An integration granted the case's team, and its OAuth2 client (id and secret)."""
    return integration_create(name="Club GPS", teams=[case.athlete.team], created_by=admin)


def _token(client_app, scope: str | None = None, secret: str | None = None):
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return APIClient().post(
        TOKEN_URL,
        data,
        format="multipart",
        HTTP_AUTHORIZATION=_basic(client_app.client_id, secret or client_app.client_secret),
    )


def _basic(client_id: str, secret: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _bearer(access_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client


def _log(case, day="2026-10-20"):
    return {"athlete": case.athlete_id, "date": day, "pain_rest": 0, "pain_during": 1}


def test_client_credentials_give_an_hour_long_token_with_the_scopes_asked(client_app):
    with time_machine.travel(NOON, tick=False):
        response = _token(client_app, "read write:logs")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == {"read", "write:logs"}
    assert "refresh_token" not in body


def test_no_scope_asked_is_read_only_and_a_wrong_secret_or_unknown_scope_is_refused(client_app):
    assert _token(client_app).json()["scope"] == "read"
    wrong = _token(client_app, "read", secret="not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.json()["code"] == "not_authenticated"
    assert _token(client_app, "admin").json()["error"] == "invalid_scope"


def test_the_token_acts_as_the_integration_within_its_cases(client_app, case, foreign_case):
    token = _token(client_app, "read").json()["access_token"]
    api = _bearer(token)
    cases = api.get("/api/v1/cases/")
    assert cases.status_code == 200
    assert [c["id"] for c in cases.json()["results"]] == [case.pk]
    assert api.get(f"/api/v1/cases/{foreign_case.pk}/").status_code == 404


def test_a_read_only_token_cannot_write(client_app, case, clock):
    api = _bearer(_token(client_app, "read").json()["access_token"])
    response = api.post("/api/v1/daily-logs/", _log(case), format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "insufficient_scope"
    assert body["errors"] == {"scope": ["This access token lacks the scope write:logs."]}
    assert "write:logs" in body["detail"]


def test_a_logs_token_writes_logs_but_not_sessions_metrics_or_invitations(client_app, case, clock):
    api = _bearer(_token(client_app, "write:logs").json()["access_token"])
    assert api.post("/api/v1/daily-logs/", _log(case), format="json").status_code == 201
    session = {**SESSION, "athlete": case.athlete_id}
    refused = api.post("/api/v1/sessions/", session, format="json")
    assert refused.status_code == 403
    assert refused.json()["errors"]["scope"] == [
        "This access token lacks the scope write:sessions."
    ]
    assert api.post("/api/v1/device-metrics/bulk/", {"items": []}, format="json").status_code == 403
    assert api.post("/api/v1/invitations/", {}, format="json").status_code == 403
    # and without ``read`` it reads nothing
    assert api.get("/api/v1/daily-logs/").status_code == 403


def test_a_sessions_token_writes_sessions(client_app, case, clock):
    api = _bearer(_token(client_app, "write:sessions").json()["access_token"])
    session = {**SESSION, "athlete": case.athlete_id}
    response = api.post("/api/v1/sessions/", session, format="json")
    assert response.status_code == 201, response.content


def test_a_write_no_scope_names_is_refused_to_every_token(client_app, case, plan):
    every = "read write:logs write:sessions write:metrics invitations"
    api = _bearer(_token(client_app, every).json()["access_token"])
    response = api.post(f"/api/v1/plans/{plan.pk}/transitions/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_an_expired_access_token_is_a_401_that_says_so(client_app, case):
    with time_machine.travel(NOON, tick=False):
        token = _token(client_app, "read").json()["access_token"]
    with time_machine.travel(NOON + dt.timedelta(minutes=59), tick=False):
        assert _bearer(token).get("/api/v1/cases/").status_code == 200
    with time_machine.travel(NOON + dt.timedelta(minutes=61), tick=False):
        response = _bearer(token).get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert "expired" in response.json()["detail"]


def test_the_nightly_task_forgets_expired_access_tokens_and_keeps_live_ones(client_app, case):
    from oauth2_provider.models import AccessToken

    from athletes.tasks import forget_expired_tokens
    from rehab.celery import app

    with time_machine.travel(NOON, tick=False):
        _token(client_app, "read")
    with time_machine.travel(NOON + dt.timedelta(minutes=30), tick=False):
        live = _token(client_app, "read").json()["access_token"]
    with time_machine.travel(NOON + dt.timedelta(minutes=61), tick=False):
        forget_expired_tokens()
        assert AccessToken.objects.count() == 1
        assert _bearer(live).get("/api/v1/cases/").status_code == 200
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "athletes.tasks.forget_expired_tokens" in schedule


def test_a_revoked_integration_s_token_stops_working(client_app, admin):
    from athletes.services.integrations import integration_revoke

    token = _token(client_app, "read").json()["access_token"]
    integration_revoke(user=client_app.user, by=admin)
    assert _bearer(token).get("/api/v1/cases/").status_code == 401
    assert _token(client_app, "read").status_code == 401


# --- personal tokens (DRF's) expire -------------------------------------------------------------


def test_a_personal_token_expires_after_the_setting_s_days(clinician, settings):
    settings.REHAB_API_TOKEN_DAYS = 90
    with time_machine.travel(NOON, tick=False):
        token = Token.objects.create(user=clinician)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with time_machine.travel(NOON + dt.timedelta(days=89), tick=False):
        assert api.get("/api/v1/cases/").status_code == 200
    with time_machine.travel(NOON + dt.timedelta(days=90, seconds=1), tick=False):
        response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "expired on 2027-01-19" in response.json()["detail"]


def test_personal_tokens_and_sessions_are_not_scoped(clinician, case, clock):
    token = Token.objects.create(user=clinician)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/v1/daily-logs/", _log(case), format="json").status_code in (201, 200)


def test_the_token_exchange_replaces_an_expired_token(settings):
    user = UserFactory(username="kit", kind="integration")
    with time_machine.travel(NOON, tick=False):
        old = Token.objects.create(user=user)
    with time_machine.travel(NOON + dt.timedelta(days=91), tick=False):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "kit", "password": "s3cret-pass"}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["token"] != old.key
    assert response.json()["expires_at"].startswith("2027-04-20")


def test_every_api_view_checks_token_scopes_unless_it_is_public():
    """A view that lists its own permission classes must keep TokenScopes among them, or an
    access token's scopes would not limit it."""
    from django.urls import URLResolver, get_resolver
    from rest_framework.permissions import AllowAny
    from rest_framework.views import APIView

    from rehab.api_auth import TokenScopes

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            else:
                yield getattr(pattern.callback, "cls", None)

    api = [v for v in views(get_resolver().url_patterns) if v and issubclass(v, APIView)]
    assert len(api) > 20
    unchecked = {
        v.__name__
        for v in api
        if AllowAny not in v.permission_classes and TokenScopes not in v.permission_classes
    }
    # DRF's password exchange (AllowAny is its own: it hands out personal tokens)
    assert unchecked <= {"TokenView"}
