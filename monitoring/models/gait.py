"""A clinician's gait checklist: an observed run or walk, dated, by whom, with its history.

Clinical (coaches never see it, ``athletes.permissions.can_view_gait_checks``). Charted on the
case page; not a gate: no criterion reads it (clinical.md §8, no validated thresholds).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from athletes.models import Case
from rehab.db import MovesUpdatedAt

# What a clinician looks for (each a yes/no on the form and in the API), in the form's order.
OBSERVATIONS: tuple[tuple[str, str], ...] = (
    ("overstriding", "Overstriding (foot lands well ahead of the hip)"),
    ("crossover", "Crossover gait (feet cross the midline)"),
    ("heel_strike", "Heavy heel strike"),
    ("hip_drop", "Hip drop on the stance side"),
    ("asymmetry", "Visible asymmetry between sides"),
)


class GaitCheck(MovesUpdatedAt, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="gait_checks")
    date = models.DateField()
    limp = models.BooleanField(verbose_name="Limp")
    pain_free_gait = models.BooleanField(verbose_name="Pain-free gait")
    pain = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Pain during gait (0–10)",
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    cadence = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Cadence measured (steps a minute)",
        validators=[MinValueValidator(100), MaxValueValidator(250)],
    )
    overstriding = models.BooleanField(default=False, verbose_name=OBSERVATIONS[0][1])
    crossover = models.BooleanField(default=False, verbose_name=OBSERVATIONS[1][1])
    heel_strike = models.BooleanField(default=False, verbose_name=OBSERVATIONS[2][1])
    hip_drop = models.BooleanField(default=False, verbose_name=OBSERVATIONS[3][1])
    asymmetry = models.BooleanField(default=False, verbose_name=OBSERVATIONS[4][1])
    notes = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["case", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="gait_pain_range"
            ),
            models.CheckConstraint(
                condition=Q(cadence__isnull=True) | Q(cadence__gte=100, cadence__lte=250),
                name="gait_cadence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Gait check on {self.date}"

    @property
    def observations(self) -> list[str]:
        """The labels of what was observed."""
        return [label for name, label in OBSERVATIONS if getattr(self, name)]
