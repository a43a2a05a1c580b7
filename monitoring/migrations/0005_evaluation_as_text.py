"""The latest evaluation of each case stored as JSON text (``JSONTextField``), not ``jsonb``.

The nightly run rewrites one document of about 4.5 KB per active case; ``jsonb`` parsed and
rebuilt each of them on the way in, two thirds of the upsert's server time. Nothing queries
inside these documents. Changing the column's type drops its compression setting on
PostgreSQL, so LZ4 is set again with 0004's own step (where the server has it).
"""

import importlib

from django.db import migrations

import monitoring.models

# The compression setting of 0004 (LZ4 where the server has it; both stored-evaluation columns).
_set_compression = importlib.import_module(
    "monitoring.migrations.0004_evaluation_lz4"
)._set_compression


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
