"""How the API authenticates: expiring personal tokens, and integrations' OAuth2 access
tokens (django-oauth-toolkit, client credentials grant) with the scopes that limit what such a
token may do.

An integration account's OAuth2 client asks ``POST /api/v1/oauth/token/`` for an access token
with some of the scopes of ``settings.OAUTH2_PROVIDER["SCOPES"]`` and sends it as
``Authorization: Bearer <token>``. A token's scopes only narrow what its account may do: the
account's cases are the same however it authenticates (``athletes.api_scopes``), and personal
tokens and sessions carry no scopes (``TokenScopes`` lets them through).

Which scope an action needs is declared by its view: ``required_scopes`` maps an action
(``create``, ``bulk``, ``files``...) to a scope; any other read needs ``read``, and any other
write is refused to every OAuth2 token (deny by default).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication as _OAuth2Authentication
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework import exceptions, permissions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

READ = "read"
WRITE_LOGS = "write:logs"
WRITE_SESSIONS = "write:sessions"
WRITE_METRICS = "write:metrics"
INVITATIONS = "invitations"

TOKEN_URL = "/api/v1/oauth/token/"  # noqa: S105 (an address)

# This module is named in settings.REST_FRAMEWORK: it must not import DRF's views (nor
# rehab.api, which does), whose APIView reads those settings when it is defined.


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"


class InvalidToken(exceptions.AuthenticationFailed):
    default_code = "invalid_token"  # RFC 6750's name for it


# --- personal tokens ---------------------------------------------------------------------------


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.REHAB_API_TOKEN_DAYS)


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + token_lifetime()


def token_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than ``REHAB_API_TOKEN_DAYS`` is refused."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise TokenExpired(
                f"This API token expired on {token_expires_at(token):%Y-%m-%d %H:%M} UTC. Make "
                "a new one on your account page, or POST /api/v1/auth/token/.",
            )
        return user, token


# --- integrations' OAuth2 access tokens --------------------------------------------------------


class OAuth2Authentication(_OAuth2Authentication):
    """DOT's bearer-token authentication, as the account that owns the client; a bearer token
    it does not accept (unknown, revoked or expired) is a 401 that says so, not "credentials
    were not provided"."""

    def authenticate(self, request):
        # Only an ``Authorization: Bearer`` header is read (never a token in the body or the
        # query): DOT reads the request's form body, which would parse any other request's
        # body before its credentials are checked (an anonymous upload: a 415, not a 401).
        if not _bearer(request):
            return None
        result = super().authenticate(request)
        if result is None:
            raise InvalidToken(
                "This access token is unknown, revoked or expired: ask "
                f"{TOKEN_URL} for a new one (access tokens last an hour)."
            )
        user, token = result
        # A client-credentials token is the client's own (DOT stores no user on it): it acts
        # as the integration account that owns the client.
        if user is None and token.application_id is not None:
            user = token.application.user
        if user is None or not user.is_active:
            raise InvalidToken("This access token's account is disabled.")
        return user, token


def _bearer(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return header[:7].lower() == "bearer "


class TokenScopes(TokenHasScope):
    """An OAuth2 access token acts only within its scopes: 403 with the scope it lacks.

    Personal tokens (``Authorization: Token``) and sessions are not scoped: they pass.
    """

    def has_permission(self, request, view) -> bool:
        from oauth2_provider.models import AccessToken

        token = request.auth
        if not isinstance(token, AccessToken):
            return True
        needed = self.get_scopes(request, view)
        if needed and token.allow_scopes(needed):
            return True
        if needed:
            reason = f"This access token lacks the scope {' '.join(needed)}."
        else:
            reason = "Integrations' access tokens cannot do this, whatever their scopes."
        raise exceptions.PermissionDenied(
            {"detail": reason, "code": "insufficient_scope", "errors": {"scope": [reason]}}
        )

    def get_scopes(self, request, view) -> list[str]:
        declared = getattr(view, "required_scopes", None) or {}
        action = getattr(view, "action", None)
        if action in declared:
            return [declared[action]]
        if request is not None and request.method in permissions.SAFE_METHODS:
            return [READ]
        return []
