"""The frozen install of the shipped templates that migrations 0002 and 0007 share: a copy of
the install service and the snapshot it reads (shipped_templates_0007.json), never the library
or the service themselves, so that later edits to either never change what a migration installs.
Django's migration loader skips modules whose name starts with an underscore."""

import json
from pathlib import Path

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
