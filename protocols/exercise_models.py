"""The exercise library: strength, balance, mobility and plyometric exercises a phase prescribes.

Shipped exercises come from the library's data (``protocols/library/data/exercises.yaml``,
installed by ``manage.py install_exercises`` and a data migration); a clinic adds its own
(``shipped`` false) on the exercise library page. A phase's ``exercises`` list names them by
``key``, which never changes, so a plan keeps pointing at the same exercise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Trains(models.TextChoices):
    STRENGTH = "strength", "Strength"
    BALANCE = "balance", "Proprioception and balance"
    MOBILITY = "mobility", "Mobility"
    PLYOMETRIC = "plyometric", "Plyometric"


class Exercise(models.Model):
    key = models.SlugField(max_length=60, unique=True, help_text="Stays the same for good.")
    name = models.CharField(max_length=120)
    trains = models.CharField(max_length=12, choices=Trains.choices)
    sets = models.PositiveSmallIntegerField(default=3)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(default=False, help_text="The dose is for each side.")
    steps = models.JSONField(default=list, help_text="3 to 5 plain steps, in order.")
    cues = models.JSONField(default=list, blank=True, help_text="What to aim for and to avoid.")
    impact = models.CharField(max_length=8, default="none")  # protocols.models.Impact values
    diagram = models.CharField(
        max_length=200, blank=True, help_text="A static file, e.g. exercises/glute-bridge.svg."
    )
    alt = models.CharField(max_length=300, blank=True, help_text="The diagram described.")
    shipped = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reps__isnull=False) | models.Q(seconds__isnull=False),
                name="exercise_has_a_dose",
            ),
        ]

    def __str__(self) -> str:
        return self.name
