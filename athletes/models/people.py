"""People and where they belong: the clinic, its users, teams and athletes."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from rehab.db import MovesUpdatedAt


class Clinic(models.Model):
    """The organisation that owns its staff, teams and athletes.

    Staff of one clinic never see another's people: whom one may invite, add to a care team or
    enrol in a team is always someone of one's own clinic (``athletes.permissions.same_clinic``).
    A database from before clinics holds every existing row in one clinic (migration 0008).
    """

    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    tsk11_psychology_threshold = models.PositiveSmallIntegerField(
        "TSK-11 score above which to suggest the psychologist",
        default=37,
        validators=[MinValueValidator(11), MaxValueValidator(44)],
        help_text="Clinic protocol (no validated cut-off for TSK-11 after a bone stress "
        "injury): a TSK-11 above it suggests involving the psychologist.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person or an integration account.

    ``kind`` says where the home page sends the user; what a user may see and change on a case
    is decided by their ``CareTeamMember.role`` on that case (see ``athletes.permissions``).
    """

    class Kind(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        PHYSIO = "physio", "Physiotherapist"
        COACH = "coach", "Coach"
        ATHLETE = "athlete", "Athlete"
        NUTRITIONIST = "nutritionist", "Nutritionist"
        PSYCHOLOGIST = "psychologist", "Psychologist"
        INTEGRATION = "integration", "Integration account"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLINICIAN)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    is_clinic_admin = models.BooleanField(
        "Clinic administrator",
        default=False,
        help_text="Invites staff, revokes invitations and manages the clinic's teams.",
    )
    contact_phone = models.CharField(
        "Phone for athletes",
        max_length=40,
        blank=True,
        help_text="Shown to the athletes of your cases when they must stop and contact the "
        "clinical team (an open red flag). Empty: not shared.",
    )
    contact_email = models.EmailField(
        "E-mail for athletes",
        blank=True,
        help_text="Shown to the athletes of your cases when they must stop and contact the "
        "clinical team. Empty: not shared (your login e-mail is never shown).",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(max_length=120)
    sport = models.CharField(max_length=80, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="teams",
        help_text="Coaches and staff who follow this team's athletes.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "clinic", name="one_team_name_per_clinic"
            ),  # "Harbour Harriers" and "harbour harriers" are one team
        ]

    def __str__(self) -> str:
        return self.name


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zone names this machine knows (``Europe/London``, ``Pacific/Auckland``)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(
            "Not a time zone name; use one such as Europe/London or Pacific/Auckland.",
            code="invalid_time_zone",
        )


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called ``name``, the clinic's (``settings.TIME_ZONE``) for a blank one."""
    return zoneinfo.ZoneInfo(name if name in time_zone_names() else settings.TIME_ZONE)


class Athlete(MovesUpdatedAt, models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Not recorded"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="athlete_profile",
        help_text="The athlete's own login, if they have one.",
    )
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="athletes"
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    sport = models.CharField(max_length=80, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="athletes"
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Where the athlete lives, as an IANA name (Pacific/Auckland): their today, "
        "their reminders and their missing logs follow it. Blank: the clinic's. Their phone "
        "sets it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A parent or guardian to contact (required at intake for an athlete under 18); clinical
    # team only (``athletes.permissions.can_see_guardian``).
    guardian_name = models.CharField(max_length=160, blank=True)
    guardian_relationship = models.CharField(
        max_length=60, blank=True, help_text="Mother, father, legal guardian..."
    )
    guardian_phone = models.CharField(max_length=40, blank=True)
    guardian_email = models.EmailField(blank=True)
    # Who changed the athlete's details, the guardian's among them, and when: the record of
    # changes of each of their cases (monitoring.audit).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The athlete's time zone: their own, or the clinic's (``settings.TIME_ZONE``)."""
        return zone_named(self.time_zone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """The athlete's date at ``now`` (default: this moment) in their time zone."""
        return timezone.localdate(now or timezone.now(), self.zone)
