"""Writes of templates, plans and phase transitions. Every write validates before it saves.

No code path here moves a plan to another phase without a person's decision: every phase change
is a ``PhaseTransition`` with who, when, why and the evaluation that was shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from athletes import permissions
from athletes.audit import audited
from athletes.models import Case, User
from athletes.sites import BY_CODE, HIGH
from protocols import signals, site_rules
from protocols.engine import criteria
from protocols.models import (
    Activity,
    Impact,
    PhaseTemplate,
    PhaseTransition,
    Plan,
    PlanEdit,
    PlanPhase,
    ProtocolTemplate,
    WeightBearing,
)
from rehab.errors import ApplicationError

PHASE_FIELDS = PlanPhase.COPIED_FIELDS
PRESCRIPTION_KEYS = ("activity", "minutes", "sessions_per_week", "intensity", "notes")


# --- validation -------------------------------------------------------------------------------


def phase_clean(data: Mapping[str, Any], *, order: int) -> tuple[dict, dict[str, str]]:
    """Validate one phase's fields; return (cleaned, errors by field)."""
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
    return cleaned, errors


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
    for index, data in enumerate(phases):
        phase, phase_errors = phase_clean(data, order=index + 1)
        cleaned.append(phase)
        errors.update({f"phases.{index}.{k}": v for k, v in phase_errors.items()})
    if errors:
        raise ApplicationError("Please correct the phases.", errors)
    return cleaned


# --- templates --------------------------------------------------------------------------------


def _template_fields_clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    errors = {}
    sites = list(fields.get("sites") or [])
    if not sites or any(s not in BY_CODE for s in sites):
        errors["sites"] = "Choose at least one injury site from the list."
    if fields.get("risk") not in ProtocolTemplate.Risk.values:
        errors["risk"] = "Choose high or low risk."
    if not str(fields.get("name") or "").strip():
        errors["name"] = "Give the template a name."
    if errors:
        raise ApplicationError("Please correct the template.", errors)
    return {
        "name": str(fields["name"]).strip(),
        "summary": str(fields.get("summary") or ""),
        "sites": sites,
        "risk": fields["risk"],
        "conservative": bool(fields.get("conservative", False)),
        "citations": [str(c) for c in fields.get("citations") or []],
    }


@transaction.atomic
def template_draft_create(
    *, slug: str, phases: Sequence[Mapping[str, Any]], created_by: User, **fields: Any
) -> ProtocolTemplate:
    clean = _template_fields_clean(fields)
    phase_rows = phases_clean(phases)
    if ProtocolTemplate.objects.filter(slug=slug).exists():
        raise ApplicationError("That short name is taken.", {"slug": "Choose another one."})
    template = ProtocolTemplate.objects.create(slug=slug, version=1, created_by=created_by, **clean)
    PhaseTemplate.objects.bulk_create(PhaseTemplate(template=template, **p) for p in phase_rows)
    return template


@transaction.atomic
def template_draft_update(
    *, template: ProtocolTemplate, phases: Sequence[Mapping[str, Any]], **fields: Any
) -> ProtocolTemplate:
    template = ProtocolTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_frozen:
        raise ApplicationError("A published template is frozen; make a new draft version.")
    clean = _template_fields_clean(fields)
    phase_rows = phases_clean(phases)
    for key, value in clean.items():
        setattr(template, key, value)
    template.save()
    done = signals.replacing(template, template.phases.all())  # e.g. education cards carry over
    template.phases.all().delete()
    done(
        PhaseTemplate.objects.bulk_create(PhaseTemplate(template=template, **p) for p in phase_rows)
    )
    return template


@transaction.atomic
def template_new_draft(*, template: ProtocolTemplate, created_by: User) -> ProtocolTemplate:
    """A new draft version copying the given version; the published one stays as it is."""
    existing = ProtocolTemplate.objects.filter(slug=template.slug, status="draft").first()
    if existing:
        return existing
    latest = ProtocolTemplate.objects.filter(slug=template.slug).order_by("-version").first()
    draft = ProtocolTemplate.objects.create(
        slug=template.slug,
        version=latest.version + 1,
        name=template.name,
        summary=template.summary,
        sites=template.sites,
        risk=template.risk,
        conservative=template.conservative,
        citations=template.citations,
        created_by=created_by,
    )
    source = list(template.phases.all())
    done = signals.replacing(draft, source)  # e.g. education cards carry over
    done(
        PhaseTemplate.objects.bulk_create(
            PhaseTemplate(template=draft, **p.spec_fields()) for p in source
        )
    )
    return draft


@transaction.atomic
def template_publish(*, template: ProtocolTemplate, published_by: User | None) -> ProtocolTemplate:
    """Freeze a draft as the published version; the previously published version retires."""
    template = ProtocolTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != ProtocolTemplate.Status.DRAFT:
        raise ApplicationError("Only a draft can be published.")
    phases_clean([p.spec_fields() for p in template.phases.all()])
    ProtocolTemplate.objects.filter(slug=template.slug, status="published").update(
        status=ProtocolTemplate.Status.RETIRED
    )
    template.status = ProtocolTemplate.Status.PUBLISHED
    template.published_at = timezone.now()
    template.published_by = published_by
    template.save(update_fields=["status", "published_at", "published_by"])
    return template


def install_shipped_templates(
    template_model=ProtocolTemplate,
    phase_model=PhaseTemplate,
    library: Iterable[Mapping[str, Any]] | None = None,
) -> int:
    """Install the templates shipped in ``protocols.library`` that are not there yet.

    Takes the model classes so that a data migration can pass its historical models.
    Returns how many templates were installed; running it again installs none.
    """
    if library is None:
        from protocols.library import CITATIONS, TEMPLATES

        library = [
            {
                **t,
                "citations": [CITATIONS.get(c, c) for c in t.get("citations", [])],
                "phases": [
                    {**p, "citations": [CITATIONS.get(c, c) for c in p.get("citations", [])]}
                    for p in t["phases"]
                ],
            }
            for t in TEMPLATES
        ]
    installed = 0
    for spec in library:
        if template_model.objects.filter(slug=spec["slug"], version=spec["version"]).exists():
            continue
        template_model.objects.filter(slug=spec["slug"], status="published").update(
            status="retired"
        )
        template = template_model.objects.create(
            slug=spec["slug"],
            version=spec["version"],
            name=spec["name"],
            summary=spec.get("summary", ""),
            sites=list(spec["sites"]),
            risk=spec["risk"],
            conservative=spec.get("conservative", False),
            citations=spec.get("citations", []),
            status="published",
            shipped=True,
            published_at=timezone.now(),
        )
        for order, phase in enumerate(spec["phases"], start=1):
            phase_model.objects.create(
                template=template,
                order=order,
                **{k: phase.get(k, d) for k, d in _PHASE_DEFAULTS.items()},
            )
        installed += 1
    return installed


_PHASE_DEFAULTS: dict[str, Any] = {
    "name": "",
    "goal": "",
    "min_days": 7,
    "typical_days": 14,
    "weight_bearing": "fwb",
    "crutches": False,
    "impact": "none",
    "prescriptions": [],
    "advance_when": [],
    "regress_when": [],
    "warn_when": [],
    "citations": [],
    "notes": "",
}


# --- plans ------------------------------------------------------------------------------------


def _require(allowed: bool, message: str = "You may not change this plan.") -> None:
    if not allowed:
        raise ApplicationError(message)


@transaction.atomic
@audited(by="created_by", reason="Plan drafted from a template")
def plan_create(*, case: Case, template: ProtocolTemplate, created_by: User) -> Plan:
    """A draft plan for the case: a copy of the template's phases, to individualize."""
    _require(permissions.can_edit_plan(created_by, case))
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
            if field == "order":
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
    _require(permissions.can_edit_plan(edited_by, plan.case))
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
        plan=plan, edited_by=edited_by, reason=reason.strip(), changes=_json_safe(changes)
    )


def _json_safe(value):
    return json.loads(json.dumps(value, default=str))


@transaction.atomic
@audited(by="started_by", reason=lambda kw: kw.get("reason") or "Plan started.")
def plan_start(
    *, plan: Plan, started_by: User, started_on: dt.date, reason: str = "Plan started."
) -> Plan:
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    _require(permissions.can_edit_plan(started_by, plan.case))
    if plan.status != Plan.Status.DRAFT:
        raise ApplicationError("This plan has already started.")
    _check_start(plan, started_on)
    first = plan.phases.order_by("order").first()
    if first is None:
        raise ApplicationError("A plan needs at least one phase.")
    phases_clean([p.spec_fields() for p in plan.phases.order_by("order")])
    Plan.objects.filter(case=plan.case, status=Plan.Status.ACTIVE).exclude(pk=plan.pk).update(
        status=Plan.Status.STOPPED, ended_on=started_on
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
    PhaseTransition.objects.create(
        plan=plan,
        kind=PhaseTransition.Kind.START,
        to_phase=first,
        effective_on=started_on,
        decided_by=started_by,
        reason=reason or "Plan started.",
    )
    return plan


@transaction.atomic
@audited(by="signed_by", reason="Phase signed off")
def phase_sign_off(*, phase: PlanPhase, signed_by: User, on: dt.date) -> PlanPhase:
    phase = (
        PlanPhase.objects.select_for_update().select_related("plan__case__athlete").get(pk=phase.pk)
    )
    _require(
        permissions.can_edit_plan(signed_by, phase.plan.case),
        "Only the case's clinicians may sign a phase off.",
    )
    if phase.plan.current_phase_id != phase.pk:
        raise ApplicationError("Only the phase under way can be signed off.")
    phase.signed_off_on = on
    phase.signed_off_by = signed_by
    phase.save(update_fields=["signed_off_on", "signed_off_by"])
    return phase


# How far after a step back a clinician may start judging the phase again.
JUDGED_FROM_MAX_DAYS = 28


@transaction.atomic
@audited(by="decided_by", reason=lambda kw: kw.get("reason") or "")
def transition_decide(
    *,
    plan: Plan,
    kind: str,
    decided_by: User,
    reason: str,
    effective_on: dt.date,
    evaluation: Mapping[str, Any] | None = None,
    to_phase: PlanPhase | None = None,
    expected_phase_id: int | None = None,
    judged_from: dt.date | None = None,
    overridden: bool = False,
) -> PhaseTransition:
    """Record a clinician's decision: advance, step back, hold or complete. ``overridden``: the
    decision goes against the evaluation and the clinician confirmed it (kept on the record).

    ``expected_phase_id`` is the phase the person was looking at: if the plan has moved on
    since (another clinician, a repeated submission), nothing changes and they are told.

    A step back judges the phase stepped back to on data from ``judged_from`` on (default: the
    day after the decision takes effect), so that the pain that caused it does not raise
    another step back at once (PlanPhase.judged_from).
    """
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    _require(
        permissions.can_decide_transition(decided_by, plan.case),
        "Only the case's clinicians may decide a phase change.",
    )
    if plan.status != Plan.Status.ACTIVE or plan.current_phase_id is None:
        raise ApplicationError("This plan is not active.")
    if expected_phase_id is not None and expected_phase_id != plan.current_phase_id:
        raise ApplicationError("The plan has changed since you looked at it; reload the page.")
    if not reason or not reason.strip():
        raise ApplicationError(
            "Give a reason for the decision.", {"reason": "A reason is required."}
        )
    if kind not in PhaseTransition.Kind.values or kind in {"start", "stop"}:
        raise ApplicationError(
            "Unknown decision.", {"kind": "Choose advance, step back, hold or complete."}
        )
    phases = list(plan.phases.order_by("order"))
    current = next(p for p in phases if p.pk == plan.current_phase_id)
    if current.started_on and effective_on < current.started_on:
        raise ApplicationError(
            "The decision cannot take effect before the phase started.",
            {"effective_on": f"On or after {current.started_on}."},
        )
    if judged_from is not None and kind != PhaseTransition.Kind.REGRESS:
        raise ApplicationError(
            "A date to judge from goes with a step back only.",
            {"judged_from": "Only for a step back."},
        )
    if judged_from is not None and not (
        effective_on <= judged_from <= effective_on + dt.timedelta(days=JUDGED_FROM_MAX_DAYS)
    ):
        raise ApplicationError(
            "The phase can be judged from the day the step back takes effect, up to "
            f"{JUDGED_FROM_MAX_DAYS} days later.",
            {
                "judged_from": f"From {effective_on} to "
                f"{effective_on + dt.timedelta(days=JUDGED_FROM_MAX_DAYS)}."
            },
        )
    later = [p for p in phases if p.order > current.order]
    earlier = [p for p in phases if p.order < current.order]
    target: PlanPhase | None = None
    if kind == PhaseTransition.Kind.ADVANCE:
        if not later:
            raise ApplicationError("This is the last phase; complete the plan instead.")
        target = to_phase if to_phase is not None else later[0]
        if target.pk not in {p.pk for p in later}:
            raise ApplicationError("Advance to a later phase.", {"to_phase": "Not a later phase."})
    elif kind == PhaseTransition.Kind.REGRESS:
        if not earlier:
            raise ApplicationError("This is the first phase; hold it instead.")
        target = to_phase if to_phase is not None else earlier[-1]
        if target.pk not in {p.pk for p in earlier}:
            raise ApplicationError(
                "Step back to an earlier phase.", {"to_phase": "Not an earlier phase."}
            )
    transition = PhaseTransition.objects.create(
        plan=plan,
        kind=kind,
        from_phase=current,
        to_phase=target,
        effective_on=effective_on,
        decided_by=decided_by,
        reason=reason.strip(),
        evaluation=evaluation,
        overridden=overridden,
    )
    if kind == PhaseTransition.Kind.HOLD:
        return transition
    if kind == PhaseTransition.Kind.REGRESS:
        # The target and every phase after it are to be done again: their dates clear.
        PlanPhase.objects.filter(plan=plan, order__gt=target.order).update(
            started_on=None,
            ended_on=None,
            signed_off_on=None,
            signed_off_by=None,
            judged_from=None,
            ready_from=None,
        )
    else:
        current.ended_on = effective_on
        current.save(update_fields=["ended_on"])
    if kind == PhaseTransition.Kind.COMPLETE:
        plan.status = Plan.Status.COMPLETED
        plan.ended_on = effective_on
        plan.current_phase = None
        plan.save(update_fields=["status", "ended_on", "current_phase"])
        Case.objects.filter(pk=plan.case_id).update(
            status=Case.Status.RETURNED, returned_on=effective_on
        )
        return transition
    assert target is not None
    # A phase entered again (after a step back) starts afresh: new dates, no old sign-off.
    target.started_on = effective_on
    target.ended_on = None
    target.signed_off_on = None
    target.signed_off_by = None
    # After a step back the phase is judged on data from the chosen day (by default the day
    # after the decision): the pain that caused it is not counted against the phase again.
    if kind == PhaseTransition.Kind.REGRESS:
        target.judged_from = judged_from or effective_on + dt.timedelta(days=1)
    else:
        target.judged_from = None
    target.ready_from = None
    target.save(
        update_fields=[
            "started_on",
            "ended_on",
            "signed_off_on",
            "signed_off_by",
            "judged_from",
            "ready_from",
        ]
    )
    plan.current_phase = target
    plan.save(update_fields=["current_phase"])
    return transition


# --- corrections: a plan's start date, the last phase decision ---------------------------------


def _check_start(plan: Plan, started_on: dt.date) -> None:
    """A plan cannot start before its case's diagnosis (a date that cannot be)."""
    diagnosed_on = plan.case.diagnosed_on
    if diagnosed_on and started_on < diagnosed_on:
        raise ApplicationError(
            "A plan cannot start before the diagnosis.",
            {"started_on": f"On or after the diagnosis ({diagnosed_on:%-d %b %Y})."},
        )


def _reason_required(reason: str) -> str:
    if not reason or not reason.strip():
        raise ApplicationError("Give a reason for the correction.", {"reason": "Required."})
    return reason.strip()


@transaction.atomic
@audited(by="corrected_by", reason=lambda kw: kw.get("reason") or "Start date corrected")
def plan_start_correct(
    *, plan: Plan, started_on: dt.date, corrected_by: User, reason: str, today: dt.date
) -> Plan:
    """Correct the date an active plan started (a date typed wrong): the plan, its first phase
    and the start decision move together; recorded with the reason (a ``PlanEdit`` and the
    history rows). The date stays on or after the diagnosis, not in the future and not after
    the first phase ended."""
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    _require(permissions.can_edit_plan(corrected_by, plan.case))
    reason = _reason_required(reason)
    if plan.status != Plan.Status.ACTIVE:
        raise ApplicationError("Only an active plan's start date can be corrected.")
    _check_start(plan, started_on)
    if started_on > today:
        raise ApplicationError(
            "A plan cannot start in the future.", {"started_on": "Today or earlier."}
        )
    first = plan.phases.order_by("order").first()
    if first is None:
        raise ApplicationError("This plan has no phases.")
    if first.ended_on and started_on > first.ended_on:
        raise ApplicationError(
            "The first phase ended before that date.",
            {"started_on": f"On or before {first.ended_on:%-d %b %Y}, when the first phase ended."},
        )
    before = plan.started_on
    if before == started_on:
        raise ApplicationError(
            "The plan already starts on that date.", {"started_on": "Unchanged."}
        )
    plan.started_on = started_on
    plan.save(update_fields=["started_on"])
    transitions = list(plan.transitions.order_by("decided_at", "id"))
    for start in transitions:
        if start.kind == PhaseTransition.Kind.START:
            start.effective_on = started_on
            start.save(update_fields=["effective_on"])
    _apply_dates(list(plan.phases.order_by("order")), _replay(plan.phases.all(), transitions)[0])
    PlanEdit.objects.create(
        plan=plan,
        edited_by=corrected_by,
        reason=reason,
        changes=_json_safe([{"change": "start_corrected", "before": before, "after": started_on}]),
    )
    return plan


UNDOABLE = (
    PhaseTransition.Kind.ADVANCE,
    PhaseTransition.Kind.REGRESS,
    PhaseTransition.Kind.HOLD,
    PhaseTransition.Kind.COMPLETE,
)


def _replay(phases: Sequence[PlanPhase], transitions: Sequence[PhaseTransition]) -> tuple:
    """The phases' dates and the current phase as the decisions leave them, in their order
    (what ``transition_decide`` and ``plan_start`` write, decision by decision)."""
    dates = {p.pk: [None, None] for p in phases}
    order = {p.pk: p.order for p in phases}
    current = None
    for t in transitions:
        if t.kind == PhaseTransition.Kind.START:
            dates[t.to_phase_id] = [t.effective_on, None]
            current = t.to_phase_id
        elif t.kind == PhaseTransition.Kind.ADVANCE:
            dates[t.from_phase_id][1] = t.effective_on
            dates[t.to_phase_id] = [t.effective_on, None]
            current = t.to_phase_id
        elif t.kind == PhaseTransition.Kind.REGRESS:
            target = order[t.to_phase_id]
            for pk, o in order.items():
                if o > target:
                    dates[pk] = [None, None]
            dates[t.to_phase_id] = [t.effective_on, None]
            current = t.to_phase_id
        elif t.kind == PhaseTransition.Kind.COMPLETE:
            dates[t.from_phase_id][1] = t.effective_on
            current = None
    return dates, current


def _apply_dates(phases: Sequence[PlanPhase], dates: Mapping[int, list]) -> None:
    """Save the phases whose dates differ from ``dates``; a phase that starts on another day
    loses its sign-off (it was for the phase as it ran then)."""
    for phase in phases:
        started_on, ended_on = dates[phase.pk]
        if (phase.started_on, phase.ended_on) == (started_on, ended_on):
            continue
        if phase.started_on != started_on and started_on is None:
            phase.signed_off_on, phase.signed_off_by = None, None
        phase.started_on, phase.ended_on = started_on, ended_on
        phase.save(update_fields=["started_on", "ended_on", "signed_off_on", "signed_off_by"])


@transaction.atomic
@audited(by="undone_by", reason=lambda kw: kw.get("reason") or "Phase decision undone")
def transition_undo(*, plan: Plan, undone_by: User, reason: str) -> PhaseTransition:
    """Undo the plan's last phase decision (advance, step back, hold or complete), with a reason.

    The phases' dates and the current phase become what the earlier decisions made them; a
    completed plan and its case become active again. The decision is removed from the plan's
    decisions and kept in the audit trail: its history row (who undid it and why) and a
    ``PlanEdit`` that quotes it. An undone step back's "judged from" day is cleared; a sign-off
    it cleared is not restored.
    Returns the undone decision (no longer saved).
    """
    plan = Plan.objects.select_for_update().select_related("case__athlete").get(pk=plan.pk)
    _require(
        permissions.can_decide_transition(undone_by, plan.case),
        "Only the case's clinicians may undo a phase decision.",
    )
    reason = _reason_required(reason)
    transitions = list(plan.transitions.order_by("decided_at", "id"))
    last = transitions[-1] if transitions else None
    if last is None or last.kind not in UNDOABLE:
        raise ApplicationError("There is no phase decision to undo.")
    if plan.status not in (Plan.Status.ACTIVE, Plan.Status.COMPLETED):
        raise ApplicationError("This plan has stopped: its decisions cannot be undone.")
    phases = list(plan.phases.order_by("order"))
    dates, current = _replay(phases, transitions[:-1])
    _apply_dates(phases, dates)
    plan.current_phase_id = current
    fields = ["current_phase"]
    if last.kind == PhaseTransition.Kind.COMPLETE:
        plan.status, plan.ended_on = Plan.Status.ACTIVE, None
        fields += ["status", "ended_on"]
        case = plan.case
        case.status, case.returned_on = Case.Status.ACTIVE, None
        case.save(update_fields=["status", "returned_on"])
    try:
        with transaction.atomic():
            plan.save(update_fields=fields)
    except IntegrityError:
        raise ApplicationError("This case has another active plan now.") from None
    # An undone step back no longer judges its phase from a later day; every phase's earliest
    # "ready" day is the evaluation's to recompute.
    if last.kind == PhaseTransition.Kind.REGRESS and last.to_phase_id:
        PlanPhase.objects.filter(pk=last.to_phase_id).update(judged_from=None)
    PlanPhase.objects.filter(plan=plan).update(ready_from=None)
    PlanEdit.objects.create(
        plan=plan,
        edited_by=undone_by,
        reason=reason,
        changes=_json_safe(
            [
                {
                    "change": "decision_undone",
                    "kind": last.kind,
                    "from_phase": last.from_phase.name if last.from_phase else None,
                    "to_phase": last.to_phase.name if last.to_phase else None,
                    "effective_on": last.effective_on,
                    "decided_by": str(last.decided_by),
                    "decided_at": last.decided_at,
                    "reason": last.reason,
                }
            ]
        ),
    )
    last.delete()
    return last
