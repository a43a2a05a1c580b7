"""Account security: lockout after failed logins, password rules, session expiry, the optional
second factor, and the security headers of every answer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-pass"  # tests/factories.py


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- lockout (django-axes) ----------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_from_that_address(client, clinician):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "dana", "wrong-password").status_code == 200  # form error
    locked = _login(client, "dana", "wrong-password")
    assert locked.status_code == 429
    assert "Login locked for now" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Locked: even the right password does not get in now.
    assert _login(client, "dana", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="dana").exists()


def test_a_lockout_ends_after_the_cool_off(client, clinician):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "dana", "wrong-password")
    assert _login(client, "dana", PASSWORD).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later):
        response = _login(client, "dana", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clinician.pk)


def test_a_lockout_is_per_account_and_address(client, clinician, physio):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "dana", "wrong-password")
    assert _login(client, "sam", PASSWORD).status_code == 302  # another account still logs in
    other_address = _login(client.__class__(REMOTE_ADDR="10.0.0.9"), "dana", PASSWORD)
    assert other_address.status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, clinician):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "dana", "wrong-password")
    assert _login(client, "dana", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "dana", "wrong-password").status_code == 200
    assert _login(client, "dana", PASSWORD).status_code == 302


def test_the_api_token_endpoint_locks_out_too(clinician):
    api = APIClient()
    url = reverse("api-token")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api.post(url, {"username": "dana", "password": "nope"}, format="json")
        assert response.status_code == 400
    response = api.post(url, {"username": "dana", "password": "nope"}, format="json")
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    right = api.post(url, {"username": "dana", "password": PASSWORD}, format="json")
    assert right.status_code == 429
    assert "token" not in right.json()


def test_force_login_in_tests_is_not_counted(client, clinician):
    """The suite logs people in with force_login: no attempt is recorded, nobody is locked."""
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        client.force_login(clinician)
    assert not AccessAttempt.objects.exists()


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["clinician", "physio", "coach", "nutritionist", "integration"])
def test_staff_need_ten_characters(kind):
    user = UserFactory.build(username=f"x-{kind}", kind=kind)
    with pytest.raises(ValidationError) as error:
        validate_password("tr4ck-sh0e", user)  # 10 characters: accepted below
        validate_password("tr4ck-sh0", user)  # 9: refused
    assert "at least 10 characters" in " ".join(error.value.messages)


def test_athletes_keep_djangos_minimum():
    athlete = UserFactory.build(username="x-athlete", kind="athlete")
    validate_password("tr4ck-sh", athlete)  # 8 characters
    with pytest.raises(ValidationError):
        validate_password("tr4ck-s", athlete)


def test_common_and_numeric_passwords_are_refused():
    user = UserFactory.build(username="x", kind="clinician")
    for weak in ("password1234", "12345678901"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)


# --- sessions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clinician", "athlete_user"])
def test_a_session_lasts_twelve_hours(request, client, who):
    user = request.getfixturevalue(who)
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    page = reverse("clinic:cases") if who == "clinician" else reverse("athlete:today")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=11, minutes=59)):
        assert client.get(page).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=12, minutes=1)):
        assert client.get(page).status_code == 302  # to the login page


def test_a_clinicians_session_also_ends_with_the_browser(client, clinician, athlete_user):
    response = _login(client, "dana", PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == ""  # a browser-session cookie
    client.post(reverse("logout"))
    response = _login(client, "maya", PASSWORD)  # athletes stay logged in on their phone
    assert response.cookies["sessionid"]["max-age"] == 12 * 60 * 60


# --- the second factor (django-otp) -------------------------------------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def enrolled(client, clinician):
    """The clinician turned two-step login on; returns the device."""
    client.force_login(clinician)
    page = client.get(reverse("account:two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    response = client.post(reverse("account:two_factor"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_the_setup_page_shows_a_qr_code_and_the_key_as_text(client, clinician):
    client.force_login(clinician)
    body = client.get(reverse("account:two_factor")).content.decode()
    assert 'src="data:image/svg+xml' in body and "QR code" in body
    device = TOTPDevice.objects.get(user=clinician)
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    assert key[:4] in body and key[-4:] in body


def test_a_wrong_first_code_leaves_it_off(client, clinician):
    client.force_login(clinician)
    client.get(reverse("account:two_factor"))
    response = client.post(reverse("account:two_factor"), {"code": "000000"})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clinician, confirmed=True).exists()
    assert client.get(reverse("clinic:cases")).status_code == 200  # still not asked


def test_after_login_an_enrolled_clinician_must_enter_a_code(client, clinician, enrolled, case):
    client.post(reverse("logout"))
    assert _login(client, "dana", PASSWORD).status_code == 302
    page = client.get(reverse("clinic:case", args=[case.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account:two_factor_verify"))
    # Through the browser session, the API is closed too until the code.
    assert client.get("/api/v1/cases/").status_code == 403
    wrong = client.post(reverse("account:two_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 400
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=enrolled.step)):
        enrolled.refresh_from_db()
        enrolled.throttling_failure_count = 0
        enrolled.save()
        right = client.post(
            reverse("account:two_factor_verify"),
            {"code": _code(enrolled), "next": reverse("clinic:case", args=[case.pk])},
        )
        assert right.status_code == 302
        assert right["Location"] == reverse("clinic:case", args=[case.pk])
        assert client.get(reverse("clinic:case", args=[case.pk])).status_code == 200


def test_a_password_alone_gets_no_api_token_once_two_step_login_is_on(clinician, enrolled):
    from rest_framework.authtoken.models import Token

    api = APIClient()
    response = api.post(
        reverse("api-token"), {"username": "dana", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert "two-step login" in response.json()["detail"]
    assert not Token.objects.filter(user=clinician).exists()


def test_the_code_page_refuses_an_outside_next(client, clinician, enrolled):
    client.post(reverse("logout"))
    _login(client, "dana", PASSWORD)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=enrolled.step)):
        response = client.post(
            reverse("account:two_factor_verify"),
            {"code": _code(enrolled), "next": "https://evil.example/"},
        )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_people_without_a_second_factor_are_not_asked(client, physio, enrolled):
    client.post(reverse("logout"))
    _login(client, "sam", PASSWORD)
    assert client.get(reverse("clinic:cases")).status_code == 200


def test_turning_it_off_needs_a_current_code(client, clinician, enrolled):
    url = reverse("account:two_factor")
    assert client.post(url, {"code": "000000"}).status_code == 400
    assert TOTPDevice.objects.filter(user=clinician).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=enrolled.step)):
        assert client.post(url, {"code": _code(enrolled)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    client.post(reverse("logout"))
    _login(client, "dana", PASSWORD)
    assert client.get(reverse("clinic:cases")).status_code == 200


def test_turned_off_elsewhere_means_not_asked_here(client, clinician, enrolled):
    client.post(reverse("logout"))
    _login(client, "dana", PASSWORD)
    TOTPDevice.objects.filter(user=clinician).delete()  # e.g. an administrator removed it
    first = client.get(reverse("clinic:cases"))
    assert first.status_code == 302  # the session still remembers it was on
    assert client.get(first["Location"]).status_code == 302  # the code page lets them through
    assert client.get(reverse("clinic:cases")).status_code == 200


def test_integration_accounts_have_no_second_factor_page(client, db):
    client.force_login(UserFactory(username="feed", kind="integration"))
    assert client.get(reverse("account:two_factor")).status_code == 403


# --- security headers ---------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.I)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_a_strict_content_security_policy(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("clinic:cases"))
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "page", ["clinic:case", "coach:athlete", "athlete:progress", "api-docs", "login"]
)
def test_inline_scripts_carry_the_nonce_of_the_policy(
    client, clinical_case, case, clinician, coach, athlete_user, page
):
    """Plotly's charts draw with an inline script: it carries the response's nonce, and no
    inline script goes without one (the browser tests show that the pages still work)."""
    who = {"coach:athlete": coach, "athlete:progress": athlete_user}.get(page, clinician)
    if page != "login":
        client.force_login(who)
    url = reverse(page, args=[case.pk]) if page in {"clinic:case", "coach:athlete"} else None
    response = client.get(url or reverse(page))
    assert response.status_code == 200
    body = response.content.decode()
    inline = INLINE_SCRIPT.findall(body)
    nonces = {m.group(1) for m in re.finditer(r'nonce="([^"]+)"', body)}
    if page in {"clinic:case", "coach:athlete", "athlete:progress"}:
        assert "Plotly.newPlot" in body and nonces
    for attributes in inline:
        if "application/json" in attributes or "application/ld+json" in attributes:
            continue  # data, not code
        assert "nonce=" in attributes, f"an inline script without a nonce: <script{attributes}>"
    for nonce in nonces:
        assert f"'nonce-{nonce}'" in _policy(response)["script-src"]


def test_the_api_docs_script_comes_from_the_server(client):
    page = client.get(reverse("api-docs"))
    assert "?script" in page.content.decode()
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_text_from_users_never_gets_the_nonce(client, clinical_case, case, clinician):
    """Only Plotly's own scripts get the nonce: a note that imitates a chart stays text."""
    from monitoring.models import DailyLog, Flag

    payload = (
        '<div id="00000000-0000-0000-0000-000000000000" class="plotly-graph-div" style="">'
        "</div><script>alert(1)</script>"
    )
    DailyLog.objects.filter(athlete=case.athlete).update(note=payload, pain_location=payload)
    Flag.objects.filter(case=case).update(title=payload)  # the flag's title is on the page
    client.force_login(clinician)
    body = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # on the page, as text
    charts = body.count('class="plotly-graph-div"')
    assert charts >= 2
    assert body.count("<script nonce=") == charts
