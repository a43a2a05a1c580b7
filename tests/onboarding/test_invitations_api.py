"""POST /api/v1/invitations/ for club systems: the same rules as the pages. Administrators
invite staff; a case's clinicians and integration accounts (for the teams they are granted)
invite athletes; bad input is a 400 with field errors and creates nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.models import IntegrationGrant, Invitation, Team
from tests.factories import AthleteFactory, UserFactory

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def club(home):
    account = UserFactory(username="club-system", kind="integration", clinic=home["clinic"])
    IntegrationGrant.objects.create(user=account, team=home["team"])
    return account


def test_an_administrator_invites_a_coach_lists_and_revokes(home):
    api = _api(home["admin"])
    response = api.post(
        "/api/v1/invitations/",
        {"email": "Coach@Example.org", "kind": "coach", "teams": [home["team"].pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "coach@example.org" and body["status"] == "pending"
    assert body["teams"] == [home["team"].pk] and "/account/invitation/" in body["url"]
    assert body["emailed"] is True and mail.outbox[0].to == ["coach@example.org"]
    listed = api.get("/api/v1/invitations/").json()["results"]
    assert [i["id"] for i in listed] == [body["id"]] and "url" not in listed[0]
    revoked = api.post(f"/api/v1/invitations/{body['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = api.post(f"/api/v1/invitations/{body['id']}/send-again/")
    assert again.status_code == 400 and "revoked" in again.json()["detail"]


def test_an_integration_account_invites_athletes_of_its_teams_only(home, club):
    api = _api(club)
    ok = api.post(
        "/api/v1/invitations/",
        {"email": "noor@example.org", "kind": "athlete", "athlete": home["athlete"].pk},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["athlete"] == home["athlete"].pk
    other_team = Team.objects.create(clinic=home["clinic"], name="Not granted")
    stranger = AthleteFactory(clinic=home["clinic"], team=other_team)
    refused = api.post(
        "/api/v1/invitations/",
        {"email": "x@example.org", "kind": "athlete", "athlete": stranger.pk},
        format="json",
    )
    assert refused.status_code == 400 and "athlete" in refused.json()["errors"]
    staff = api.post("/api/v1/invitations/", {"email": "y@example.org", "kind": "physio"})
    assert staff.status_code == 403  # not theirs to do
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "nope", "kind": "coach"}, "email"),
        ({"email": "a@example.org", "kind": "integration"}, "kind"),
        ({"email": "a@example.org", "kind": "coach", "teams": [999999]}, "teams"),
        ({"email": "north-lead@example.org", "kind": "coach"}, "email"),
        ({"email": "a@example.org", "kind": "coach", "case": "x"}, "case"),
        ({"email": "a@example.org", "kind": "coach", "tems": [1]}, "tems"),  # unknown: a typo
        ({"email": "a@example.org", "kind": "athlete"}, "athlete"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_creates_nothing(home, data, field):
    response = _api(home["admin"]).post("/api/v1/invitations/", data, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Invitation.objects.exists()


def test_a_foreign_clinic_s_team_athlete_and_invitations_do_not_exist(home, foreign):
    api = _api(home["admin"])
    response = api.post(
        "/api/v1/invitations/",
        {"email": "a@example.org", "kind": "coach", "teams": [foreign["team"].pk]},
        format="json",
    )
    assert response.status_code == 400 and "teams" in response.json()["errors"]
    theirs = _api(foreign["admin"]).post(
        "/api/v1/invitations/", {"email": "b@example.org", "kind": "physio"}, format="json"
    )
    assert theirs.status_code == 201
    assert api.get(f"/api/v1/invitations/{theirs.json()['id']}/").status_code == 404
    assert api.get("/api/v1/invitations/").json()["results"] == []


def test_a_clinician_sees_only_the_invitations_they_made(home):
    _api(home["admin"]).post(
        "/api/v1/invitations/", {"email": "p@example.org", "kind": "physio"}, format="json"
    )
    mine = _api(home["lead"]).post(
        "/api/v1/invitations/",
        {"email": "noor@example.org", "kind": "athlete", "athlete": home["athlete"].pk},
        format="json",
    )
    assert mine.status_code == 201
    listed = _api(home["lead"]).get("/api/v1/invitations/").json()["results"]
    assert [i["email"] for i in listed] == ["noor@example.org"]
