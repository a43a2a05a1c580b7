"""The owner's personal API token on the account page: when it was made and expires, a new
one (shown once on the page that made it), and revoking it.

DRF's tokens are one per account (``rest_framework.authtoken``): making a new one ends the old.
Accounts with two-step login get none, as from ``POST /api/v1/auth/token/``: a token alone would
open what the second step protects.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from rest_framework.authtoken.models import Token

from rehab.api.tokens import token_expired, token_expires_at, token_renew, token_revoke


def token_context(user) -> dict:
    """What the account page shows of the user's token (none: ``api_token`` is None)."""
    token = Token.objects.filter(user=user).first()
    return {
        "api_token": token,
        "api_token_expires_at": token_expires_at(token) if token else None,
        "api_token_expired": token_expired(token) if token else False,
        "api_token_allowed": not user_has_device(user, confirmed=True),
    }


@never_cache
@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user, confirmed=True):
        messages.error(
            request, "This account uses two-step login; API tokens are for integration accounts."
        )
        return redirect("account:home")
    token = token_renew(request.user)
    context = {**token_context(request.user), "new_key": token.key}
    return render(request, "account/home.html", context)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    if token_revoke(request.user):
        messages.success(request, "Your API token is revoked: it no longer works.")
    else:
        messages.info(request, "You had no API token.")
    return redirect("account:home")
