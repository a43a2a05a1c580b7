"""``POST /api/v1/auth/token/``: a username and password exchanged for the account's token."""

from __future__ import annotations

from django_otp import user_has_device
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from rehab.api_conventions import AnonRateThrottle, ScopedRateThrottle


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


@extend_schema(
    summary="Get your API token",
    description="Exchange a username and password for the account's token (the same token "
    "every time, until an administrator revokes it). Integration accounts usually get theirs "
    "from an administrator instead (`manage.py drf_create_token <username>`). Limited to a "
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
            value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
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
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
