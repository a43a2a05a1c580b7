"""Protocol templates (versioned, cited) and the individualized plans made from them.

A plan copies its template's phases when it is made, so later template edits never change it.
The criteria lists (``advance_when``, ``regress_when``, ``warn_when``) hold items of the criteria
language (``protocols.engine.criteria``, docs/criteria.md); services validate them before saving.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from athletes.models import Case
from rehab.db import MovesUpdatedAt


class WeightBearing(models.TextChoices):
    NWB = "nwb", "Non-weight-bearing"
    TDWB = "tdwb", "Touch-down weight-bearing"
    PWB = "pwb", "Partial weight-bearing"
    FWB = "fwb", "Full weight-bearing"
    BOOT = "boot", "Walking boot"


class Impact(models.TextChoices):
    NONE = "none", "No impact"
    LOW = "low", "Low impact"
    MODERATE = "moderate", "Moderate impact"
    HIGH = "high", "High impact"


class Activity(models.TextChoices):
    WALK = "walk", "Walking"
    WALK_RUN = "walk_run", "Walk-run"
    RUN = "run", "Running"
    CYCLE = "cycle", "Cycling"
    SWIM = "swim", "Swimming"
    AQUA_JOG = "aqua_jog", "Aqua jogging"
    ELLIPTICAL = "elliptical", "Elliptical"
    ANTI_GRAVITY_RUN = "anti_gravity_run", "Anti-gravity treadmill running"
    STRENGTH = "strength", "Strength training"
    PLYOMETRICS = "plyometrics", "Plyometrics / hopping"
    SPORT_SPECIFIC = "sport_specific", "Sport-specific drills"
    OTHER = "other", "Other"


class PhaseFields(models.Model):
    """What a phase prescribes and how it is gated; shared by template phases and plan phases."""

    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    goal = models.TextField(blank=True)
    min_days = models.PositiveSmallIntegerField(default=7)
    typical_days = models.PositiveSmallIntegerField(default=14)
    weight_bearing = models.CharField(
        max_length=4, choices=WeightBearing.choices, default=WeightBearing.FWB
    )
    crutches = models.BooleanField(default=False)
    impact = models.CharField(max_length=8, choices=Impact.choices, default=Impact.NONE)
    # [{"activity", "minutes", "sessions_per_week", "intensity", "notes"}]
    prescriptions = models.JSONField(default=list, blank=True)
    advance_when = models.JSONField(default=list, blank=True)
    regress_when = models.JSONField(default=list, blank=True)
    warn_when = models.JSONField(default=list, blank=True)
    citations = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    # [{"exercise": key, "sets", "reps" | "seconds", "per_week", "notes"}] (exercise_models)
    exercises = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["order"]

    COPIED_FIELDS = (
        "order", "name", "goal", "min_days", "typical_days", "weight_bearing", "crutches",
        "impact", "prescriptions", "advance_when", "regress_when", "warn_when", "citations",
        "notes", "exercises",
    )  # fmt: skip

    def spec_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.COPIED_FIELDS}


class ProtocolTemplate(MovesUpdatedAt, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Risk(models.TextChoices):
        HIGH = "high", "High risk"
        LOW = "low", "Low risk"

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    name = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    sites = models.JSONField(default=list, help_text="Site codes this template is for.")
    risk = models.CharField(max_length=4, choices=Risk.choices)
    conservative = models.BooleanField(
        default=False, help_text="The variant for risk factors (higher grade, RED-S, prior BSI)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    citations = models.JSONField(default=list, blank=True)
    shipped = models.BooleanField(default=False, help_text="Shipped with the product.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="template_slug_version"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="draft"), name="one_draft_per_template"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(status="published"),
                name="one_published_version_per_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class PhaseTemplate(PhaseFields):
    template = models.ForeignKey(ProtocolTemplate, on_delete=models.CASCADE, related_name="phases")

    class Meta(PhaseFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="template_phase_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Plan(MovesUpdatedAt, models.Model):
    """A case's individualized copy of a template. At most one active plan per case."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (being individualized)"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    template = models.ForeignKey(
        ProtocolTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=160)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    current_phase = models.ForeignKey(
        "PlanPhase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    red_pain_limit = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        verbose_name="Red pain limit (0–10)",
        help_text="Pain at or above this during or after impact work is a red flag: stop and "
        "contact the team. 5/10 for bone by default (clinic protocol: no pain is expected at the "
        "injury site; OUH 2024, Gallatin & Graver 2019).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="active"), name="one_active_plan_per_case"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="draft"), name="one_draft_plan_per_case"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=False),
                name="plan_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.case.athlete}"


class PlanPhase(PhaseFields):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    judged_from = models.DateField(
        null=True,
        blank=True,
        help_text="After a step back, the first day whose data the phase's criteria judge: the "
        "pain that caused the step back does not count again.",
    )
    ready_from = models.DateField(
        null=True,
        blank=True,
        help_text="The earliest day the criteria with a duration could all be met, as of the "
        "latest evaluation (the projection's earliest end).",
    )
    history = HistoricalRecords()

    class Meta(PhaseFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="plan_phase_order"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="phase_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(min_days__lte=F("typical_days")), name="phase_min_le_typical"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class PhaseTransition(models.Model):
    """A person's decision on a plan: who, when, why, and the evaluation they were shown."""

    class Kind(models.TextChoices):
        START = "start", "Plan started"
        ADVANCE = "advance", "Advanced"
        REGRESS = "regress", "Stepped back"
        HOLD = "hold", "Held in phase"
        COMPLETE = "complete", "Completed (returned to sport)"
        STOP = "stop", "Plan stopped"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_phase = models.ForeignKey(
        PlanPhase, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_phase = models.ForeignKey(
        PlanPhase, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField()
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    evaluation = models.JSONField(null=True, blank=True)
    overridden = models.BooleanField(
        default=False,
        help_text="Decided against the evaluation (not ready, or a red flag open): the "
        "clinician confirmed the override, with the reason.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.effective_on}"


class PlanEdit(models.Model):
    """A recorded change to a plan's phases: what changed, by whom, when and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="edits")
    edited_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    # [{"phase": name, "field": ..., "before": ..., "after": ...}] or add/remove/reorder entries
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["-edited_at", "-id"]

    def __str__(self) -> str:
        return f"Plan edit by {self.edited_by} on {self.edited_at:%Y-%m-%d}"


from protocols.exercise_models import Exercise  # noqa: E402, F401 — the exercise library
from protocols.return_models import ReturnDecision  # noqa: E402, F401 — the StARRT decision
from protocols.whatif_models import TemplateTrial  # noqa: E402, F401 — what-if trials of template drafts
