"""The return-to-play decision (StARRT, Shrier BJSM 2015;49:1311): recorded with its three steps
by a clinician, and required before the final transition of a case (the plan's completion, the
discharge on return to sport).

A decision of "not yet" is recorded like any other and keeps the case where it is; the final
transition needs the case's latest decision to be a return (full, or with restrictions) made
after the plan last stepped back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from athletes import permissions
from athletes.audit import audited
from athletes.models import Case, User
from protocols.models import PhaseTransition, ReturnDecision
from rehab.errors import ApplicationError

REQUIRED = {
    "symptoms": "Describe the symptoms (step 1, tissue health).",
    "tenderness": "Record the tenderness on palpation (step 1).",
    "function_tests": "Give the strength and hop results (step 1).",
    "sport": "Name the sport (step 2, tissue stresses).",
    "level": "Choose the level (step 2).",
    "planned_load": "Describe the planned load (step 2).",
    "season_timing": "Choose the timing in the season (step 3, risk tolerance).",
    "decision": "Choose the decision.",
    "reasons": "Give the reasons for the decision.",
}
TEXT_FIELDS = (
    "symptoms", "tenderness", "imaging", "function_tests", "sport", "position_event", "surface",
    "planned_load", "pressure", "masking", "conflicts", "fear", "restrictions", "reasons",
)  # fmt: skip
CHOICES = {
    "level": ReturnDecision.Level.values,
    "season_timing": ReturnDecision.Season.values,
    "decision": ReturnDecision.Decision.values,
}
MISSING_MESSAGE = (
    "Record the return-to-play decision (StARRT: tissue health, tissue stresses, risk "
    "tolerance) with a return to play first."
)


def _errors(data: Mapping[str, Any], *, case: Case, today: dt.date) -> dict[str, str]:
    errors = {f: m for f, m in REQUIRED.items() if not str(data.get(f) or "").strip()}
    for field, allowed in CHOICES.items():
        if field not in errors and data.get(field) not in allowed:
            errors[field] = "Choose from the list."
    decision = data.get("decision")
    cleared = data.get("cleared_from")
    if decision in ReturnDecision.RETURNING:
        if cleared is None:
            errors["cleared_from"] = "Give the day the athlete may return from."
        elif cleared < case.diagnosed_on:
            errors["cleared_from"] = f"Before the diagnosis ({case.diagnosed_on:%-d %b %Y})."
        elif cleared > today + dt.timedelta(days=90):
            errors["cleared_from"] = "More than 90 days ahead: record “not yet” instead."
    if (
        decision == ReturnDecision.Decision.RESTRICTED
        and not (data.get("restrictions") or "").strip()
    ):
        errors["restrictions"] = "Say what the restrictions are, in words the coach understands."
    return errors


@transaction.atomic
@audited(by="by", reason="Return-to-play decision (StARRT) recorded")
def return_decision_record(
    *, case: Case, by: User, data: Mapping[str, Any], today: dt.date
) -> ReturnDecision:
    """Record the three steps and the decision. Every required field is checked before anything
    is saved; a "not yet" keeps no date or restrictions."""
    if not permissions.can_record_return_decision(by, case):
        raise ApplicationError("Only the case's clinicians record the return-to-play decision.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors = _errors(data, case=case, today=today)
    if errors:
        raise ApplicationError("Please correct the errors below.", errors)
    values = {f: str(data.get(f) or "").strip() for f in TEXT_FIELDS}
    returning = data["decision"] in ReturnDecision.RETURNING
    if not returning:
        values["restrictions"] = ""
    if data["decision"] == ReturnDecision.Decision.FULL:
        values["restrictions"] = ""
    return ReturnDecision.objects.create(
        case=case,
        level=data["level"],
        season_timing=data["season_timing"],
        decision=data["decision"],
        cleared_from=data.get("cleared_from") if returning else None,
        recorded_by=by,
        **values,
    )


def latest_return_decision(case: Case) -> ReturnDecision | None:
    return ReturnDecision.objects.filter(case=case).select_related("recorded_by").first()


def current_return_decision(case: Case) -> ReturnDecision | None:
    """The case's latest decision if it is a return (full or with restrictions) recorded after
    the plan's last step back; None otherwise."""
    latest = latest_return_decision(case)
    if latest is None or not latest.returning:
        return None
    stepped_back = (
        PhaseTransition.objects.filter(plan__case=case, kind=PhaseTransition.Kind.REGRESS)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    if stepped_back is not None and stepped_back >= latest.recorded_at:  # same instant: stale
        return None
    return latest


def require_return_decision(case: Case, field: str = "__all__") -> ReturnDecision:
    """The final transition's check: refused (with the error on ``field``) without a current
    return decision."""
    decision = current_return_decision(case)
    if decision is None:
        raise ApplicationError(MISSING_MESSAGE, {field: MISSING_MESSAGE})
    return decision
