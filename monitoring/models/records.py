"""What athletes and devices record: daily logs, activity sessions, device metrics, assessments,
and the athlete's log reminder."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from athletes.models import Athlete, Case
from monitoring import schema
from protocols.models import Activity
from rehab.db import MovesUpdatedAt


def _nrs(verbose_name: str) -> models.PositiveSmallIntegerField:
    """A 0–10 numeric rating scale for pain."""
    return models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name=verbose_name,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )


def _hooper(verbose_name: str) -> models.PositiveSmallIntegerField:
    """A Hooper-index item: 1 (very, very good) to 7 (very, very bad) (Hooper 1995)."""
    return models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name=verbose_name,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )


def _device(verbose_name: str, high: int) -> models.PositiveSmallIntegerField:
    """A watch's average over a session, in whole units."""
    return models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=verbose_name, validators=[MaxValueValidator(high)]
    )


class Source(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    IMPORT = "import", "Import"
    DEVICE = "device", "Device"


class DailyLog(MovesUpdatedAt, models.Model):
    """One athlete's day: pain, symptoms and well-being. One per athlete and date."""

    class PainCharacter(models.TextChoices):
        NONE = "none", "No pain"
        DULL = "dull", "Dull ache"
        SHARP = "sharp", "Sharp"

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="daily_logs")
    date = models.DateField()
    pain_rest = _nrs("pain at rest")
    pain_during = _nrs("pain during activity")
    pain_after = _nrs("pain after activity")
    pain_next_morning = _nrs("pain next morning")
    pain_character = models.CharField(max_length=5, choices=PainCharacter.choices, blank=True)
    localized = models.BooleanField(null=True, blank=True, help_text="Pain at one spot.")
    pain_location = models.CharField(max_length=120, blank=True)
    night_pain = models.BooleanField(null=True, blank=True)
    swelling = models.BooleanField(null=True, blank=True)
    pain_lasted_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text="How long pain after activity lasted, in hours.",
    )
    fatigue = _hooper("fatigue")
    sleep_hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    sleep_quality = _hooper("sleep quality")
    stress = _hooper("stress")
    mood = _hooper("mood")
    soreness = _hooper("muscle soreness")
    steps = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    PAIN_FIELDS = schema.LOG_PAIN_FIELDS

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "date"], name="one_log_per_athlete_per_day"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__lte": 10}),
                    name=f"dailylog_{f}_0_10",
                )
                for f in schema.LOG_PAIN_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.date}"

    @property
    def hooper_index(self) -> int | None:
        """Sleep + stress + fatigue + soreness, 4–28 (Hooper & Mackinnon 1995); None if partial."""
        items = (self.sleep_quality, self.stress, self.fatigue, self.soreness)
        return None if any(i is None for i in items) else sum(items)


class Shoe(models.Model):
    """A pair of shoes the athlete names, so that a session can say which it was run in: the
    distance per pair is shown to the athlete and the team (footwear is a bone-load factor,
    clinical.md)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="shoes")
    name = models.CharField(max_length=60)
    km_before = models.DecimalField(
        "distance before they were added (km)",
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    retired_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["retired_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "athlete", name="shoe_unique_name_per_athlete")
        ]

    def __str__(self) -> str:
        return self.name


class Completion(models.TextChoices):
    """How a run-walk programme session ended (protocols.engine.programme)."""

    COMPLETED = "completed", "Completed"
    STOPPED_EARLY = "stopped_early", "Stopped early"


class ActivitySession(MovesUpdatedAt, models.Model):
    """What was done and how: for impact work the surface and footwear change bone load."""

    class Surface(models.TextChoices):
        TRACK = "track", "Track"
        ROAD = "road", "Road"
        GRASS = "grass", "Grass"
        TRAIL = "trail", "Trail"
        TREADMILL = "treadmill", "Treadmill"
        ANTI_GRAVITY = "anti_gravity", "Anti-gravity treadmill"
        POOL = "pool", "Pool"
        INDOOR = "indoor", "Indoor court / gym"
        OTHER = "other", "Other"

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    activity = models.CharField(max_length=20, choices=Activity.choices)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    rpe = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="session RPE (CR-10)",
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    distance_km = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    ground_contacts = models.PositiveIntegerField(null=True, blank=True)
    steps = models.PositiveIntegerField(null=True, blank=True)
    surface = models.CharField(max_length=12, choices=Surface.choices, blank=True)
    footwear = models.CharField(max_length=80, blank=True)
    shoe = models.ForeignKey(
        Shoe, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    pain_during = _nrs("pain during the session")
    pain_after = _nrs("pain after the session")
    note = models.TextField(blank=True, max_length=2000)
    # What a watch records (an uploaded activity file, or an integration's push); charted for
    # the clinician, never read by the rules.
    avg_heart_rate = _device("average heart rate (bpm)", 250)
    max_heart_rate = _device("maximum heart rate (bpm)", 250)
    cadence = _device("cadence (steps per minute)", 300)
    ground_contact_ms = _device("ground-contact time (ms)", 2000)
    vertical_oscillation_mm = _device("vertical oscillation (mm)", 500)
    # A run-walk programme's session (protocols.engine.programme): the stage it was, and whether
    # it was completed or stopped early.
    programme_stage = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="run-walk programme stage",
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    completion = models.CharField(
        max_length=14, choices=Completion.choices, blank=True, verbose_name="completion"
    )
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the watch started.")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(max_length=120, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "source", "external_id"],
                condition=~Q(external_id=""),
                name="session_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["athlete", "date"])]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} {self.minutes} min on {self.date}"

    @property
    def pace_min_per_km(self) -> float | None:
        """Minutes per kilometre, from the session's minutes and distance."""
        if not self.distance_km:
            return None
        return round(self.minutes / float(self.distance_km), 2)

    @property
    def load(self) -> int | None:
        """Session-RPE load in arbitrary units: CR-10 × minutes (Foster et al. 2001)."""
        return None if self.rpe is None else self.rpe * self.minutes


class DeviceMetric(MovesUpdatedAt, models.Model):
    """A wearable's sample. Idempotent by source + external id."""

    class Metric(models.TextChoices):
        STEPS = "steps", "Steps"
        DISTANCE = "distance", "Distance"
        GROUND_CONTACT_TIME = "ground_contact_time", "Ground contact time"
        CADENCE = "cadence", "Cadence"
        JUMP_HEIGHT = "jump_height", "Jump height"
        IMPACTS = "impacts", "Impacts / foot contacts"
        HEART_RATE = "heart_rate", "Heart rate"
        SLEEP = "sleep", "Sleep"

    UNITS = {
        "steps": "count",
        "distance": "km",
        "ground_contact_time": "ms",
        "cadence": "spm",
        "jump_height": "cm",
        "impacts": "count",
        "heart_rate": "bpm",
        "sleep": "h",
    }

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="device_metrics")
    metric = models.CharField(max_length=24, choices=Metric.choices)
    value = models.FloatField()
    unit = models.CharField(max_length=12)
    recorded_at = models.DateTimeField()
    date = models.DateField()
    source = models.CharField(max_length=60)
    external_id = models.CharField(max_length=120)
    # who sent it: the one who may take a mistaken sample back (can_delete_record)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="metric_unique_sample"),
        ]
        indexes = [models.Index(fields=["athlete", "metric", "date"])]

    def __str__(self) -> str:
        return f"{self.metric} {self.value} {self.unit} at {self.recorded_at:%Y-%m-%d %H:%M}"


class Assessment(MovesUpdatedAt, models.Model):
    """A clinician's (or nutritionist's, psychologist's) test result on a case."""

    class Test(models.TextChoices):
        SINGLE_LEG_HOP = "single_leg_hop", "Single-leg hops (count)"
        WALK_TEST = "walk_test", "Pain-free brisk walking (minutes)"
        HEEL_RAISE = "heel_raise", "Single-leg heel raises (count)"
        TENDERNESS = "tenderness", "Bony tenderness on palpation"
        STRENGTH_SYMMETRY = "strength_symmetry", "Strength limb symmetry (%)"
        READINESS_IPRRS = "readiness_iprrs", "I-PRRS psychological readiness (0–60)"
        TSK11 = "tsk11", "TSK-11 fear of movement (11–44)"
        BONE_HEALTH_CRA = "bone_health_cra", "Triad cumulative risk score (0–12)"
        TRIAD_INCOMPLETE = (
            "triad_incomplete",
            "Triad cumulative risk score, incomplete (not a clearance)",
        )
        REDS_SCREEN = (
            "reds_screen",
            "REDs screen (0 negative/green; 1 positive; CAT2 light 1 yellow, 2 orange, 3 red)",
        )
        IMAGING_HEALING = "imaging_healing", "Imaging: healing confirmed"
        FOOT_CONTACTS = "foot_contacts", "Pain-free foot contacts (count)"
        REDS_INCOMPLETE = (
            "reds_incomplete",
            "REDs screen, incomplete (indicators not assessed; not a clearance)",
        )

    # test -> (minimum, maximum, whole numbers only); see docs/criteria.md for the meanings.
    RANGES: dict[str, tuple[float, float, bool]] = {
        "single_leg_hop": (0, 500, True),
        "walk_test": (0, 300, False),
        "heel_raise": (0, 200, True),
        "tenderness": (0, 1, True),
        "strength_symmetry": (0, 200, False),
        "readiness_iprrs": (0, 60, False),
        "tsk11": (11, 44, True),
        "bone_health_cra": (0, 12, True),
        "triad_incomplete": (0, 12, True),
        "reds_screen": (0, 3, True),
        "imaging_healing": (0, 1, True),
        "foot_contacts": (0, 10000, True),
        "reds_incomplete": (0, 3, True),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField()
    test = models.CharField(max_length=20, choices=Test.choices)
    value = models.FloatField()
    pain = _nrs("pain during the test")
    notes = models.TextField(blank=True, max_length=4000)
    answers = models.JSONField(
        null=True,
        blank=True,
        help_text="A screen's items as answered (the REDs CAT2 indicators: true present, false "
        "absent, null not assessed); empty for a measured test.",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["case", "test", "date"])]

    def __str__(self) -> str:
        return f"{self.get_test_display()}: {self.value:g} on {self.date}"


class ReminderPreference(models.Model):
    """An athlete's daily-log reminder: one e-mail a day when today's log is still missing at the
    chosen time (their own time zone, ``Athlete.time_zone``). On by default: an athlete without a
    row is reminded at ``DEFAULT_TIME``; turning it off is the athlete's choice (opt-out)."""

    DEFAULT_TIME = time(19, 0)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="log_reminder"
    )
    enabled = models.BooleanField(default=True)
    time_of_day = models.TimeField(
        default=DEFAULT_TIME, help_text="Local time (the athlete's time zone)."
    )
    last_sent_on = models.DateField(
        null=True, blank=True, help_text="The day of the last reminder: at most one a day."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        state = f"at {self.time_of_day:%H:%M}" if self.enabled else "off"
        return f"Log reminder for {self.user}: {state}"


class ValueConflict(models.Model):
    """A value another source offered for a day the athlete logged themselves, not used: the
    athlete's own entry wins; a device or club system fills only what the athlete left blank.
    Kept for the clinician (the case page), who may ask which is right."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="value_conflicts")
    date = models.DateField()
    field = models.CharField(max_length=40)
    kept = models.CharField(max_length=200, help_text="The athlete's value, kept.")
    offered = models.CharField(max_length=200, help_text="The other source's value, not used.")
    source = models.CharField(max_length=60)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["athlete", "date"])]

    def __str__(self) -> str:
        return f"{self.field} on {self.date}: kept {self.kept}, not {self.offered}"
