"""Install the protocol templates shipped with the product, from a frozen snapshot stored next
to the migrations (shipped_templates_0007.json: the library as 0007 left it, so that a new
database gets the same templates whichever way it is migrated)."""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone


SNAPSHOT = Path(__file__).with_name("shipped_templates_0007.json")


def install_snapshot(template_model, phase_model) -> None:
    """Install the templates of the frozen snapshot that are not there yet (a frozen copy of
    the install service: later edits to the library or the service never change it).
    Installing a new version of a slug retires the published one."""
    now = timezone.now()
    for spec in json.loads(SNAPSHOT.read_text(encoding="utf-8")):
        if template_model.objects.filter(slug=spec["slug"], version=spec["version"]).exists():
            continue
        template_model.objects.filter(slug=spec["slug"], status="published").update(
            status="retired"
        )
        phases = spec.pop("phases")
        template = template_model.objects.create(
            **spec, status="published", shipped=True, published_at=now
        )
        for order, phase in enumerate(phases, start=1):
            phase_model.objects.create(template=template, order=order, **phase)


def install(apps, schema_editor):
    install_snapshot(
        apps.get_model("protocols", "ProtocolTemplate"),
        apps.get_model("protocols", "PhaseTemplate"),
    )


def uninstall(apps, schema_editor):
    template = apps.get_model("protocols", "ProtocolTemplate")
    template.objects.filter(shipped=True, plans__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
