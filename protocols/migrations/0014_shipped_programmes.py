"""Install the shipped run-walk programmes from a frozen snapshot stored next to the migrations
(shipped_programmes_0011.json: protocols/library/data/programmes.yaml as this migration left it),
and give the walk-run phases of the plans not finished yet their own copy of the programme their
template starts with (OUH 2024 for the conservative tibia template, else Gallatin & Graver 2019).
Later edits to the library or the services never change what this installs."""

import json
from pathlib import Path

from django.db import migrations

SNAPSHOT = Path(__file__).with_name("shipped_programmes_0011.json")


def install(apps, schema_editor):
    programme = apps.get_model("protocols", "RunProgramme")
    phase = apps.get_model("protocols", "PlanPhase")
    items = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for item in items:
        if not programme.objects.filter(slug=item["slug"], version=item["version"]).exists():
            programme.objects.create(**item)
    default = next(item["data"] for item in items if item["default"])
    by_template = {slug: item["data"] for item in items for slug in item["default_for"]}
    phases = phase.objects.filter(
        programme__isnull=True, plan__status__in=["draft", "active"], ended_on__isnull=True
    ).select_related("plan__template")
    for row in phases:
        if not any(rx.get("activity") == "walk_run" for rx in row.prescriptions or []):
            continue
        slug = row.plan.template.slug if row.plan.template_id else None
        row.programme = by_template.get(slug, default)
        row.save(update_fields=["programme"])


def uninstall(apps, schema_editor):
    apps.get_model("protocols", "RunProgramme").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("protocols", "0013_run_programmes")]
    operations = [migrations.RunPython(install, uninstall)]
