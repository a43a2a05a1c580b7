"""An athlete's tick of a prescribed exercise: done on a day, once per exercise and day."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from athletes.models import Case
from protocols.models import Exercise


class ExerciseCompletion(models.Model):
    """One exercise of the phase's prescription done on ``done_on`` (the athlete's day).

    At most one per case, exercise and day: a second tap, or the phone's outbox sending a tick
    again, records nothing more. Un-ticking deletes the row.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exercise_completions")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the API's ?updated_after=

    class Meta:
        ordering = ["-done_on", "exercise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "exercise", "done_on"], name="one_completion_per_exercise_day"
            ),
        ]
        indexes = [models.Index(fields=["case", "done_on"], name="completion_case_day")]

    def __str__(self) -> str:
        return f"{self.exercise_id} on {self.done_on}"
