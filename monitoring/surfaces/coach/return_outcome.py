"""The return-to-play decision as a coach reads it: the outcome, its date and the restrictions
in plain words. Nothing of the tissue's health, the stresses, the risk modifiers or the reasons
(clinical) ever reaches a coach page."""

from __future__ import annotations

from dataclasses import dataclass

from athletes import permissions
from athletes.models import Case, User
from protocols.models import ReturnDecision


@dataclass(frozen=True)
class ReturnOutcome:
    sentence: str
    restrictions: str


def return_outcome(user: User, case_id: int) -> ReturnOutcome | None:
    """The latest decision's outcome for a reader of the case (None without one)."""
    case = Case.objects.select_related("athlete").filter(pk=case_id).first()
    if case is None or not permissions.can_view_return_outcome(user, case):
        return None
    latest = (
        ReturnDecision.objects.filter(case=case)
        .only("decision", "cleared_from", "restrictions", "case_id")
        .first()
    )
    if latest is None:
        return None
    return ReturnOutcome(latest.outcome_sentence(), latest.restrictions)
