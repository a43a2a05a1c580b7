"""Integration accounts and their OAuth2 clients, made and revoked by a clinic administrator.

An integration account is a ``User`` of kind ``integration`` in the administrator's clinic, with
no password (it never signs in to the pages); its OAuth2 application (django-oauth-toolkit,
confidential, client credentials grant) asks ``POST /api/v1/oauth/token/`` for access tokens.
DOT keeps only a hash of the client secret: the secret is shown once, when it is made. The
account reaches the cases of the teams it is granted (``IntegrationGrant``), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, clear_expired, get_application_model
from rest_framework.authtoken.models import Token

from athletes import permissions
from athletes.models import IntegrationGrant, Team, User
from rehab.errors import ApplicationError

Application = get_application_model()


@dataclass(frozen=True)
class IssuedClient:
    """What the administrator is shown once: the account, its client id and its secret."""

    user: User
    client_id: str
    client_secret: str


def integrations_of_clinic(*, clinic_id: int):
    """The clinic's active integration accounts, with their OAuth2 clients and granted teams."""
    return (
        User.objects.filter(clinic_id=clinic_id, kind=User.Kind.INTEGRATION, is_active=True)
        .prefetch_related("oauth2_provider_application", "integration_grants__team")
        .order_by("first_name", "username")
    )


@transaction.atomic
def integration_create(*, name: str, teams: list[Team], created_by: User) -> IssuedClient:
    """An integration account named ``name`` granted ``teams``, and its OAuth2 client."""
    if not permissions.can_administer_clinic(created_by):
        raise ApplicationError("Only the clinic's administrators add integrations.")
    name = name.strip()
    if not name:
        raise ApplicationError("Name the integration.", {"name": "Name the integration."})
    if any(team.clinic_id != created_by.clinic_id for team in teams):
        raise ApplicationError("Grant your clinic's teams only.", {"teams": "Not your team."})
    username = f"integration-{slugify(name)[:60] or 'client'}-{get_random_string(6).lower()}"
    user = User(
        username=username,
        first_name=name[:150],
        kind=User.Kind.INTEGRATION,
        clinic_id=created_by.clinic_id,
    )
    user.set_unusable_password()
    user.save()
    for team in teams:
        IntegrationGrant.objects.create(user=user, team=team, granted_by=created_by)
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name[:255],
        user=user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save; this is the only time it is known
    )
    return IssuedClient(user=user, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def integration_revoke(*, user: User, by: User) -> None:
    """The account stops working at once: its clients, their tokens and any personal token go,
    and the account is deactivated (its records and their history stay)."""
    if not permissions.can_administer_clinic(by) or user.clinic_id != by.clinic_id:
        raise ApplicationError("Only the clinic's administrators revoke its integrations.")
    if user.kind != User.Kind.INTEGRATION:
        raise ApplicationError("Not an integration account.")
    AccessToken.objects.filter(user=user).delete()
    AccessToken.objects.filter(application__user=user).delete()
    Application.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(is_active=False)


def expired_tokens_forget() -> None:
    """Nightly: delete the OAuth2 access tokens (and any grants or refresh tokens) past their
    expiry, with django-oauth-toolkit's own ``clear_expired`` (what its ``cleartokens``
    command runs). An expired token is already refused; this keeps the table to live ones."""
    clear_expired()
