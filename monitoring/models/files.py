"""The activity files athletes and integrations upload: what was sent, by whom, and the session
it became. The file's bytes are not kept, only its SHA-256, which makes a repeat upload of the
same file answer with the session it already made."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from athletes.models import Athlete
from monitoring.models.records import ActivitySession


class ActivityFile(models.Model):
    class Format(models.TextChoices):
        FIT = "fit", "FIT"
        GPX = "gpx", "GPX"
        TCX = "tcx", "TCX"

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="activity_files")
    session = models.ForeignKey(ActivitySession, on_delete=models.CASCADE, related_name="files")
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=3, choices=Format.choices)
    size = models.PositiveIntegerField(help_text="Bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "sha256"], name="one_file_per_athlete_hash")
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} file {self.original_name or self.sha256[:12]}"
