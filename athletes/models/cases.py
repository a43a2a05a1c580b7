"""Cases (one injury episode each), their care teams and integration grants."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from athletes.models.people import Athlete, Team, User
from athletes.sites import HIGH, LOW, SITE_CHOICES, site_risk
from rehab.db import MovesUpdatedAt


class Case(MovesUpdatedAt, models.Model):
    """One bone stress injury episode of one athlete."""

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BILATERAL = "bilateral", "Bilateral"
        NOT_APPLICABLE = "na", "Not applicable"

    class Risk(models.TextChoices):
        HIGH = HIGH, "High risk"
        LOW = LOW, "Low risk"

    class GradingSystem(models.TextChoices):
        FREDERICSON = "fredericson", "Fredericson (MRI, tibia)"
        ARENDT = "arendt", "Arendt (MRI, any site)"
        KAEDING_MILLER = "kaeding_miller", "Kaeding–Miller (any site)"
        NONE = "none", "Not graded"

    class Imaging(models.TextChoices):
        MRI = "mri", "MRI"
        CT = "ct", "CT"
        XRAY = "xray", "X-ray"
        BONE_SCAN = "bone_scan", "Bone scan"
        ULTRASOUND = "ultrasound", "Ultrasound"
        CLINICAL = "clinical", "Clinical diagnosis only"

    class Screen(models.TextChoices):
        NOT_SCREENED = "not_screened", "Not screened"
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"

    class Menstrual(models.TextChoices):
        NOT_APPLICABLE = "na", "Not applicable"
        REGULAR = "regular", "Regular (> 9 cycles in 12 months)"
        OLIGOMENORRHEA = "oligomenorrhea", "Oligomenorrhoea (6–9 in 12 months)"
        AMENORRHEA = "amenorrhea", "Amenorrhoea (< 6 in 12 months)"
        UNKNOWN = "unknown", "Not recorded"

    class OrthoDecision(models.TextChoices):
        NOT_RECORDED = "", "Not recorded"
        CONSERVATIVE = "conservative", "Conservative management"
        SURGICAL = "surgical", "Surgical management"

    class BoneHealthDecision(models.TextChoices):
        NOT_RECORDED = "", "Not recorded"
        IMPACT = "impact", "Impact work may progress"
        HOLD = "hold", "Keep impact on hold"

    class BaselineSource(models.TextChoices):
        NONE = "", "Not recorded"
        ENTERED = "entered", "Entered by a clinician"
        COMPUTED = "computed", "Computed from recorded sessions"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETURNED = "returned", "Returned to sport"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        FULL = "full", "Full return to the previous sport and level"
        MODIFIED = "modified", "Return with changes (sport, level or volume)"
        NOT_RETURNED = "not_returned", "No return to the sport"
        TRANSFERRED = "transferred", "Care transferred elsewhere"

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="cases")
    site = models.CharField(max_length=32, choices=SITE_CHOICES)
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.LEFT)
    risk = models.CharField(
        max_length=4,
        choices=Risk.choices,
        help_text="Healing-complication risk; follows the site unless a clinician raises it.",
    )
    grade = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    grading_system = models.CharField(
        max_length=16, choices=GradingSystem.choices, default=GradingSystem.NONE
    )
    imaging = models.CharField(max_length=12, choices=Imaging.choices, default=Imaging.MRI)
    imaging_on = models.DateField(null=True, blank=True)
    diagnosed_on = models.DateField()
    # Bone-health risk factors (clinical.md §10).
    prior_bsi_count = models.PositiveSmallIntegerField(default=0)
    red_s_screen = models.CharField(
        max_length=12,
        choices=Screen.choices,
        default=Screen.NOT_SCREENED,
        verbose_name="RED-S / Triad screen",
    )
    menstrual_status = models.CharField(
        max_length=16, choices=Menstrual.choices, default=Menstrual.NOT_APPLICABLE
    )
    vitamin_d_nmol_l = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        verbose_name="25(OH)D (nmol/L)",
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    # Femoral neck findings and the orthopaedic decision (clinical.md §11; Robertson & Wood,
    # Sports Med Int Open 2017;1:E58-68), read by the femoral-neck criteria.
    ortho_decision = models.CharField(
        max_length=12,
        choices=OrthoDecision.choices,
        default=OrthoDecision.NOT_RECORDED,
        blank=True,
        verbose_name="Orthopaedic decision",
    )
    ortho_decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Orthopaedic decision recorded by",
    )
    ortho_decision_on = models.DateField(
        null=True, blank=True, verbose_name="Orthopaedic decision date"
    )
    fracture_line_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        verbose_name="Fracture line (% of the femoral neck width)",
    )
    effusion = models.BooleanField(
        null=True, blank=True, verbose_name="Hip joint effusion on imaging"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    target_return_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    # The end of the case: discharged on return to sport (the athlete keeps the summary), or
    # closed because it was opened in error. A re-injury opens a new case linked to this one.
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    discharge_summary = models.TextField(
        blank=True,
        help_text="For the athlete to keep: what happened, what to keep doing, warning signs.",
    )
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_case = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_cases",
        help_text="The athlete's earlier bone stress injury this case follows (a re-injury).",
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
    # The hold on impact phases after a positive bone-health screen (a REDs screen yellow or
    # worse, a restricted Triad score) and the clinician's decision that lifts it (who, when,
    # why): read as case facts by the ``bone_health_decision`` criterion (clinical.md §10).
    bone_health_hold_since = models.DateField(
        null=True, blank=True, verbose_name="Impact held since (positive bone-health screen)"
    )
    bone_health_decision = models.CharField(
        max_length=12,
        choices=BoneHealthDecision.choices,
        default=BoneHealthDecision.NOT_RECORDED,
        blank=True,
        verbose_name="Bone-health clearance decision",
    )
    bone_health_decision_on = models.DateField(
        null=True, blank=True, verbose_name="Bone-health clearance decision date"
    )
    bone_health_decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Bone-health clearance decision by",
    )
    bone_health_decision_reason = models.TextField(
        blank=True, verbose_name="Bone-health clearance decision: why"
    )
    # Facts for the bone-health work-up triggers (clinical.md §10; monitoring.care.bone_rules):
    # None / blank is "not recorded", never "no trigger".
    height_cm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        verbose_name="Height (cm)",
        validators=[MinValueValidator(50), MaxValueValidator(250)],
    )
    weight_kg = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        verbose_name="Weight (kg)",
        validators=[MinValueValidator(20), MaxValueValidator(250)],
    )
    eating_history = models.CharField(
        max_length=12,
        blank=True,
        choices=[
            ("none", "None known"),
            ("disordered", "Disordered eating (past or present)"),
            ("disorder", "Diagnosed eating disorder (past or present)"),
        ],
        verbose_name="Eating-disorder history",
    )
    periods_last_12_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Periods in the last 12 months",
        validators=[MaxValueValidator(20)],
    )
    # The athlete's running before the injury (clinical.md §6: speed and hills from 50–60% of
    # it, normal training from 75–80%) and their step rate (a cadence goal raises it 5–10%,
    # Warden et al. 2021). Entered at intake or computed from the sessions recorded before the
    # injury (``monitoring.running``); the basis says which weeks and sessions it came from.
    pre_injury_km_week = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        verbose_name="Pre-injury running (km a week)",
        validators=[MinValueValidator(0), MaxValueValidator(400)],
    )
    pre_injury_runs_week = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        verbose_name="Pre-injury runs a week",
        validators=[MinValueValidator(0), MaxValueValidator(21)],
    )
    pre_injury_minutes_week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Pre-injury running (minutes a week)",
        help_text="For athletes who do not track distance.",
        validators=[MaxValueValidator(3000)],
    )
    pre_injury_source = models.CharField(
        max_length=10, choices=BaselineSource.choices, blank=True, default=""
    )
    pre_injury_basis = models.CharField(max_length=300, blank=True, default="")
    baseline_step_rate = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Baseline step rate (steps a minute)",
        validators=[MinValueValidator(100), MaxValueValidator(250)],
    )
    baseline_step_rate_source = models.CharField(
        max_length=10, choices=BaselineSource.choices, blank=True, default=""
    )
    cadence_goal_low_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Cadence goal: from (% above the baseline)",
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    cadence_goal_high_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="Cadence goal: to (% above the baseline)",
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-diagnosed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=5),
                name="case_grade_range",
            ),
            models.CheckConstraint(condition=Q(risk__in=[HIGH, LOW]), name="case_risk_valid"),
        ]
        indexes = [models.Index(fields=["status", "site"])]

    def __str__(self) -> str:
        return f"{self.athlete} — {self.get_site_display()} ({self.get_side_display()})"

    def save(self, *args, **kwargs) -> None:
        if not self.risk:
            self.risk = site_risk(self.site)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Dates that cannot be: a diagnosis (or imaging) before the athlete was born."""
        super().clean()
        born = self.athlete.date_of_birth if self.athlete_id else None
        errors = {}
        if born and self.diagnosed_on and self.diagnosed_on < born:
            errors["diagnosed_on"] = f"Before the athlete's date of birth ({born:%-d %b %Y})."
        if born and self.imaging_on and self.imaging_on < born:
            errors["imaging_on"] = f"Before the athlete's date of birth ({born:%-d %b %Y})."
        low, high = self.cadence_goal_low_percent, self.cadence_goal_high_percent
        if (low is None) != (high is None):
            errors["cadence_goal_high_percent"] = "Give both ends of the cadence goal, or neither."
        elif low is not None and high is not None and low > high:
            errors["cadence_goal_high_percent"] = "The goal's upper end is below its lower end."
        if errors:
            raise ValidationError(errors)

    @property
    def bone_health_flags(self) -> list[str]:
        """Risk factors that make the suggested plan more conservative (clinical.md §10)."""
        found = []
        if self.red_s_screen == self.Screen.POSITIVE:
            found.append("Positive RED-S / Triad screen")
        if self.menstrual_status in {self.Menstrual.OLIGOMENORRHEA, self.Menstrual.AMENORRHEA}:
            found.append(f"Menstrual status: {self.get_menstrual_status_display()}")
        if self.prior_bsi_count:
            found.append(
                f"{self.prior_bsi_count} prior bone stress injur"
                f"{'y' if self.prior_bsi_count == 1 else 'ies'}"
            )
        if self.vitamin_d_nmol_l is not None and self.vitamin_d_nmol_l < 75:
            found.append(f"25(OH)D {self.vitamin_d_nmol_l} nmol/L (below 75)")
        return found

    @property
    def has_risk_factors(self) -> bool:
        return bool(self.bone_health_flags) or (self.grade or 0) >= 3


class CareTeamMember(MovesUpdatedAt, models.Model):
    """A user's role on one case; it decides what they may see and change (see permissions)."""

    class Role(models.TextChoices):
        LEAD_CLINICIAN = "lead_clinician", "Lead clinician"
        CLINICIAN = "clinician", "Clinician"
        PHYSIO = "physio", "Physiotherapist"
        COACH = "coach", "Coach"
        ATHLETE = "athlete", "Athlete"
        NUTRITIONIST = "nutritionist", "Nutritionist"
        PSYCHOLOGIST = "psychologist", "Psychologist"
        INTEGRATION = "integration", "Integration account"

    # Which kind of user may hold each role: a role is a person's job on the case, and what it
    # lets them see follows from it (a coach is never an integration account or a clinician).
    KINDS_BY_ROLE: dict[str, frozenset[str]] = {
        Role.LEAD_CLINICIAN: frozenset({"clinician", "physio"}),
        Role.CLINICIAN: frozenset({"clinician"}),
        Role.PHYSIO: frozenset({"physio"}),
        Role.COACH: frozenset({"coach"}),
        Role.ATHLETE: frozenset({"athlete"}),
        Role.NUTRITIONIST: frozenset({"nutritionist"}),
        Role.PSYCHOLOGIST: frozenset({"psychologist"}),
        Role.INTEGRATION: frozenset({"integration"}),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_role_per_user_per_case"),
        ]
        ordering = ["case", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} on case {self.case_id}"

    @classmethod
    def roles_for(cls, kind: str) -> list[str]:
        """The roles a user of this kind may hold on a case."""
        return [role for role, kinds in cls.KINDS_BY_ROLE.items() if kind in kinds]

    @classmethod
    def role_error(cls, user, role: str) -> str | None:
        """Why ``user`` may not hold ``role`` on a case, or None when they may."""
        if user.kind in cls.KINDS_BY_ROLE.get(role, ()):
            return None
        roles = ", ".join(str(cls.Role(r).label).lower() for r in cls.roles_for(user.kind))
        return (
            f"{user.get_kind_display()} accounts cannot hold the role "
            f"{cls.Role(role).label.lower()}" + (f"; they may be: {roles}." if roles else ".")
        )

    def clean(self) -> None:
        super().clean()
        if self.user_id and self.role in self.KINDS_BY_ROLE:
            error = self.role_error(self.user, self.role)
            if error:
                raise ValidationError({"role": error})


class IntegrationGrant(models.Model):
    """An integration account's access to every case of a team's athletes (see api_scopes).

    A grant to single cases is a ``CareTeamMember`` with the ``integration`` role instead. A
    grant gives what that role gives: the cases, and recording logs, sessions and device
    metrics for their athletes; never clinical reads.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="integration_grants",
        limit_choices_to={"kind": User.Kind.INTEGRATION},
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="integration_grants")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_grant_per_account_and_team"),
        ]
        ordering = ["team", "user"]

    def __str__(self) -> str:
        return f"{self.user} → {self.team}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.user_id and self.user.kind != User.Kind.INTEGRATION:
            raise ValidationError({"user": "Only integration accounts are granted whole teams."})
