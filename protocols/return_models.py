"""The recorded return-to-play decision (StARRT: Shrier, "Strategic Assessment of Risk and Risk
Tolerance (StARRT) framework for return-to-play decision-making", BJSM 2015;49:1311-5).

Three steps and a decision, recorded together by a clinician on the final transition of a case
(the plan's completion or the discharge): step 1, the health of the tissue (symptoms,
tenderness, imaging, strength and hop results); step 2, the stresses it will meet (sport, level,
position or event, surface, planned load); step 3, what changes the risk the athlete and the
team may tolerate (timing in the season, pressure, masking the injury, conflicts of interest,
fear); then the decision with its reasons. A later record replaces an earlier one as "the"
decision; every record and every change stays (history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from athletes.models import Case
from rehab.db import MovesUpdatedAt


class ReturnDecision(MovesUpdatedAt, models.Model):
    class Decision(models.TextChoices):
        FULL = "full", "Return to full play"
        RESTRICTED = "restricted", "Return with restrictions"
        NOT_YET = "not_yet", "Not yet"

    class Level(models.TextChoices):
        RECREATIONAL = "recreational", "Recreational"
        SCHOOL = "school", "School / youth"
        CLUB = "club", "Club / amateur"
        NATIONAL = "national", "National / collegiate"
        ELITE = "elite", "Elite / professional"

    class Season(models.TextChoices):
        OFF = "off", "Off-season"
        PRE = "pre", "Pre-season"
        IN = "in", "In season"
        DECISIVE = "decisive", "Decisive event near (final, selection, championship)"

    RETURNING = frozenset({Decision.FULL, Decision.RESTRICTED})

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_decisions")
    # Step 1: tissue health
    symptoms = models.TextField(max_length=2000)
    tenderness = models.TextField(max_length=2000)
    imaging = models.TextField(max_length=2000, blank=True)
    function_tests = models.TextField("Strength and hop results", max_length=2000)
    # Step 2: tissue stresses
    sport = models.CharField(max_length=80)
    level = models.CharField(max_length=16, choices=Level.choices)
    position_event = models.CharField("Position or event", max_length=120, blank=True)
    surface = models.CharField(max_length=120, blank=True)
    planned_load = models.TextField(max_length=2000)
    # Step 3: risk-tolerance modifiers
    season_timing = models.CharField(max_length=16, choices=Season.choices)
    pressure = models.TextField("Pressure from the athlete or others", max_length=2000, blank=True)
    masking = models.TextField("Masking the injury", max_length=2000, blank=True)
    conflicts = models.TextField("Conflicts of interest", max_length=2000, blank=True)
    fear = models.TextField("Fear of re-injury", max_length=2000, blank=True)
    # The decision
    decision = models.CharField(max_length=12, choices=Decision.choices)
    cleared_from = models.DateField(null=True, blank=True)
    restrictions = models.TextField(max_length=2000, blank=True)
    reasons = models.TextField(max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.recorded_at:%Y-%m-%d})"

    @property
    def returning(self) -> bool:
        return self.decision in self.RETURNING

    def outcome_sentence(self) -> str:
        """The decision in plain words, for the coach and the athlete: the outcome and its
        restrictions, never the tissue's health."""
        day = f"{self.cleared_from:%-d %b %Y}" if self.cleared_from else ""
        if self.decision == self.Decision.FULL:
            return f"Cleared to return to full training from {day}."
        if self.decision == self.Decision.RESTRICTED:
            return f"Cleared to return with restrictions from {day}."
        return "Not yet cleared to return."
