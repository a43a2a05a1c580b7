"""The hold on impact phases after a positive bone-health screen, the nutritionist brought in,
and the clinician's bone-health clearance decision that lifts the hold (clinical.md §10).

A positive screen (a REDs light yellow or worse, a restricted Triad score) sets
``Case.bone_health_hold_since``; the ``bone_health_decision`` criterion then keeps any phase
with impact work from being recommended for advancement until a clinician records the
decision (who, when, why) after the screen."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import CareTeamMember, Case, User
from monitoring.care.services.notes import note_create
from monitoring.evaluation.queue import request_evaluation
from monitoring.models import CaseNote, Flag, Notification
from monitoring.webhooks.events import webhook_event
from rehab.errors import ApplicationError

REASON_MAX = 2000


def hold_active(case: Case) -> bool:
    """Impact is held: a positive screen on record and no later decision letting impact go on."""
    since = case.bone_health_hold_since
    if since is None:
        return False
    on = case.bone_health_decision_on
    decided = case.bone_health_decision == Case.BoneHealthDecision.IMPACT
    return not (decided and on is not None and on >= since)


def impact_hold(case: Case, *, on: dt.date) -> None:
    """Hold impact from ``on`` (the screen's date) unless a hold is already running: a positive
    screen after a clinician released impact holds it again."""
    if hold_active(case) and case.bone_health_hold_since <= on:
        return
    case.bone_health_hold_since = on
    case._change_reason = "Impact held after a positive bone-health screen"
    case.save(update_fields=["bone_health_hold_since", "updated_at"])
    request_evaluation([case.pk])


def nutritionist_bring_in(case: Case, *, by: User, summary: str) -> list[Notification]:
    """Bring in the nutritionist: an in-app notice (a task) to each nutritionist on the case,
    and a clinical note for the clinical team saying so (or that the case has no nutritionist
    yet). Nutritionists do not read clinical-audience notes, and a whole-team note would reach
    the coach: the notice is theirs alone."""
    nutritionists = list(
        CareTeamMember.objects.filter(case=case, role=CareTeamMember.Role.NUTRITIONIST)
        .exclude(user=by)
        .values_list("user_id", flat=True)
    )
    ask = (
        "Nutritionist review requested: energy availability, intake and menstrual/hormonal "
        "history. Impact phases are on hold until a clinician records the bone-health "
        "clearance decision on the case's bone-health page."
    )
    notices = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                case=case,
                title=f"{case.athlete}: nutritionist review requested"[:200],
                body=f"{summary}\n{ask}",
                finding="bone_health_review",
            )
            for user_id in nutritionists
        ]
    )
    if permissions.can_write_note(by, case, CaseNote.Audience.CLINICAL):
        who = (
            "The nutritionist has been asked to review."
            if nutritionists
            else "No nutritionist is on the care team: add one to review energy availability."
        )
        note_create(
            case=case,
            author=by,
            audience=CaseNote.Audience.CLINICAL,
            body=f"{summary}\n{who} Impact phases are held until the bone-health clearance "
            "decision is recorded."[:2000],
        )
    return notices


def bone_health_decision_record(
    *,
    case: Case,
    by: User,
    decision: str,
    decided_on: dt.date | None,
    reason: str,
    today: dt.date | None = None,
) -> Case:
    """A clinician's bone-health clearance decision: impact work may progress, or stays on
    hold; with the date and the reason. Read by the ``bone_health_decision`` criterion."""
    if not permissions.can_record_bone_health_decision(by, case):
        raise ApplicationError("Only the case's clinicians record the bone-health decision.")
    today = today or timezone.localdate()
    errors = {}
    if decision not in {Case.BoneHealthDecision.IMPACT, Case.BoneHealthDecision.HOLD}:
        errors["decision"] = "Impact may progress, or keep impact on hold."
    if decided_on is None or decided_on > today:
        errors["decided_on"] = "The date of the decision, today or earlier."
    elif case.bone_health_hold_since and decided_on < case.bone_health_hold_since:
        errors["decided_on"] = (
            f"On or after the positive screen ({case.bone_health_hold_since:%-d %b %Y})."
        )
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "Say why (what the decision rests on)."
    elif len(text) > REASON_MAX:
        errors["reason"] = f"At most {REASON_MAX} characters."
    if errors:
        raise ApplicationError("Check the bone-health decision.", errors)
    with transaction.atomic():
        case.bone_health_decision = decision
        case.bone_health_decision_on = decided_on
        case.bone_health_decision_by = by
        case.bone_health_decision_reason = text
        case._change_reason = "Bone-health clearance decision recorded"
        case.save(
            update_fields=[
                "bone_health_decision",
                "bone_health_decision_on",
                "bone_health_decision_by",
                "bone_health_decision_reason",
                "updated_at",
            ]
        )
        _resolve_flags(case, by, decision)
        request_evaluation([case.pk])
    return case


def _resolve_flags(case: Case, by: User, decision: str) -> None:
    """The clinician's decision answers the open bone-health flags (the review they asked for);
    a hold kept stays on the case and in the projected return."""
    words = dict(Case.BoneHealthDecision.choices)[decision].lower()
    for flag in Flag.objects.filter(
        case=case, kind=Flag.Kind.BONE_HEALTH, status__in=Flag.UNRESOLVED
    ):
        flag.status = Flag.Status.RESOLVED
        flag.resolved_at = timezone.now()
        flag.resolved_by = by
        flag.resolution = f"Bone-health clearance decision recorded: {words}."
        flag.save()
        webhook_event("flag.resolved", [flag])
