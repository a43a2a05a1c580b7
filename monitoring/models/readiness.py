"""Psychological readiness questionnaires answered item by item: TSK-11 (fear of movement and
re-injury, 11 items scored 1-4, total 11-44, higher is more fear) and I-PRRS (Glazer, J Athl
Train 2009;44:185-9: six items 0-100, total = sum / 10, 0-60).

The total is computed from the items (``monitoring.care.readiness_rules``), never typed. A
complete questionnaire also records its total as an ``Assessment`` (``tsk11`` or
``readiness_iprrs``), which the plan's criteria read; an incomplete one keeps its items and no
total, so no rule ever reads it as a score.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from athletes.models import Case
from rehab.db import MovesUpdatedAt


class ReadinessQuestionnaire(MovesUpdatedAt, models.Model):
    class Instrument(models.TextChoices):
        TSK11 = "tsk11", "TSK-11 fear of movement (11–44)"
        IPRRS = "readiness_iprrs", "I-PRRS psychological readiness (0–60)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="readiness_answers")
    instrument = models.CharField(max_length=20, choices=Instrument.choices)
    date = models.DateField()
    items = models.JSONField(help_text="The answers in the questionnaire's order; null: missing.")
    total = models.FloatField(null=True, blank=True, help_text="Null: incomplete.")
    assessment = models.OneToOneField(
        "monitoring.Assessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questionnaire",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["case", "instrument", "date"])]

    def __str__(self) -> str:
        total = "incomplete" if self.total is None else f"{self.total:g}"
        return f"{self.get_instrument_display()}: {total} on {self.date}"

    @property
    def complete(self) -> bool:
        return self.total is not None
