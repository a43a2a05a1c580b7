"""The bone-health work-up: its tasks (DXA, vitamin D, labs, the nutritionist's assessment),
the results recorded (BMD Z-scores, 25(OH)D, ferritin...) and energy-availability records.

Clinical data: who reads and records it is decided in ``athletes.permissions.bone``; the rules
(triggers, units, thresholds, EA bands) in ``monitoring.care.bone_rules``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from athletes.models import Case


class WorkupTask(models.Model):
    """One piece of the work-up a trigger asks for, for a role (physician or nutritionist), due
    on a date. One per case and kind: re-evaluating the triggers never duplicates it. Closed
    (done) when its result is recorded, or marked not needed with a reason."""

    class Kind(models.TextChoices):
        DXA = "dxa", "DXA scan (BMD Z-scores)"
        VITAMIN_D = "vitamin_d", "25(OH)D (vitamin D)"
        LABS = "labs", "Labs: ferritin, full blood count, thyroid (TSH)"
        SEX_HORMONES = "sex_hormones", "Sex hormones"
        ENERGY_AVAILABILITY = "energy_availability", "Energy-availability assessment"

    class Role(models.TextChoices):
        PHYSICIAN = "physician", "Physician"
        NUTRITIONIST = "nutritionist", "Nutritionist"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "Not needed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="workup_tasks")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    assignee_role = models.CharField(max_length=16, choices=Role.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reasons = models.CharField(max_length=500, blank=True, help_text="The triggers that asked.")
    not_needed_reason = models.CharField(max_length=300, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_workup_task_per_kind"),
            models.CheckConstraint(
                condition=~Q(status="not_needed") | ~Q(not_needed_reason=""),
                name="workup_not_needed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()}) on case {self.case_id}"


class BoneHealthResult(models.Model):
    """A result of the work-up in its canonical unit (``bone_results.RESULT_KINDS``), with the
    value and unit as entered (25(OH)D may be entered in ng/mL: × 2.5)."""

    class Kind(models.TextChoices):
        BMD_LUMBAR = "bmd_lumbar", "BMD Z-score, lumbar spine"
        BMD_HIP = "bmd_hip", "BMD Z-score, hip"
        BMD_TOTAL = "bmd_total", "BMD Z-score, total body"
        VITAMIN_D = "vitamin_d", "25(OH)D"
        FERRITIN = "ferritin", "Ferritin"
        HAEMOGLOBIN = "haemoglobin", "Haemoglobin"
        TSH = "tsh", "TSH"
        OESTRADIOL = "oestradiol", "Oestradiol"
        TESTOSTERONE = "testosterone", "Testosterone"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="bone_results")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=12)
    entered_value = models.DecimalField(max_digits=8, decimal_places=2)
    entered_unit = models.CharField(max_length=12)
    measured_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measured_on", "id"]
        indexes = [models.Index(fields=["case", "kind", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} {self.unit} on {self.measured_on}"


class EnergyAvailability(models.Model):
    """The nutritionist's energy-availability estimate for a date: EA = (intake − exercise
    energy expenditure) / fat-free mass, kcal/kg FFM/day, computed by the service (never typed;
    Burke et al. 2018). One per case and date (a second record of the day replaces it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="energy_records")
    date = models.DateField()
    intake_kcal = models.PositiveIntegerField(verbose_name="Energy intake (kcal/day)")
    exercise_kcal = models.PositiveIntegerField(
        verbose_name="Exercise energy expenditure (kcal/day)"
    )
    ffm_kg = models.DecimalField(max_digits=5, decimal_places=1, verbose_name="Fat-free mass (kg)")
    ea = models.DecimalField(
        max_digits=6, decimal_places=1, verbose_name="Energy availability (kcal/kg FFM/day)"
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "date"], name="one_ea_record_per_day"),
            models.CheckConstraint(condition=Q(ffm_kg__gt=0), name="ea_ffm_positive"),
        ]

    def __str__(self) -> str:
        return f"EA {self.ea} kcal/kg FFM/day on {self.date}"
