"""The access log: every look at a case's clinical data, by whom, when, what and from where.

Written by ``athletes.services.access.record_access`` (at most one row per request), read by the
lead clinician on the case's record page and by the athlete on their sharing page, kept for
``settings.REHAB_ACCESS_LOG_DAYS`` days (``athletes.tasks.prune_access_records``, nightly).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessRecord(models.Model):
    """One look at an athlete's clinical data (a page, an API answer, an export)."""

    class What(models.TextChoices):
        CASE_PAGE = "case_page", "Case page"
        TIMELINE = "timeline", "Notes and timeline"
        RECORD = "record", "Record of changes"
        PRIVACY = "privacy", "Sharing and data rights"
        PLAN = "plan", "Plan builder"
        REPLAY = "replay", "Plan replay"
        API = "api", "API"
        FHIR = "fhir", "FHIR export"
        EXPORT = "export", "Export of all data"
        NOTES_CSV = "notes_csv", "Notes export (CSV)"
        PRINT = "print", "Printed plan summary or letter"

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="access_records"
    )
    case = models.ForeignKey(
        "athletes.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_records",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    who = models.CharField(max_length=160, help_text="The reader, as named then.")
    role = models.CharField(max_length=20, blank=True, help_text="Their role on the case then.")
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=12, choices=What.choices)
    path = models.CharField(max_length=300)
    ip = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["athlete", "-at"], name="access_by_athlete"),
            models.Index(fields=["case", "-at"], name="access_by_case"),
            models.Index(fields=["at"], name="access_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.who} read {self.get_what_display().lower()} at {self.at:%Y-%m-%d %H:%M}"
