"""Writes of a case's plan: drafting it from a template, individualizing its phases, starting it
and signing a phase off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from athletes import permissions
from athletes.audit import audited
from athletes.models import Case, User
from athletes.sites import HIGH
from protocols import site_rules
from protocols.library import TEMPLATES
from protocols.models import (
    PhaseTransition,
    Plan,
    PlanEdit,
    PlanPhase,
    ProtocolTemplate,
)
from protocols.services.exercises import default_exercises
from protocols.services.transitions import transition_announce
from protocols.services.validation import (
    PHASE_FIELDS,
    check_start,
    json_safe,
    phases_clean,
    require,
)
from rehab.errors import ApplicationError

SHIPPED_SLUGS = frozenset(t["slug"] for t in TEMPLATES)

# --- plans ------------------------------------------------------------------------------------


@transaction.atomic
@audited(by="created_by", reason="Plan drafted from a template")
def plan_create(*, case: Case, template: ProtocolTemplate, created_by: User) -> Plan:
    """A draft plan for the case: a copy of the template's phases, to individualize."""
    require(permissions.can_edit_plan(created_by, case))
    if template.status != ProtocolTemplate.Status.PUBLISHED:
        raise ApplicationError(
            "Plans start from a published template.", {"template": "Choose a published template."}
        )
    if case.status != Case.Status.ACTIVE:
        raise ApplicationError("This case is not active.")
    if case.risk == HIGH and template.risk != HIGH:
        raise ApplicationError(
            "A high-risk injury needs a high-risk template.",
            {"template": "Choose a template for high-risk sites (protected loading first)."},
        )
    Plan.objects.filter(case=case, status=Plan.Status.DRAFT).delete()
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                case=case,
                template=template,
                template_version=template.version,
                name=template.name,
                created_by=created_by,
            )
    except IntegrityError:
        raise ApplicationError("This case already has a plan being drafted.") from None
    # The site's and the screens' rules, whatever the template (protocols.site_rules).
    phases = site_rules.apply(
        [p.spec_fields() for p in template.phases.order_by("order")],
        site=case.site,
        bone_health_risk=bool(case.bone_health_flags),
        conservative_template=template.conservative,
    )
    if template.shipped or template.slug in SHIPPED_SLUGS:  # default exercises, to review
        for phase in phases:
            phase["exercises"] = phase.get("exercises") or default_exercises(phase)
    bulk_create_with_history(  # each phase's first version, for later diffs
        [PlanPhase(plan=plan, **fields) for fields in phases],
        PlanPhase,
        default_user=created_by,
        default_change_reason=f"Copied from template “{template.name}” v{template.version}"[:100],
    )
    return plan


def _phase_diff(before: Sequence[Mapping], after: Sequence[Mapping]) -> list[dict]:
    """Changes between two phase lists, matched by name, in plain terms."""
    changes: list[dict] = []
    before_by_name = {p["name"]: p for p in before}
    after_names = [p["name"] for p in after]
    for p in before:
        if p["name"] not in after_names:
            changes.append({"change": "removed", "phase": p["name"]})
    for p in after:
        old = before_by_name.get(p["name"])
        if old is None:
            changes.append({"change": "added", "phase": p["name"], "order": p["order"]})
            continue
        for field in PHASE_FIELDS:
            if field == "order" or field not in p:
                continue
            if old.get(field) != p.get(field):
                changes.append(
                    {
                        "change": "edited",
                        "phase": p["name"],
                        "field": field,
                        "before": old.get(field),
                        "after": p.get(field),
                    }
                )
    kept_before = [p["name"] for p in before if p["name"] in after_names]
    kept_after = [n for n in after_names if n in before_by_name]
    if kept_before != kept_after:
        changes.append({"change": "reordered", "before": kept_before, "after": kept_after})
    return changes


@transaction.atomic
@audited(by="edited_by", reason=lambda kw: kw.get("reason") or "Plan individualized (draft)")
def plan_phases_update(
    *, plan: Plan, phases: Sequence[Mapping[str, Any]], edited_by: User, reason: str = ""
) -> PlanEdit | None:
    """Individualize a plan: add, remove, reorder and edit phases, recorded as a ``PlanEdit``.

    On an active plan, phases already done or under way keep their place; a change to the
    phase under way needs a reason. Returns None when nothing changed.
    """
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    require(permissions.can_edit_plan(edited_by, plan.case))
    if plan.status in {Plan.Status.COMPLETED, Plan.Status.STOPPED}:
        raise ApplicationError("A finished plan cannot be edited.")
    cleaned = phases_clean(phases)
    existing = list(plan.phases.order_by("order"))
    locked = [p for p in existing if p.started_on is not None]
    ids = [data.get("id") for data in phases]
    for index, phase in enumerate(locked):
        if index >= len(ids) or ids[index] != phase.pk:
            raise ApplicationError(
                "Phases already started stay where they are.",
                {"phases": f"Keep “{phase.name}” as phase {phase.order}."},
            )
    if plan.status == Plan.Status.ACTIVE and not reason.strip():
        raise ApplicationError(
            "Say why the active plan changes.",
            {"reason": "A reason is required to change an active plan."},
        )
    before = [p.spec_fields() for p in existing]
    changes = _phase_diff(before, cleaned)
    if not changes:
        return None
    by_id = {p.pk: p for p in existing}
    keep_ids = {i for i in ids if i in by_id}
    # Move every kept phase out of the way first, so the unique (plan, order) holds throughout.
    PlanPhase.objects.filter(plan=plan).update(order=F("order") + 1000)
    for data, clean in zip(phases, cleaned, strict=True):
        phase = by_id.get(data.get("id")) or PlanPhase(plan=plan)
        for field, value in clean.items():
            setattr(phase, field, value)
        phase.save()
    removed = [p for pid, p in by_id.items() if pid not in keep_ids]
    if any(p.started_on for p in removed):
        raise ApplicationError("A phase that has started cannot be removed.")
    PlanPhase.objects.filter(pk__in=[p.pk for p in removed]).delete()
    return PlanEdit.objects.create(
        plan=plan, edited_by=edited_by, reason=reason.strip(), changes=json_safe(changes)
    )


@transaction.atomic
@audited(by="started_by", reason=lambda kw: kw.get("reason") or "Plan started.")
def plan_start(
    *, plan: Plan, started_by: User, started_on: dt.date, reason: str = "Plan started."
) -> Plan:
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    require(permissions.can_edit_plan(started_by, plan.case))
    if plan.status != Plan.Status.DRAFT:
        raise ApplicationError("This plan has already started.")
    check_start(plan, started_on)
    first = plan.phases.order_by("order").first()
    if first is None:
        raise ApplicationError("A plan needs at least one phase.")
    phases_clean([p.spec_fields() for p in plan.phases.order_by("order")])
    Plan.objects.filter(case=plan.case, status=Plan.Status.ACTIVE).exclude(pk=plan.pk).update(
        status=Plan.Status.STOPPED, ended_on=started_on, updated_at=timezone.now()
    )
    first.started_on = started_on
    first.save(update_fields=["started_on"])
    plan.status = Plan.Status.ACTIVE
    plan.started_on = started_on
    plan.current_phase = first
    try:
        with transaction.atomic():
            plan.save(update_fields=["status", "started_on", "current_phase"])
    except IntegrityError:
        raise ApplicationError("This case already has an active plan.") from None
    start = PhaseTransition.objects.create(
        plan=plan,
        kind=PhaseTransition.Kind.START,
        to_phase=first,
        effective_on=started_on,
        decided_by=started_by,
        reason=reason or "Plan started.",
    )
    transition_announce(start)
    return plan


@transaction.atomic
@audited(by="signed_by", reason="Phase signed off")
def phase_sign_off(*, phase: PlanPhase, signed_by: User, on: dt.date) -> PlanPhase:
    phase = (
        PlanPhase.objects.select_for_update().select_related("plan__case__athlete").get(pk=phase.pk)
    )
    require(
        permissions.can_edit_plan(signed_by, phase.plan.case),
        "Only the case's clinicians may sign a phase off.",
    )
    if phase.plan.current_phase_id != phase.pk:
        raise ApplicationError("Only the phase under way can be signed off.")
    phase.signed_off_on = on
    phase.signed_off_by = signed_by
    phase.save(update_fields=["signed_off_on", "signed_off_by"])
    return phase
