"""Test batteries: tests recorded left and right in one sitting, with the limb symmetry index
computed from them (never typed). See docs/criteria.md, "Test batteries"."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from athletes.models import Case
from protocols.engine.battery import (
    BATTERY_TESTS,
    MUSCLE_GROUPS,
    TESTS,
    lsi_of,
    sides,
)
from rehab.db import MovesUpdatedAt


class TestBattery(MovesUpdatedAt, models.Model):
    """One sitting of tests on a case. ``involved_side`` is the injured limb, from the case's
    side (asked when the case's side is bilateral or not applicable)."""

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"

    __test__ = False  # not a pytest test class

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="batteries")
    date = models.DateField()
    involved_side = models.CharField(max_length=5, choices=Side.choices)
    limb_length_left_cm = models.FloatField(null=True, blank=True)
    limb_length_right_cm = models.FloatField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            # one sitting a day: a repeated submission cannot record the battery twice
            models.UniqueConstraint(fields=["case", "date"], name="one_battery_per_case_and_day")
        ]

    def __str__(self) -> str:
        return f"Test battery on {self.date} ({self.get_involved_side_display()} involved)"


class BatteryResult(models.Model):
    """One test of a battery: the left and right values (None: not recorded, the test is
    "incomplete") and the pain during the test."""

    TESTS = [(t.code, t.label) for t in BATTERY_TESTS]
    MUSCLE_GROUPS = list(MUSCLE_GROUPS)

    class Unit(models.TextChoices):
        CM = "cm", "cm"
        COUNT = "count", "count"
        NEWTON = "N", "N"
        KG = "kg", "kg"

    battery = models.ForeignKey(TestBattery, on_delete=models.CASCADE, related_name="results")
    test = models.CharField(max_length=30, choices=TESTS)
    muscle_group = models.CharField(max_length=20, choices=MUSCLE_GROUPS, blank=True)
    unit = models.CharField(max_length=5, choices=Unit.choices)
    left = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    right = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    pain = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="pain during the test",
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )

    class Meta:
        ordering = ["battery", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["battery", "test", "muscle_group"], name="one_result_per_battery_test"
            ),
            models.CheckConstraint(
                condition=models.Q(left__gte=0) | models.Q(left__isnull=True),
                name="battery_left_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(right__gte=0) | models.Q(right__isnull=True),
                name="battery_right_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.left} / {self.right}"

    @property
    def label(self) -> str:
        label = TESTS[self.test].label
        if self.muscle_group:
            label += f" — {self.get_muscle_group_display().lower()}"
        return label

    def _side(self) -> str:
        return self.battery.involved_side

    @property
    def complete(self) -> bool:
        return self.left is not None and self.right is not None

    @property
    def involved(self) -> float | None:
        return sides(self.left, self.right, self._side())[0]

    @property
    def uninvolved(self) -> float | None:
        return sides(self.left, self.right, self._side())[1]

    @property
    def lsi(self) -> float | None:
        """Limb symmetry index (%), computed; None when incomplete."""
        return lsi_of(self.left, self.right, self._side())
