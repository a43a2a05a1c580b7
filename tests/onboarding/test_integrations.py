"""The clinic's Integrations (OAuth2 clients for integration accounts) and each person's
personal API token on their account page."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from oauth2_provider.models import Application
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.models import IntegrationGrant, User
from athletes.services.integrations import integration_create

pytestmark = pytest.mark.django_db

CREATE = reverse("account:integration_create")


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_the_administrator_adds_an_integration_and_sees_its_secret_once(client, home):
    _signed_in(client, home["admin"])
    response = client.post(CREATE, {"name": "Club GPS", "teams": [home["team"].pk]})
    assert response.status_code == 200
    account = User.objects.get(kind=User.Kind.INTEGRATION, clinic=home["clinic"])
    assert account.first_name == "Club GPS" and not account.has_usable_password()
    assert list(IntegrationGrant.objects.filter(user=account).values_list("team", flat=True)) == [
        home["team"].pk
    ]
    app = Application.objects.get(user=account)
    assert app.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    secret = response.context["issued_client"].client_secret
    assert secret in response.content.decode()
    assert app.client_secret != secret  # only its hash is kept
    # the secret works, once shown: the token endpoint gives an access token
    basic = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    token = APIClient().post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "scope": "read"},
        format="multipart",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert token.status_code == 200
    # the page lists it afterwards, without the secret
    page = client.get(reverse("account:clinic"))
    assert "Club GPS" in page.content.decode()
    assert secret not in page.content.decode()


def test_a_nameless_integration_is_a_400_and_makes_nothing(client, home):
    _signed_in(client, home["admin"])
    assert client.post(CREATE, {"name": " "}).status_code == 400
    assert not User.objects.filter(kind=User.Kind.INTEGRATION).exists()


def test_another_clinic_s_team_cannot_be_granted(client, home, foreign):
    _signed_in(client, home["admin"])
    response = client.post(CREATE, {"name": "Club GPS", "teams": [foreign["team"].pk]})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_a_clinician_who_is_not_the_administrator_gets_a_404(client, home):
    _signed_in(client, home["lead"])
    assert client.post(CREATE, {"name": "Club GPS"}).status_code == 404
    assert "Integrations" not in client.get(reverse("account:clinic")).content.decode()
    issued = integration_create(name="Club GPS", teams=[], created_by=home["admin"])
    revoke = reverse("account:integration_revoke", args=[issued.user.pk])
    assert client.post(revoke).status_code == 404
    assert User.objects.get(pk=issued.user.pk).is_active


def test_anonymous_is_sent_to_the_login_page(client):
    assert client.post(CREATE, {"name": "Club GPS"}).status_code == 302


def test_the_administrator_revokes_an_integration(client, home, foreign):
    issued = integration_create(name="Club GPS", teams=[home["team"]], created_by=home["admin"])
    theirs = integration_create(name="Their GPS", teams=[], created_by=foreign["admin"])
    _signed_in(client, home["admin"])
    assert (
        client.post(reverse("account:integration_revoke", args=[theirs.user.pk])).status_code == 404
    )
    response = client.post(reverse("account:integration_revoke", args=[issued.user.pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=issued.user.pk).is_active
    assert not Application.objects.filter(user=issued.user).exists()
    assert Application.objects.filter(user=theirs.user).exists()


# --- the personal API token on the account page --------------------------------------------------

NOON = dt.datetime(2026, 10, 21, 11, 0, tzinfo=dt.UTC)


def test_the_account_page_lists_the_token_with_its_expiry(client, home):
    with time_machine.travel(NOON, tick=False):
        token = Token.objects.create(user=home["lead"])
    _signed_in(client, home["lead"])
    with time_machine.travel(NOON + dt.timedelta(days=1)):
        page = client.get(reverse("account:home")).content.decode()
    assert token.key[:6] in page and token.key not in page  # the start only
    assert "19 Jan 2027" in page  # 90 days on
    assert "Revoke" in page and "Make a new token" in page


def test_making_a_new_token_shows_it_once_and_ends_the_old(client, home):
    old = Token.objects.create(user=home["lead"])
    _signed_in(client, home["lead"])
    response = client.post(reverse("account:token_new"))
    assert response.status_code == 200
    new = Token.objects.get(user=home["lead"])
    assert new.key != old.key
    assert new.key in response.content.decode()
    assert new.key not in client.get(reverse("account:home")).content.decode()


def test_revoking_the_token_ends_it(client, home):
    token = Token.objects.create(user=home["lead"])
    _signed_in(client, home["lead"])
    assert client.post(reverse("account:token_revoke")).status_code == 302
    assert not Token.objects.filter(user=home["lead"]).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/cases/").status_code == 401


def test_the_token_pages_are_only_posts_and_for_the_signed_in(client, home):
    assert client.post(reverse("account:token_new")).status_code == 302  # to the login
    assert not Token.objects.exists()
    _signed_in(client, home["lead"])
    assert client.get(reverse("account:token_new")).status_code == 405
