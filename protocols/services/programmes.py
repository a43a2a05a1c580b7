"""Writes of run-walk programmes: installing the shipped ones, a walk-run phase's own copy
(chosen, then edited by a clinician), and a clinician's decision on a proposed step down.

The engine (``protocols.engine.programme``) proposes; a clinician confirms or declines, and the
decision (who, when, why, the proposal they were shown) is kept in the phase's programme, which
the evaluation reads. A page that is stale (the proposal is no longer the one waiting) changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.audit import audited
from athletes.models import User
from protocols.engine import programme as engine
from protocols.library.loader import load_programmes
from protocols.models import PlanEdit, PlanPhase, RunProgramme
from protocols.services.validation import json_safe, require
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)
DECISIONS = ("confirmed", "declined")


def install_shipped_programmes() -> int:
    """Install the shipped programmes (protocols/library/data/programmes.yaml) whose version is
    not in the database yet; the number installed. Running it again installs nothing."""
    installed = 0
    for item in load_programmes():
        if RunProgramme.objects.filter(slug=item["slug"], version=item["version"]).exists():
            continue
        RunProgramme.objects.create(**item)
        installed += 1
    return installed


def shipped_programmes() -> list[RunProgramme]:
    """The latest version of each shipped programme, by name."""
    latest: dict[str, RunProgramme] = {}
    for p in RunProgramme.objects.order_by("slug", "-version"):
        latest.setdefault(p.slug, p)
    return sorted(latest.values(), key=lambda p: p.name)


def default_programme(template_slug: str | None) -> dict[str, Any] | None:
    """The programme a template's walk-run phase starts with: the one naming the template, or
    else the default one; None when none is installed."""
    chosen = None
    for p in shipped_programmes():
        if template_slug and template_slug in (p.default_for or []):
            return dict(p.data)
        if p.default:
            chosen = p
    return dict(chosen.data) if chosen else None


def is_walk_run(fields: Mapping[str, Any]) -> bool:
    """A phase that prescribes walk-run (or running) work has a programme."""
    return any(
        isinstance(rx, Mapping) and rx.get("activity") == "walk_run"
        for rx in fields.get("prescriptions") or []
    )


def with_default_programmes(
    phases: Sequence[Mapping[str, Any]], template_slug: str | None
) -> list[dict[str, Any]]:
    """The phases, each walk-run one with its own copy of the template's default programme."""
    default = None
    out = []
    for fields in phases:
        fields = dict(fields)
        if is_walk_run(fields) and not fields.get("programme"):
            default = default or default_programme(template_slug)
            fields["programme"] = json_safe(default) if default else None
        out.append(fields)
    return out


def programme_clean(data: Any) -> dict[str, Any]:
    """A programme's data validated by the engine; ``ApplicationError`` with field errors."""
    try:
        return engine.validate(data)
    except engine.ProgrammeError as exc:
        raise ApplicationError("Please correct the run-walk programme.", exc.errors) from None


def _locked_phase(phase: PlanPhase, by: User) -> PlanPhase:
    phase = (
        PlanPhase.objects.select_for_update().select_related("plan__case__athlete").get(pk=phase.pk)
    )
    require(permissions.can_edit_plan(by, phase.plan.case))
    if phase.plan.status in {"completed", "stopped"}:
        raise ApplicationError("A finished plan cannot be edited.")
    return phase


def _evaluate_after_commit(case_id: int) -> None:
    def send() -> None:
        try:
            enqueue("monitoring.tasks.evaluate_case", case_id)
        except Exception:  # broker down: the nightly run evaluates it
            logger.exception("Could not queue the evaluation of case %s", case_id)

    transaction.on_commit(send)


@transaction.atomic
@audited(by="edited_by", reason=lambda kw: kw.get("reason") or "Run-walk programme changed")
def phase_programme_set(
    *,
    phase: PlanPhase,
    edited_by: User,
    data: Mapping[str, Any] | None = None,
    slug: str | None = None,
    reason: str = "",
) -> PlanPhase:
    """Give a phase a programme: a shipped one by ``slug`` (a fresh copy), or ``data`` (the
    phase's copy as the clinician edited it: stages, sessions per stage, rest days, pain limit).
    The decisions already taken on the phase's programme are kept. Recorded as a ``PlanEdit``."""
    phase = _locked_phase(phase, edited_by)
    if slug is not None:
        shipped = {p.slug: p for p in shipped_programmes()}
        if slug not in shipped:
            raise ApplicationError("Choose a programme.", {"slug": "Choose one from the list."})
        data = dict(shipped[slug].data)
    if data is None:
        raise ApplicationError("Choose a programme or edit this one.")
    before = phase.programme
    cleaned = programme_clean(
        {**(before or {}), **data, "decisions": (before or {}).get("decisions", [])}
    )
    if phase.plan.status == "active" and not reason.strip():
        raise ApplicationError(
            "Say why the programme changes.", {"reason": "A reason is required on an active plan."}
        )
    cleaned = json_safe(cleaned)
    if cleaned == before:
        return phase
    phase.programme = cleaned
    phase.save(update_fields=["programme"])
    PlanEdit.objects.create(
        plan=phase.plan,
        edited_by=edited_by,
        reason=reason.strip(),
        changes=json_safe(
            [
                {
                    "change": "edited",
                    "phase": phase.name,
                    "field": "programme",
                    "before": _summary(before),
                    "after": _summary(cleaned),
                }
            ]
        ),
    )
    _evaluate_after_commit(phase.plan.case_id)
    return phase


def _summary(data: Mapping[str, Any] | None) -> str | None:
    if not data:
        return None
    stages = "; ".join(s.label() for s in engine.stages_of(data))
    return (
        f"{data['name']}: {stages} (rest days {data['rest_days']}, pain limit "
        f"{data['pain_limit']}/10)"
    )


@transaction.atomic
@audited(by="decided_by", reason=lambda kw: kw.get("reason") or "")
def programme_step_down_decide(
    *,
    phase: PlanPhase,
    decided_by: User,
    decision: str,
    trigger: dt.date,
    proposal: engine.StepDown | None,
    reason: str,
) -> dict[str, Any]:
    """A clinician's decision on the step down the engine proposes (``proposal``, as it stands
    now): ``confirmed`` (the athlete goes down a stage from the run day ``trigger``) or
    ``declined`` (they stay). ``trigger`` is the run day of the proposal the clinician was shown:
    if it is no longer the one waiting (decided by someone else, a repeated submission, newer
    data), nothing changes and they are told."""
    if decision not in DECISIONS:
        raise ApplicationError("Confirm or decline.", {"decision": "Confirm or decline."})
    if not reason.strip():
        raise ApplicationError("Say why.", {"reason": "A reason is required."})
    phase = _locked_phase(phase, decided_by)
    require(
        permissions.can_edit_plan(decided_by, phase.plan.case),
        "Only the case's clinicians may decide a step down.",
    )
    programme = dict(phase.programme or {})
    decided = {d.get("trigger") for d in programme.get("decisions") or []}
    if proposal is None or proposal.trigger != trigger or trigger.isoformat() in decided:
        raise ApplicationError(
            "This step down is no longer waiting for a decision: the page was out of date."
        )
    entry = {
        "trigger": trigger.isoformat(),
        "decision": decision,
        "from_stage": proposal.from_stage,
        "to_stage": proposal.to_stage,
        "proposal": proposal.sentence(),
        "reason": reason.strip(),
        "by_id": decided_by.pk,
        "by": decided_by.get_full_name() or decided_by.get_username(),
        "at": timezone.now().isoformat(),
    }
    programme["decisions"] = [*(programme.get("decisions") or []), entry]
    phase.programme = programme
    phase.save(update_fields=["programme"])
    _evaluate_after_commit(phase.plan.case_id)
    return entry
