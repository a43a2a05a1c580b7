"""Optional menstrual-cycle logging: the athlete's consent and the days their periods started.

Off by default: without a ``CycleConsent`` row given, nothing is logged, shown or used. The
athlete turns it on and off on their phone (``history`` keeps who and when); while it is off
the entries stay hidden from everyone and no screen reads them. Only the clinical team reads
them (``athletes.permissions.can_read_cycle``), never coaches.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from athletes.models.people import Athlete


class CycleConsent(models.Model):
    athlete = models.OneToOneField(Athlete, on_delete=models.CASCADE, related_name="cycle_consent")
    given = models.BooleanField(default=False)
    since = models.DateField(
        null=True, blank=True, help_text="The day logging was first turned on."
    )
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.athlete}: cycle logging {'on' if self.given else 'off'}"


class PeriodStart(models.Model):
    """The first day of one period, as the athlete logged it."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="period_starts")
    started_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "started_on"], name="one_period_start_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.athlete}: period started {self.started_on:%Y-%m-%d}"
