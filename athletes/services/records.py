"""Every row that belongs to an athlete, with the history rows about them: what an export holds
and an erasure deletes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.db.models import Q

from athletes.models import Athlete


def athlete_records(athlete: Athlete) -> dict[type[models.Model], set[models.Model]]:
    """Every row that belongs to the athlete: what deleting them (and their login) would delete.

    Django's deletion collector follows every cascading foreign key from the athlete and their
    login, so a model added later is found without a change here. Rows that point at the athlete's
    data with ``PROTECT`` (the decisions of a plan point at its phases) are the athlete's too.
    """
    collector = NestedObjects(using=router.db_for_write(Athlete))
    roots: list[models.Model] = [athlete]
    if athlete.user_id:
        roots.append(athlete.user)
    for root in roots:  # one model per call
        collector.collect([root])
    found: dict[type[models.Model], set[models.Model]] = {}
    for model, objs in collector.model_objs.items():
        found.setdefault(model, set()).update(objs)
    for obj in collector.protected:
        found.setdefault(type(obj), set()).add(obj)
    return found


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    attr = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attr).model if attr else None


Pks = dict[type[models.Model], set[Any]]
OWNER_MODELS = {
    "athlete": "athletes.Athlete",
    "case": "athletes.Case",
    "plan": "protocols.Plan",
    "phase": "protocols.PlanPhase",
}
"""The owners whose ids lead to history rows (a field of that name must point at that model)."""


def record_pks(records: Mapping[type[models.Model], set[models.Model]]) -> Pks:
    return {model: {o.pk for o in objs} for model, objs in records.items()}


def history_rows(pks: Pks) -> dict[type[models.Model], list[models.Model]]:
    """History model → its rows about the athlete, including rows of objects deleted earlier
    (a removed phase, a replaced draft plan, a former care-team member): those are found through
    the ids of the athlete, their cases, plans and phases, wherever a history row carries one."""
    owners = _owner_ids(pks)
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model in apps.get_models():
        history = _history_model(model)
        if history is None:
            continue
        condition = _history_condition(history, pks.get(model, set()), owners)
        found = list(history.objects.filter(condition).order_by("history_date", "history_id"))
        if found:
            rows[history] = found
    return rows


def _owner_ids(pks: Pks) -> dict[str, set[Any]]:
    """Owner (``OWNER_MODELS``) → the ids of the athlete's rows of that owner, with the cases,
    plans and phases deleted before today, found in their own history owner by owner."""
    owners: dict[str, set[Any]] = {key: set() for key in OWNER_MODELS}
    for model, ids in pks.items():
        for key, label in OWNER_MODELS.items():
            if model._meta.label == label:
                owners[key].update(ids)
    for key, model_name, parent in (
        ("case", "athletes.Case", "athlete"),
        ("plan", "protocols.Plan", "case"),
        ("phase", "protocols.PlanPhase", "plan"),
    ):
        try:
            history = _history_model(apps.get_model(model_name))
        except LookupError:
            continue
        if history is not None and owners[parent]:
            found = history.objects.filter(**{f"{parent}_id__in": owners[parent]})
            owners[key].update(found.values_list("id", flat=True))
    return owners


def _history_condition(
    history: type[models.Model], ids: set[Any], owners: dict[str, set[Any]]
) -> Q:
    """The history rows of these objects, or of any object whose owner field holds an owner's id."""
    condition = Q(id__in=ids)
    for key, values in owners.items():
        if not values:
            continue
        try:
            target = history._meta.get_field(key).related_model
        except FieldDoesNotExist:
            continue
        if target is not None and target._meta.label == OWNER_MODELS[key]:
            condition |= Q(**{f"{key}_id__in": values})
    return condition
