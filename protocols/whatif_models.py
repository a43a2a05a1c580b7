"""A template draft tried on past cases before it is published (docs/whatif.md).

Kept with the draft: each run records who asked, its progress, and its results per case, so
the page can show them while the task runs and after. Nothing here changes a plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TemplateTrial(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PARTIAL = "partial", "Stopped at the time limit"
        FAILED = "failed", "Failed"

    FINISHED = frozenset({Status.DONE, Status.PARTIAL, Status.FAILED})

    template = models.ForeignKey(
        "protocols.ProtocolTemplate", on_delete=models.CASCADE, related_name="trials"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    risk = models.CharField(max_length=4, help_text="The site risk class of the cases tried.")
    cases_total = models.PositiveIntegerField(default=0)
    cases_done = models.PositiveIntegerField(default=0)
    # [{"case": id, "athlete": name, "site": label, "status": ..., "phases": [PhaseTrial...]}]
    results = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Trial of {self.template} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.cases_done / self.cases_total) if self.cases_total else 0
