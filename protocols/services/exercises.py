"""Writes of the exercise library and of a phase's exercise prescriptions.

A phase's ``exercises`` is a list of rows ``{"exercise": key, "sets", "reps" | "seconds",
"per_week", "notes"}``; ``exercises_clean`` is the one check of such a list (the builder's page,
the phases editor and the API call it), refusing an unknown exercise, a dose out of range and an
exercise whose impact is more than the phase allows (clinic protocol, not an evidence-based
threshold)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from athletes import permissions
from athletes.audit import audited
from athletes.models import User
from protocols.library import exercises as library
from protocols.models import Exercise, Impact, PlanEdit, PlanPhase
from rehab.errors import ApplicationError

EXERCISE_KEYS = ("exercise", "sets", "reps", "seconds", "per_week", "notes")
IMPACT_ORDER = list(library.IMPACTS)
MAX_EXERCISES = 20


def install_shipped_exercises() -> int:
    """Create the shipped exercises not in the database yet and bring the shipped ones up to
    date with the library's data; return how many were created. A clinic's own exercises
    (``shipped`` false) are never touched."""
    created = 0
    for shipped in library.EXERCISES:
        fields = shipped.fields()
        key = fields.pop("key")
        _, made = Exercise.objects.update_or_create(
            key=key, shipped=True, defaults=fields, create_defaults={**fields, "shipped": True}
        )
        created += made
    return created


def _whole(value: Any, low: int, high: int) -> tuple[int | None, str | None]:
    if value in (None, ""):
        return None, None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None, "Enter a whole number."
    if not low <= number <= high:
        return number, f"Must be between {low} and {high}."
    return number, None


def _row_clean(
    item: Mapping[str, Any], known: Mapping[str, Exercise], impact: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    exercise = known.get(str(item.get("exercise") or ""))
    row: dict[str, Any] = {"exercise": exercise.key if exercise else item.get("exercise")}
    if exercise is None:
        errors["exercise"] = "Choose an exercise from the library."
    for key in ("sets", "reps", "seconds", "per_week"):
        low, high = library.LIMITS[key]
        row[key], problem = _whole(item.get(key), low, high)
        if problem:
            errors[key] = problem
    for key in ("sets", "per_week"):
        if row[key] is None and key not in errors:
            errors[key] = "Required."
    if row["reps"] is not None and row["seconds"] is not None:
        errors["seconds"] = "Give repetitions or seconds, not both."
    elif row["reps"] is None and row["seconds"] is None and exercise is not None:
        row["reps"], row["seconds"] = exercise.reps, exercise.seconds  # the exercise's dose
    if exercise is not None and impact in IMPACT_ORDER and exercise.impact in IMPACT_ORDER:
        if IMPACT_ORDER.index(exercise.impact) > IMPACT_ORDER.index(impact):
            errors["exercise"] = (
                f"{exercise.name} is {Impact(exercise.impact).label.lower()}; this phase allows "
                f"{Impact(impact).label.lower()} at most."
            )
    row["notes"] = str(item.get("notes") or "").strip()[:300]
    return row, errors


def exercises_known(phases: Iterable[Mapping[str, Any]]) -> dict[str, Exercise]:
    """The exercises the phases name, by key: one query (none when no phase names any)."""
    keys = {
        str(item.get("exercise"))
        for phase in phases
        for item in (phase.get("exercises") or [])
        if isinstance(item, Mapping)
    }
    return {e.key: e for e in Exercise.objects.filter(key__in=keys)} if keys else {}


def exercises_clean(
    items: Iterable[Any], *, impact: str | None, known: Mapping[str, Exercise] | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Validate a phase's exercise rows; errors keyed ``<row>.<field>`` (one query for the
    exercises named, unless ``known`` is given)."""
    items = list(items)
    if known is None:
        known = exercises_known([{"exercises": items}])
    cleaned, errors = [], {}
    if len(items) > MAX_EXERCISES:
        errors[""] = f"A phase has at most {MAX_EXERCISES} exercises."
    for i, item in enumerate(items[:MAX_EXERCISES]):
        if not isinstance(item, Mapping):
            errors[f"{i}"] = "Each row names an exercise and its dose."
            continue
        row, row_errors = _row_clean(item, known, impact)
        errors.update({f"{i}.{k}": v for k, v in row_errors.items()})
        cleaned.append(row)
    seen = [r["exercise"] for r in cleaned]
    for i, key in enumerate(seen):
        if key and seen.index(key) != i:
            errors.setdefault(f"{i}.exercise", "This exercise is already in the phase.")
    return cleaned, errors


def default_exercises(phase: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The library's default rows for a shipped template's phase (by weight bearing, impact
    and order; protocols/library/data/exercises.yaml, clinic protocol)."""
    key = library.default_key(
        weight_bearing=phase.get("weight_bearing", "fwb"),
        crutches=bool(phase.get("crutches")),
        impact=phase.get("impact", "none"),
        order=int(phase.get("order") or 1),
    )
    return [dict(row) for row in library.DEFAULTS[key]]


@transaction.atomic
@audited(by="edited_by", reason=lambda kw: kw.get("reason") or "Exercises changed")
def phase_exercises_update(
    *, phase: PlanPhase, exercises: Sequence[Mapping[str, Any]], edited_by: User, reason: str = ""
) -> PlanEdit | None:
    """Set a plan phase's exercises, recorded as a ``PlanEdit``; a finished phase keeps its
    own. Returns None when nothing changed."""
    phase = (
        PlanPhase.objects.select_for_update().select_related("plan__case__athlete").get(pk=phase.pk)
    )
    plan = phase.plan
    if not permissions.can_edit_plan(edited_by, plan.case):
        raise ApplicationError("You may not change this plan.")
    if phase.ended_on is not None or plan.status in {"completed", "stopped"}:
        raise ApplicationError("A finished phase keeps its exercises.")
    cleaned, errors = exercises_clean(exercises, impact=phase.impact)
    if errors:
        raise ApplicationError("Please correct the exercises.", errors)
    if cleaned == phase.exercises:
        return None
    change = {
        "change": "edited", "phase": phase.name, "field": "exercises",
        "before": phase.exercises, "after": cleaned,
    }  # fmt: skip
    phase.exercises = cleaned
    phase.save(update_fields=["exercises"])
    return PlanEdit.objects.create(
        plan=plan, edited_by=edited_by, reason=reason.strip(), changes=[change]
    )
