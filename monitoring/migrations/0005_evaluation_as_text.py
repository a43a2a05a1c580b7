"""The latest evaluation of each case stored as JSON text (``JSONTextField``), not ``jsonb``.

The nightly run rewrites one document of about 4.5 KB per active case; ``jsonb`` parsed and
rebuilt each of them on the way in, two thirds of the upsert's server time. Nothing queries
inside these documents. Changing the column's type drops its compression setting on
PostgreSQL, so LZ4 is set again (as in 0004, where the server has it).
"""

from django.db import migrations

import monitoring.models


def _set_compression(method: str):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                "AND %s = ANY(enumvals)",
                [method],
            )
            if cursor.fetchone() is None:
                return
            cursor.execute(
                "ALTER TABLE monitoring_caseevaluation ALTER COLUMN evaluation "
                f"SET COMPRESSION {method}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_evaluation_lz4")]

    # Each change of type resets the compression: set after the change, either way.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, _set_compression("lz4"), elidable=True),
        migrations.AlterField(
            model_name="caseevaluation",
            name="evaluation",
            field=monitoring.models.JSONTextField(),
        ),
        migrations.RunPython(_set_compression("lz4"), migrations.RunPython.noop, elidable=True),
    ]
