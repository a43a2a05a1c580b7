"""The return-to-play decision as a coach reads it: the outcome, its date and the restrictions
in plain words. Nothing of the tissue's health, the stresses, the risk modifiers or the reasons
(clinical) ever reaches a coach page."""

from __future__ import annotations

from dataclasses import dataclass

from athletes.models import User
from protocols.models import ReturnDecision


@dataclass(frozen=True)
class ReturnOutcome:
    sentence: str
    restrictions: str


def return_outcome(user: User, case_id: int) -> ReturnOutcome | None:
    """The latest decision's outcome, for a person the coach pages admitted to the case (they
    answer 404 to anyone else before this is asked; every reader of a case may read the outcome,
    ``permissions.can_view_return_outcome``). One query."""
    latest = (
        ReturnDecision.objects.filter(case_id=case_id)
        .only("decision", "cleared_from", "restrictions", "case_id", "recorded_at")
        .first()
    )
    if latest is None:
        return None
    return ReturnOutcome(latest.outcome_sentence(), latest.restrictions)
