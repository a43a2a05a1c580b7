"""Validation of phases and their prescriptions, shared by the writes of templates and plans."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from protocols.engine import criteria
from protocols.models import (
    Activity,
    Impact,
    Plan,
    PlanPhase,
    WeightBearing,
)
from protocols.services.exercises import exercises_clean, exercises_known
from rehab.errors import ApplicationError

PHASE_FIELDS = PlanPhase.COPIED_FIELDS
PRESCRIPTION_KEYS = ("activity", "minutes", "sessions_per_week", "intensity", "notes")


# --- validation -------------------------------------------------------------------------------


def phase_clean(
    data: Mapping[str, Any], *, order: int, known_exercises: Mapping[str, Any] | None = None
) -> tuple[dict, dict[str, str]]:
    """Validate one phase's fields; return (cleaned, errors by field). ``known_exercises``: the
    library's exercises by key, when the caller loaded them for several phases at once."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {"order": order}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = "Give the phase a name."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    cleaned["name"] = name
    cleaned["goal"] = str(data.get("goal") or "").strip()
    cleaned["notes"] = str(data.get("notes") or "").strip()
    _days_clean(data, cleaned, errors)
    wb = data.get("weight_bearing", WeightBearing.FWB)
    if wb not in WeightBearing.values:
        errors["weight_bearing"] = "Choose a weight-bearing status from the list."
    cleaned["weight_bearing"] = wb
    impact = data.get("impact", Impact.NONE)
    if impact not in Impact.values:
        errors["impact"] = "Choose an impact level from the list."
    cleaned["impact"] = impact
    cleaned["crutches"] = bool(data.get("crutches", False))
    cleaned["citations"] = [str(c) for c in data.get("citations") or [] if str(c).strip()]
    prescriptions, rx_errors = prescriptions_clean(data.get("prescriptions") or [])
    cleaned["prescriptions"] = prescriptions
    errors.update({f"prescriptions.{k}": v for k, v in rx_errors.items()})
    _criteria_clean(data, cleaned, errors)
    if "exercises" in data:  # absent: a write that does not touch them keeps them
        exercises, ex_errors = exercises_clean(
            data["exercises"] or [], impact=impact, known=known_exercises
        )
        cleaned["exercises"] = exercises
        errors.update({f"exercises.{k}".rstrip("."): v for k, v in ex_errors.items()})
    return cleaned, errors


def _days_clean(data: Mapping[str, Any], cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    """The phase's minimum and typical days, whole numbers from 0 to 365, the minimum first."""
    for key, default in (("min_days", 7), ("typical_days", 14)):
        value = data.get(key, default)
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors[key] = "Enter a whole number of days."
            value = default
        if not 0 <= value <= 365:
            errors[key] = "Days must be between 0 and 365."
        cleaned[key] = value
    if "min_days" not in errors and "typical_days" not in errors:
        if cleaned["min_days"] > cleaned["typical_days"]:
            errors["typical_days"] = "Typical days cannot be fewer than the minimum days."


def _criteria_clean(
    data: Mapping[str, Any], cleaned: dict[str, Any], errors: dict[str, str]
) -> None:
    """The phase's criteria to advance (at least one), regression rules and warnings."""
    for field, role in (
        ("advance_when", "advance"),
        ("regress_when", "regress"),
        ("warn_when", "warning"),
    ):
        try:
            cleaned[field] = criteria.validate_list(data.get(field) or [], role)
        except criteria.CriterionError as exc:
            errors.update({f"{field}.{k}": v for k, v in exc.errors.items()})
            cleaned[field] = list(data.get(field) or [])
    if "advance_when" not in {k.split(".")[0] for k in errors} and not cleaned["advance_when"]:
        errors["advance_when"] = "A phase needs at least one criterion to advance on."


def prescriptions_clean(items: Iterable[Any]) -> tuple[list[dict], dict[str, str]]:
    cleaned, errors = [], {}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            errors[f"{i}"] = "Each prescription needs an activity and a dose."
            continue
        activity = item.get("activity")
        if activity not in Activity.values:
            errors[f"{i}.activity"] = "Choose an activity from the list."
        row: dict[str, Any] = {"activity": activity}
        for key, low, high in (("minutes", 1, 600), ("sessions_per_week", 1, 14)):
            value = item.get(key)
            if value in (None, ""):
                row[key] = None
                continue
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[f"{i}.{key}"] = "Enter a whole number."
                continue
            if not low <= value <= high:
                errors[f"{i}.{key}"] = f"Must be between {low} and {high}."
            row[key] = value
        row["intensity"] = str(item.get("intensity") or "").strip()[:200]
        row["notes"] = str(item.get("notes") or "").strip()[:1000]
        cleaned.append(row)
    return cleaned, errors


def phases_clean(phases: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Validate a whole list of phases; errors come keyed ``phases.<index>.<field>``."""
    if not phases:
        raise ApplicationError(
            "A plan needs at least one phase.", {"phases": "Add at least one phase."}
        )
    cleaned, errors = [], {}
    known = exercises_known(phases)  # one query for every phase's exercises
    for index, data in enumerate(phases):
        phase, phase_errors = phase_clean(data, order=index + 1, known_exercises=known)
        cleaned.append(phase)
        errors.update({f"phases.{index}.{k}": v for k, v in phase_errors.items()})
    if errors:
        raise ApplicationError("Please correct the phases.", errors)
    return cleaned


def require(allowed: bool, message: str = "You may not change this plan.") -> None:
    """Refuse the write with ``message`` unless the predicate asked allowed it."""
    if not allowed:
        raise ApplicationError(message)


def check_start(plan: Plan, started_on: dt.date) -> None:
    """A plan cannot start before its case's diagnosis (a date that cannot be)."""
    diagnosed_on = plan.case.diagnosed_on
    if diagnosed_on and started_on < diagnosed_on:
        raise ApplicationError(
            "A plan cannot start before the diagnosis.",
            {"started_on": f"On or after the diagnosis ({diagnosed_on:%-d %b %Y})."},
        )


def json_safe(value):
    """``value`` as JSON would store it (dates as ISO strings)."""
    return json.loads(json.dumps(value, default=str))
