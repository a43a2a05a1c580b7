"""A flag's evaluation stored as JSON text (``JSONTextField``), as a case's latest evaluation
is since 0005, not ``jsonb``.

A flag carries the evaluation that raised it, a document of about 5 KB; a first night that
opens many flags had the server parse each into ``jsonb`` and rebuild it, for the flag and its
history row, and nothing queries inside it (measured with the documents of a first night of
2,000 cases: inserted as text, 0.025 to 0.037 s of the server's time where ``jsonb`` took 0.055
to 0.093 s). Changing the column's type drops its compression setting on PostgreSQL, so LZ4 is
set again with 0004's own step.
"""

import importlib

from django.db import migrations

import monitoring.models.fields

_set_compression = importlib.import_module(
    "monitoring.migrations.0004_evaluation_lz4"
)._set_compression


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0029_assessment_answers")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _set_compression("lz4"), elidable=True),
        migrations.AlterField(
            model_name="flag",
            name="evaluation",
            field=monitoring.models.fields.JSONTextField(
                help_text="The evaluation that raised or last updated it."
            ),
        ),
        migrations.AlterField(
            model_name="historicalflag",
            name="evaluation",
            field=monitoring.models.fields.JSONTextField(
                help_text="The evaluation that raised or last updated it."
            ),
        ),
        migrations.RunPython(_set_compression("lz4"), migrations.RunPython.noop, elidable=True),
    ]
