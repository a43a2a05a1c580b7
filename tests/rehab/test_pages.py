"""Login, logout and the home page."""

import pytest
from django.urls import reverse

from athletes.models import User


@pytest.fixture
def dana(db):
    return User.objects.create_user("dana", password="s3cret-pass", first_name="Dana")


def test_home_sends_anonymous_users_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_login_with_wrong_password_shows_an_error(client, dana):
    response = client.post(reverse("login"), {"username": "dana", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content


def test_login_then_logout(client, dana):
    response = client.post(reverse("login"), {"username": "dana", "password": "s3cret-pass"})
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("kind", "home"),
    [
        ("clinician", "/clinic/"),
        ("physio", "/clinic/"),
        ("coach", "/coach/"),
        ("athlete", "/me/"),
        ("nutritionist", "/clinic/"),
        ("psychologist", "/clinic/"),
        ("integration", "/api/docs/"),
    ],
)
def test_home_sends_each_role_to_its_place(client, db, kind, home):
    user = User.objects.create_user(f"u-{kind}", password="s3cret-pass", kind=kind)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response.url == home
