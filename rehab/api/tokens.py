"""Personal API tokens (DRF's, one per account): ``POST /api/v1/auth/token/`` exchanges a
username and password for the account's token, and a token expires ``REHAB_API_TOKEN_DAYS``
after it was made (an expired one is a 401 saying so; its owner makes a new one)."""

from __future__ import annotations

from django.db import transaction
from django_otp import user_has_device
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from rehab.api_auth import ExpiringTokenAuthentication, token_expired, token_expires_at

__all__ = [
    "ExpiringTokenAuthentication",
    "TokenResponseSerializer",
    "TokenView",
    "token_expired",
    "token_expires_at",
    "token_for",
    "token_renew",
    "token_revoke",
]
from rehab.api_conventions import AnonRateThrottle, ScopedRateThrottle


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expires_at = serializers.DateTimeField(
        help_text="When the token stops working (`REHAB_API_TOKEN_DAYS` after it was made)."
    )


def token_for(user) -> Token:
    """The account's token, a new one if it had none or its own has expired."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        return token or Token.objects.create(user=user)


def token_renew(user) -> Token:
    """A new token for the account; the old one (if any) stops working at once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def token_revoke(user) -> bool:
    """The account's token stops working; False if it had none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@extend_schema(
    summary="Get your API token",
    description="Exchange a username and password for the account's token (the same token "
    "every time until it expires, `REHAB_API_TOKEN_DAYS` after it was made, 90 by default, or "
    "is revoked on the account page; then a new one). Integration accounts use OAuth2 instead: "
    "their client asks `POST /api/v1/oauth/token/` for an hour's access token with scopes "
    "(client credentials grant; the clinic administrator makes the client). Limited to a "
    "few attempts an hour per address.",
    request=AuthTokenSerializer,
    responses={200: TokenResponseSerializer},
    tags=["auth"],
    examples=[
        OpenApiExample(
            "Credentials",
            value={"username": "dana", "password": "correct horse battery staple"},
            request_only=True,
        ),
        OpenApiExample(
            "The token",
            value={
                "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
                "expires_at": "2027-03-06T09:00:00Z",
            },
            response_only=True,
        ),
        OpenApiExample(
            "Wrong password",
            value={
                "detail": "Invalid input.",
                "errors": {"non_field_errors": ["Unable to log in with provided credentials."]},
            },
            response_only=True,
            status_codes=["400"],
        ),
    ],
)
class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/``: DRF's token exchange, throttled (password guessing)."""

    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "token"

    def get_serializer_context(self):
        # django-axes counts failed logins and marks a lockout on the request it is handed:
        # hand it Django's own request, which its middleware then answers with a 429.
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user_has_device(user, confirmed=True):
            # A password alone must not open what two-step login protects.
            raise PermissionDenied(
                "This account uses two-step login; API tokens are for integration accounts."
            )
        token = token_for(user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})
