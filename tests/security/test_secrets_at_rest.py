"""A webhook endpoint's signing secret is kept encrypted at rest (``rehab.crypto``): a copy of
the database does not give it away, the app still signs with it, the keys rotate, and the
migration encrypts the secrets written before it (and decrypts them going back)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from standardwebhooks.webhooks import Webhook

from monitoring.models import WebhookEndpoint
from monitoring.webhooks.services import endpoint_create
from rehab import crypto
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def stored(endpoint: WebhookEndpoint) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM monitoring_webhookendpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def endpoint():
    account = UserFactory(username="watch-sync", kind="integration")
    return endpoint_create(by=account, url="https://example.org/hook", events=["flag.opened"])


def test_the_column_holds_a_token_and_the_app_signs_with_the_secret(endpoint):
    secret = endpoint.secret
    assert secret.startswith("whsec_")
    raw = stored(endpoint)
    assert secret not in raw and secret.removeprefix("whsec_") not in raw
    assert crypto.is_token(raw) and crypto.decrypt(raw) == secret
    again = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert again.secret == secret
    # what the receiver verifies with the secret it was shown once
    import datetime as dt

    body = '{"type": "flag.opened"}'
    at = dt.datetime.now(dt.UTC)
    signature = Webhook(again.secret).sign("msg_1", at, body)
    Webhook(secret).verify(
        body,
        {
            "webhook-id": "msg_1",
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature,
        },
    )


def test_keys_rotate_and_a_wrong_key_reads_nothing(endpoint, settings):
    secret = endpoint.secret
    old = crypto.new_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    call_command("reencrypt_secrets", verbosity=0)
    under_old = stored(endpoint)
    new = crypto.new_key()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # the new key first, the old one still read
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret
    call_command("reencrypt_secrets", verbosity=0)
    assert stored(endpoint) != under_old
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key dropped
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret
    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key()]
    with pytest.raises(crypto.InvalidToken):
        WebhookEndpoint.objects.get(pk=endpoint.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_secrets_written_before_it_and_back():
    account = UserFactory(username="watch-sync", kind="integration")
    before, encrypted = (
        [("monitoring", "0030_flag_evaluation_as_text")],
        [("monitoring", "0031_webhook_secret_encrypted")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    plain = "whsec_" + "A" * 44
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_webhookendpoint (owner_id, url, description, events, secret,"
            " is_active, disabled_reason, consecutive_failures, created_at, updated_at)"
            " VALUES (%s, 'https://example.org/h', '', '[]', %s, true, '', 0, now(), now())"
            " RETURNING id",
            [account.pk, plain],
        )
        pk = cursor.fetchone()[0]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(encrypted)
    endpoint = WebhookEndpoint.objects.get(pk=pk)
    assert crypto.is_token(stored(endpoint)) and endpoint.secret == plain
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM monitoring_webhookendpoint WHERE id = %s", [pk])
        assert cursor.fetchone()[0] == plain
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
