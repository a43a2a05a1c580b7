"""What the evaluation raises and keeps: flags, the latest evaluation of each case, and the
notifications a flag sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from athletes.models import Case
from monitoring.models.fields import JSONTextField
from protocols.models import PlanPhase
from rehab.db import MovesUpdatedAt


class Flag(MovesUpdatedAt, models.Model):
    """Something the evaluation wants a person to look at, with the evaluation that raised it.

    At most one unresolved flag per case, kind and phase (a database constraint), so two
    evaluations racing each other leave one flag and re-evaluating changes nothing true.
    """

    class Kind(models.TextChoices):
        READY_TO_ADVANCE = "ready_to_advance", "Ready to advance"
        REGRESSION = "regression", "Regression"
        RED_FLAG = "red_flag", "Red flag — review needed"
        MISSING_LOGS = "missing_logs", "Missing logs"
        LOAD_SPIKE = "load_spike", "Load spike"
        # Raised by a bone-health screen (a restricted Triad score or a positive REDs
        # screen), not by the evaluation: it stays until a clinician or a clear screen
        # resolves it.
        BONE_HEALTH = "bone_health", "Bone-health screen — clinical team review"
        # The run-walk programme proposes a step down a stage (protocols.engine.programme): a
        # clinician confirms or declines it on the case page.
        PROGRAMME_STEP_DOWN = "programme_step_down", "Run-walk programme — step down proposed"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    # The kind's name for a reader who may not read flag messages (a coach): a kind whose own
    # name is clinical (that a bone-health screen was positive) is named neutrally.
    NEUTRAL_LABELS = {Kind.BONE_HEALTH: "Medical team review"}

    UNRESOLVED = (Status.OPEN, Status.ACKNOWLEDGED)
    # Severity order for lists: red flags first.
    SEVERITY = {
        "red_flag": 0,
        "regression": 1,
        "bone_health": 2,
        "load_spike": 2,
        "missing_logs": 3,
        "ready_to_advance": 4,
        "programme_step_down": 1,
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    title = models.CharField(max_length=200)
    message = models.TextField(help_text="Plain-language explanation for the care team.")
    coach_message = models.CharField(
        max_length=200, blank=True, help_text="What a coach may read: no clinical detail."
    )
    # Kept as its JSON text (``JSONTextField``, as a case's latest evaluation): a night of new
    # flags parsed every document into ``jsonb`` for nothing, no query reads inside it.
    evaluation = JSONTextField(help_text="The evaluation that raised or last updated it.")
    proposed_phase = models.ForeignKey(
        PlanPhase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a regression: the phase to step back to.",
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the evaluation resolved it by itself.",
    )
    resolution = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "phase"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="one_unresolved_flag_per_case_kind_phase",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @classmethod
    def neutral_label(cls, kind: str) -> str:
        return cls.NEUTRAL_LABELS.get(kind) or cls.Kind(kind).label

    @property
    def is_red_flag(self) -> bool:
        return self.kind == self.Kind.RED_FLAG


class CaseEvaluation(models.Model):
    """The latest evaluation of a case's current phase, for pages that show it without rerunning."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="latest_evaluation")
    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="+")
    evaluated_at = models.DateTimeField()
    evaluated_for = models.DateField()
    evaluation = JSONTextField()
    # Not those a clinician has reviewed already: a red flag resolved after review, found again
    # in the same data, is not raised again (``monitoring.evaluation.flags.reconcile_flags``).
    red_flags = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="The red-flag rules the evaluation fires (criterion kinds, comma-separated; "
        "empty: none): what the coach's status follows, without reading the evaluation.",
    )

    def __str__(self) -> str:
        return f"Evaluation of case {self.case_id} on {self.evaluated_for}"


class Notification(models.Model):
    """An in-app notice for one person (red flags, regressions); e-mailed as well."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    finding = models.CharField(
        max_length=200,
        blank=True,
        help_text="The rules (criterion kinds, comma-separated) this notice told of: a flag's "
        "first notice names what raised it; a later one what is new and worse.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "flag", "finding"], name="one_notice_per_flag_finding"
            ),
        ]

    def __str__(self) -> str:
        return self.title
