"""A webhook endpoint's signing secret kept encrypted at rest (``rehab.crypto``): the column
becomes text holding a Fernet token, and the secrets written before are encrypted in place (by
raw SQL: the model's field would try to decrypt them). Backwards, they are decrypted again."""

from django.db import migrations

import monitoring.models.fields
from rehab import crypto

TABLE = "monitoring_webhookendpoint"


def _rewrite(schema_editor, change, wanted) -> None:
    connection = schema_editor.connection
    table = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")  # noqa: S608 — the table's own name
        for pk, secret in cursor.fetchall():
            if wanted(secret):
                cursor.execute(
                    f"UPDATE {table} SET secret = %s WHERE id = %s",  # noqa: S608
                    [change(secret), pk],
                )


def encrypt(apps, schema_editor):
    _rewrite(schema_editor, crypto.encrypt, lambda secret: not crypto.is_token(secret))


def decrypt(apps, schema_editor):
    _rewrite(schema_editor, crypto.decrypt, crypto.is_token)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0030_flag_evaluation_as_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=monitoring.models.fields.EncryptedTextField(
                help_text="The signing secret, encrypted at rest (rehab.crypto)."
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
