"""The shipped run-walk programmes (protocols/library/data/programmes.yaml, installed by
``manage.py install_programmes`` and, for a new database, by a data migration with a frozen
copy). A plan phase copies one into ``PlanPhase.programme`` and may edit its copy; the engine
reads the copy (``protocols.engine.programme``)."""

from __future__ import annotations

from django.db import models


class RunProgramme(models.Model):
    """One version of a shipped programme; the latest version of a slug is the one offered."""

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    # The programme's data as the engine reads it (protocols.engine.programme.validate).
    data = models.JSONField()
    # Template slugs whose walk-run phases start with this programme; ``default``: the others'.
    default_for = models.JSONField(default=list, blank=True)
    default = models.BooleanField(default=False)
    installed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="programme_slug_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
