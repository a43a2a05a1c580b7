"""Invitations: the one-time links that bring staff and athletes into a clinic.

The link carries a random token; the database keeps only its SHA-256, so a copy of the
database opens no account. A link works once, for ``Invitation.VALID_DAYS`` days, until it is
revoked or sent again (a new link replaces the old). Written by ``athletes.services.invitations``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from athletes.models.cases import CareTeamMember, Case
from athletes.models.people import Athlete, Clinic, Team, User
from rehab.db import MovesUpdatedAt


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(MovesUpdatedAt, models.Model):
    """An invitation for one e-mail address to join a clinic as one kind of user."""

    VALID_DAYS = 7
    # Kinds a person can be invited as (integration accounts are made by an administrator).
    KINDS = (
        User.Kind.CLINICIAN,
        User.Kind.PHYSIO,
        User.Kind.COACH,
        User.Kind.NUTRITIONIST,
        User.Kind.PSYCHOLOGIST,
        User.Kind.ATHLETE,
    )

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    kind = models.CharField(max_length=16, choices=User.Kind.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    athlete = models.ForeignKey(
        Athlete,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="For an athlete's invitation: the athlete whose login it makes.",
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="A case the person joins on accepting, with ``role``.",
    )
    role = models.CharField(max_length=16, choices=CareTeamMember.Role.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and clinic: a second is a re-send of the first.
            models.UniqueConstraint(
                fields=["clinic", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_kind_display().lower()}"

    @staticmethod
    def expiry(now: dt.datetime | None = None) -> dt.datetime:
        return (now or timezone.now()) + dt.timedelta(days=Invitation.VALID_DAYS)

    def status_at(self, now: dt.datetime | None = None) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (it may have expired: it can be sent again)."""
        return self.accepted_at is None and self.revoked_at is None
