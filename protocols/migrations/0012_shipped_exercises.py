"""Install the shipped exercise library as it shipped then (shipped_exercises_0011.json, a
frozen copy: later edits to the library's data never change what this migration installs;
``manage.py install_exercises`` brings a database up to date)."""

import json
from pathlib import Path

from django.db import migrations

SNAPSHOT = Path(__file__).with_name("shipped_exercises_0011.json")


def install(apps, schema_editor):
    Exercise = apps.get_model("protocols", "Exercise")
    for fields in json.loads(SNAPSHOT.read_text(encoding="utf-8")):
        if not Exercise.objects.filter(key=fields["key"]).exists():
            Exercise.objects.create(**fields, shipped=True)


class Migration(migrations.Migration):
    dependencies = [("protocols", "0011_exercise_library")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
