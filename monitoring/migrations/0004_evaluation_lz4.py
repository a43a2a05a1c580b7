"""Stored evaluations: LZ4 compression on PostgreSQL, and inserted as plain values.

Every night each active case's latest evaluation (a JSON document of about 4 KB, stored out of
line) is rewritten; PostgreSQL's default compression (pglz) cost the server about a third of the
upsert's time. LZ4 compresses several times faster. Only new values are compressed with it; a
server built without LZ4 keeps its default, which changes nothing the application sees.

The columns become ``DocumentField``: many-row inserts of them use a multi-row ``VALUES`` (see
the field); the column type does not change.
"""

from django.db import migrations

import monitoring.models

COLUMNS = (("monitoring_caseevaluation", "evaluation"), ("monitoring_flag", "evaluation"))


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
            quote = schema_editor.quote_name
            for table, column in COLUMNS:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                    f"SET COMPRESSION {method}"
                )

    return apply


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_care_notes_reviews_goals_education")]

    operations = [
        migrations.RunPython(_set_compression("lz4"), _set_compression("pglz"), elidable=True),
        migrations.AlterField(
            model_name="caseevaluation",
            name="evaluation",
            field=monitoring.models.DocumentField(),
        ),
        migrations.AlterField(
            model_name="flag",
            name="evaluation",
            field=monitoring.models.DocumentField(
                help_text="The evaluation that raised or last updated it."
            ),
        ),
        migrations.AlterField(
            model_name="historicalflag",
            name="evaluation",
            field=monitoring.models.DocumentField(
                help_text="The evaluation that raised or last updated it."
            ),
        ),
    ]
