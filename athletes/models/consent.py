"""Consent and data rights: sharing consents and the audit of erasures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from athletes.models.cases import CareTeamMember
from athletes.models.people import Athlete


class SharingConsent(models.Model):
    """An athlete's consent to share their cases with everyone who holds one care-team role.

    ``athletes.permissions`` enforces it: while consent for a role is withdrawn, members with
    that role on the athlete's cases are treated as not on the care team (404 everywhere). No
    row means consent given — the default recorded when a case opens or a role joins it (see
    ``athletes.services.consent_defaults_record``). The lead clinician treats the athlete and
    is never subject to it. ``history`` keeps every change with who and when.
    """

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="sharing_consents")
    role = models.CharField(max_length=16, choices=CareTeamMember.Role.choices)
    given = models.BooleanField(default=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "role"], name="one_consent_per_athlete_role"
            ),
        ]
        ordering = ["athlete", "role"]

    def __str__(self) -> str:
        state = "given" if self.given else "withdrawn"
        return f"{self.athlete}: sharing with {self.get_role_display()} {state}"


class ErasureRecord(models.Model):
    """The audit of an athlete's erasure: who, when, why and how many records of each kind.

    It keeps none of the erased data (no name, no dates of birth, no clinical facts); the former
    internal id only lets the clinic answer "was record #n erased, and when".
    """

    erased_at = models.DateTimeField(auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    erased_by_name = models.CharField(
        max_length=160, help_text="Who erased, as named then (the account may go later)."
    )
    reason = models.TextField()
    former_athlete_id = models.PositiveBigIntegerField()
    case_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Records deleted, by kind.")

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Athlete record #{self.former_athlete_id} erased {self.erased_at:%Y-%m-%d}"
