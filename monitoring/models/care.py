"""Care-team communication: notes with an audience, scheduled reviews, goals per phase, education
cards and each person's notification settings.

Who reads and writes what is decided in ``athletes.permissions`` (section "Care-team
communication"); nothing here checks a role. Imported by ``monitoring.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from athletes.models import Case
from protocols.models import PhaseTemplate, PlanPhase
from rehab.db import MovesUpdatedAt


class CaseNote(MovesUpdatedAt, models.Model):
    """A note on a case, written for an audience: who may read it follows from the audience and
    the reader's role on the case (``athletes.permissions.note_audiences_for``)."""

    class Audience(models.TextChoices):
        CLINICAL = "clinical", "Clinical staff only"
        TEAM = "team", "Whole care team (coach included)"
        ATHLETE = "athlete", "Care team and the athlete"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    body = models.TextField(max_length=4000)
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes_addressed",
        help_text="A person on the care team the note asks to act (e-mailed when they allow it).",
    )
    flag = models.ForeignKey(
        "monitoring.Flag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        help_text="The flag the note is about, e.g. a call about night pain.",
    )
    reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        help_text="The message this one answers, in the case's thread with the athlete.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "audience", "created_at"])]

    def __str__(self) -> str:
        return f"Note on case {self.case_id} for {self.get_audience_display().lower()}"


class Review(MovesUpdatedAt, models.Model):
    """A scheduled check of the athlete: a clinic visit, a call or imaging on a due date.

    The case's next review is its earliest review not yet done or cancelled; it is overdue
    from the day after its due date. A booster review (a follow-up after return) may repeat:
    marking it done schedules the next one ``repeat_weeks`` later.
    """

    class Kind(models.TextChoices):
        VISIT = "visit", "Clinic visit"
        CALL = "call", "Phone or video call"
        IMAGING = "imaging", "Imaging"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    booster = models.BooleanField(
        default=False, help_text="A follow-up review after return to sport."
    )
    repeat_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Booster reviews only: schedule the next one this many weeks after this one.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="For the clinical team (the coach never reads it)."
    )
    coach_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="For the whole care team, coach included: what they should plan around.",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overdue_notified_on = models.DateField(
        null=True, blank=True, help_text="When the overdue e-mail went out: once per review."
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_weeks__isnull=True) | Q(booster=True),
                name="review_repeat_only_for_boosters",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.due_on}"


class Goal(MovesUpdatedAt, models.Model):
    """A short goal for one phase of a case's plan, set by the athlete or a clinician."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=140)
    due_on = models.DateField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class EducationCard(models.Model):
    """A short plain-language card for athletes in one phase of a protocol template.

    Shipped cards (``monitoring.care.education``) are attached to the shipped templates' phases by a
    data migration; a template's editors change them per template. A new draft version of a
    template gets copies of its cards.
    """

    phase = models.ForeignKey(PhaseTemplate, on_delete=models.CASCADE, related_name="cards")
    key = models.SlugField(max_length=40, help_text="Which shipped card this started from.")
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=2000)
    sources = models.JSONField(default=list, blank=True, help_text="References, one a line.")
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "key"], name="one_card_per_phase_and_key"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationSetting(models.Model):
    """A person's e-mail choices. Everything is on by default: a person without a row gets every
    kind; turning a kind off is their choice (opt-out)."""

    KINDS = {
        "note_addressed": "A note addressed to me",
        "review_overdue": "An overdue review on one of my cases",
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    note_addressed = models.BooleanField(default=True, verbose_name=KINDS["note_addressed"])
    review_overdue = models.BooleanField(default=True, verbose_name=KINDS["review_overdue"])
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (RFC 8030/8291): where to send and the keys to encrypt
    for it. One per browser (its endpoint); a person may have several phones."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200, help_text="The browser's public key (base64url).")
    auth = models.CharField(max_length=100, help_text="The browser's auth secret (base64url).")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Push subscription of {self.user}"
