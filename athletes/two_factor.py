"""The optional second factor: a time-based one-time code (TOTP, RFC 6238) from an
authenticator app, through django-otp.

- ``/account/two-factor/``: turn it on (a QR code, and the secret as text for apps that cannot
  scan) by confirming a first code; turn it off with a current code.
- ``/account/two-factor/verify/``: after the password, a person who turned it on enters a code.
- ``RequireVerifiedMiddleware``: until they have, such a person reaches no page (they are sent to
  the code page) and no API endpoint through their browser session (403). People who did not turn
  it on are not asked. API tokens are for integrations and stay as they are.

Whether the person turned it on is read once at login into the session, so pages pay no query
for it. At the same moment, a clinician's or physiotherapist's session is set to end when the
browser closes (as well as after 12 hours).
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from athletes.models import User

SESSION_KEY = "rehab_two_factor"
"""True in the session of a person who turned the second factor on."""

EXEMPT_PREFIXES = ("/static/", "/login/", "/logout/", "/account/two-factor/verify/", "/healthz")
"""What a person who still owes their code may reach: the way in, and the way out."""


def may_enrol(user) -> bool:
    """People who log in on the site; integration accounts use API tokens."""
    return user.is_authenticated and user.kind != User.Kind.INTEGRATION


CLINICAL_KINDS = frozenset({User.Kind.CLINICIAN, User.Kind.PHYSIO})
"""People whose session also ends when the browser closes (shared clinic computers)."""


@receiver(user_logged_in, dispatch_uid="rehab-two-factor-login")
def _remember_enrolment(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = user_has_device(user, confirmed=True)
        if user.kind in CLINICAL_KINDS:
            # a browser-session cookie; the server still ends the session after
            # SESSION_COOKIE_AGE (12 h)
            request.session.set_expiry(0)


class RequireVerifiedMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: a person who turned the second factor on
    and has not entered a code in this session is sent to the code page (pages) or refused
    (the API through the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and not self._verified(request):
            if not request.path.startswith(EXEMPT_PREFIXES):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Enter the code from your authenticator app first."},
                        status=403,
                    )
                verify = reverse("account:two_factor_verify")
                return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _verified(request: HttpRequest) -> bool:
        user = request.user
        return not user.is_authenticated or user.is_verified()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The code is made of digits only.")
        return code


def _confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _pending(user) -> TOTPDevice:
    """The device being set up (unconfirmed), created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _check(device: TOTPDevice, form: CodeForm) -> bool:
    """django-otp slows down repeated wrong codes (throttling) on the device itself."""
    if not form.is_valid():
        return False
    if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["code"]):
        return True
    form.add_error("code", "That code is not right, or it has expired. Try the current one.")
    return False


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (confirm a first code) or off (with a current code)."""
    if not may_enrol(request.user):
        raise PermissionDenied("Integration accounts use API tokens.")
    confirmed = _confirmed(request.user)
    form = CodeForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and _check(confirmed, form):
            TOTPDevice.objects.filter(user=request.user).delete()
            request.session[SESSION_KEY] = False
            messages.success(request, "Two-step login is off. Your password alone logs you in.")
            return redirect("account:two_factor")
        status = 400 if form.is_bound and form.errors else 200
        return render(
            request, "registration/two_factor.html", {"on": True, "form": form}, status=status
        )
    with transaction.atomic():
        device = _pending(request.user)
    if request.method == "POST" and _check(device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        Token.objects.filter(user=request.user).delete()  # a password alone opens nothing now
        otp_login(request, device)
        request.session[SESSION_KEY] = True
        messages.success(request, "Two-step login is on. You will be asked for a code each time.")
        return redirect("account:two_factor")
    qr = segno.make(device.config_url, error="m")
    context = {
        "on": False,
        "form": form,
        "qr": qr.svg_data_uri(scale=5, border=2),
        "secret": " ".join(_groups(b32encode(device.bin_key).decode())),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "registration/two_factor.html", context, status=status)


def _groups(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password, for people who turned the second factor on."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    device = _confirmed(request.user)
    if device is None:  # turned off meanwhile (in another session): nothing to ask
        request.session[SESSION_KEY] = False
        return redirect(target or "home")
    if request.user.is_verified():
        return redirect(target or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _check(device, form):
        otp_login(request, device)
        return redirect(target or "home")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": target},
        status=status,
    )
