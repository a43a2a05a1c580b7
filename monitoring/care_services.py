"""Writes of care-team communication: notes, reviews, goals, education cards, the bone-health
review and notification settings. Keyword-only, atomic, validating, raising ``ApplicationError``.

E-mails are queued with ``transaction.on_commit`` (never from a signal): a worker reads only
what was committed, and a broker that is down never undoes the write.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import CareTeamMember, Case, User
from protocols.models import PhaseTemplate, Plan, PlanPhase
from rehab.errors import ApplicationError

from . import care_rules, selectors
from .models import Flag
from .models_care import CaseNote, EducationCard, Goal, NotificationSetting, Review
from .services import assessment_record, athlete_today

logger = logging.getLogger(__name__)

NOTE_MAX = 4000
GOAL_MAX_OPEN = 5  # "a few short goals" a phase
REVIEW_HORIZON_DAYS = 730


def _enqueue(task_name: str, *args: Any) -> None:
    def send() -> None:
        from . import care_tasks

        try:
            getattr(care_tasks, task_name).delay(*args)
        except Exception:  # broker down: the record stands; the nightly run or a person follows up
            logger.exception("Could not queue %s%r", task_name, args)

    transaction.on_commit(send)


# --- notes --------------------------------------------------------------------------------------


def note_create(
    *,
    case: Case,
    author: User,
    audience: str,
    body: str,
    addressed_to: User | None = None,
    flag: Flag | None = None,
) -> CaseNote:
    """A note for an audience the author reads; addressed to a care-team member who may read it
    (e-mailed to them unless they opted out), and linked to a flag of the same case."""
    if audience not in CaseNote.Audience.values:
        raise ApplicationError("Unknown audience.", {"audience": "Choose who may read the note."})
    if not permissions.can_write_note(author, case):
        raise ApplicationError("You may not write notes on this case.")
    if not permissions.can_write_note(author, case, audience):
        raise ApplicationError(
            "You may not write for that audience.",
            {"audience": "Choose an audience you belong to yourself."},
        )
    text = (body or "").strip()
    if not text:
        raise ApplicationError("The note is empty.", {"body": "Write the note."})
    if len(text) > NOTE_MAX:
        raise ApplicationError(
            "The note is too long.", {"body": f"At most {NOTE_MAX} characters ({len(text)})."}
        )
    if addressed_to is not None:
        role = (
            CareTeamMember.objects.filter(case=case, user=addressed_to)
            .values_list("role", flat=True)
            .first()
        )
        if role is None or not permissions.can_be_addressed(role, audience):
            raise ApplicationError(
                "That person cannot read a note for this audience.",
                {"addressed_to": "Choose someone on the care team who may read this note."},
            )
    if flag is not None and flag.case_id != case.pk:
        raise ApplicationError("That flag is on another case.", {"flag": "Choose a flag."})
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            author=author,
            audience=audience,
            body=text,
            addressed_to=addressed_to,
            flag=flag,
        )
        if addressed_to is not None and addressed_to.pk != author.pk:
            _enqueue("send_note_email", note.pk)
    return note


# --- reviews ------------------------------------------------------------------------------------


def in_maintenance(case: Case, phase: PlanPhase | None, last_order: int) -> bool:
    """A case is in its maintenance (full return) phase when its active plan is in its last
    phase (the highest order: orders may have gaps after edits), or when it has returned."""
    if case.status == Case.Status.RETURNED:
        return True
    return bool(phase and last_order and phase.order >= last_order)


def maintenance_state(case: Case) -> bool:
    """``in_maintenance`` for a case, reading its active plan (two queries)."""
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    if plan is None:
        return in_maintenance(case, None, 0)
    last = PlanPhase.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True)
    return in_maintenance(case, plan.current_phase, next(iter(last[:1]), 0))


def review_schedule(
    *,
    case: Case,
    by: User,
    kind: str,
    due_on: dt.date,
    booster: bool = False,
    repeat_weeks: int | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Review:
    today = today or athlete_today()
    if not permissions.can_schedule_review(by, case):
        raise ApplicationError("Only the case's clinicians schedule reviews.")
    errors: dict[str, str] = {}
    if kind not in Review.Kind.values:
        errors["kind"] = "Choose a clinic visit, a call or imaging."
    if not isinstance(due_on, dt.date):
        errors["due_on"] = "Enter a date as YYYY-MM-DD."
    elif due_on < today:
        errors["due_on"] = f"Choose today ({today:%d %b %Y}) or a later day."
    elif due_on > today + dt.timedelta(days=REVIEW_HORIZON_DAYS):
        errors["due_on"] = "Choose a date within two years."
    if repeat_weeks is not None and not booster:
        errors["repeat_weeks"] = "Only booster reviews repeat."
    if repeat_weeks is not None and not 1 <= repeat_weeks <= 52:
        errors["repeat_weeks"] = "Every 1 to 52 weeks."
    if len(note or "") > 300:
        errors["note"] = "At most 300 characters."
    if errors:
        raise ApplicationError("Please correct the review.", errors)
    if booster and not maintenance_state(case):
        raise ApplicationError(
            "Booster reviews are for a case in its full-return (maintenance) phase.",
            {"booster": "This case is not in its full-return phase yet."},
        )
    return Review.objects.create(
        case=case,
        kind=kind,
        due_on=due_on,
        booster=booster,
        repeat_weeks=repeat_weeks if booster else None,
        note=(note or "").strip(),
        scheduled_by=by,
    )


@transaction.atomic
def review_complete(
    *, review: Review, by: User, on: dt.date | None = None, today: dt.date | None = None
) -> Review | None:
    """Mark a scheduled review done. A repeating booster schedules its next one; returns it."""
    today = today or athlete_today()
    on = on or today
    if not permissions.can_schedule_review(by, review.case):
        raise ApplicationError("Only the case's clinicians complete reviews.")
    if on > today:
        raise ApplicationError(
            "A review cannot be done in the future.", {"on": "Today or earlier."}
        )
    # Conditional update: two clicks complete it once and schedule one next booster.
    changed = Review.objects.filter(pk=review.pk, status=Review.Status.SCHEDULED).update(
        status=Review.Status.DONE, done_on=on, done_by=by
    )
    if not changed:
        raise ApplicationError("This review is no longer scheduled.")
    review.refresh_from_db()
    if review.booster and review.repeat_weeks:
        return Review.objects.create(
            case=review.case,
            kind=review.kind,
            due_on=care_rules.next_booster(on, review.repeat_weeks),
            booster=True,
            repeat_weeks=review.repeat_weeks,
            note=review.note,
            scheduled_by=by,
        )
    return None


def review_cancel(*, review: Review, by: User) -> None:
    if not permissions.can_schedule_review(by, review.case):
        raise ApplicationError("Only the case's clinicians cancel reviews.")
    changed = Review.objects.filter(pk=review.pk, status=Review.Status.SCHEDULED).update(
        status=Review.Status.CANCELLED
    )
    if not changed:
        raise ApplicationError("This review is no longer scheduled.")


def review_claim_overdue_notice(*, review_id: int, today: dt.date) -> bool:
    """Claim the overdue e-mail of a review: once per review, whatever runs overlap."""
    return bool(
        Review.objects.filter(
            pk=review_id,
            status=Review.Status.SCHEDULED,
            due_on__lt=today,
            overdue_notified_on__isnull=True,
        ).update(overdue_notified_on=today)
    )


# --- goals --------------------------------------------------------------------------------------


def goal_create(
    *, case: Case, by: User, text: str, due_on: dt.date | None = None, today: dt.date | None = None
) -> Goal:
    """A goal for the case's current phase (of its active plan)."""
    today = today or athlete_today()
    if not permissions.can_set_goal(by, case):
        raise ApplicationError("You may not set goals on this case.")
    clean = (text or "").strip()
    if len(clean) < 3:
        raise ApplicationError("The goal is empty.", {"text": "Write a short goal."})
    if len(clean) > 140:
        raise ApplicationError("The goal is too long.", {"text": "At most 140 characters."})
    if due_on is not None and due_on < today:
        raise ApplicationError("The date has passed.", {"due_on": "Today or a later day."})
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    if plan is None or plan.current_phase is None:
        raise ApplicationError("Goals belong to a phase: this case has no phase under way.")
    with transaction.atomic():
        open_goals = Goal.objects.select_for_update().filter(
            case=case, phase=plan.current_phase, done_at__isnull=True
        )
        if len(open_goals) >= GOAL_MAX_OPEN:
            raise ApplicationError(
                "Enough goals for now.",
                {"text": f"At most {GOAL_MAX_OPEN} open goals a phase: tick or finish one first."},
            )
        return Goal.objects.create(
            case=case, phase=plan.current_phase, text=clean, due_on=due_on, set_by=by
        )


def goal_tick(*, goal: Goal, by: User, done: bool = True) -> Goal:
    if not permissions.can_tick_goal(by, goal.case):
        raise ApplicationError("You may not tick goals on this case.")
    goal.done_at = timezone.now() if done else None
    goal.save(update_fields=["done_at"])
    return goal


# --- education cards ----------------------------------------------------------------------------


def education_card_save(
    *,
    phase: PhaseTemplate,
    by: User,
    title: str,
    body: str,
    sources: Sequence[str],
    card: EducationCard | None = None,
) -> EducationCard:
    """Edit a card of a template's phase, or add one (``card`` None)."""
    from protocols.views import can_edit_templates

    if not can_edit_templates(by):
        raise ApplicationError("Only clinicians and physiotherapists edit education cards.")
    if card is not None and card.phase_id != phase.pk:
        raise ApplicationError("That card belongs to another phase.")
    errors: dict[str, str] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors["title"] = "Give the card a title."
    elif len(title) > 120:
        errors["title"] = "At most 120 characters."
    if not body:
        errors["body"] = "Write the card."
    elif len(body) > 2000:
        errors["body"] = "At most 2,000 characters: keep it short for the athlete."
    clean_sources = [s.strip() for s in sources if s and s.strip()]
    if not clean_sources:
        errors["sources"] = "Give at least one source, one a line."
    if errors:
        raise ApplicationError("Please correct the card.", errors)
    if card is None:
        taken = set(EducationCard.objects.filter(phase=phase).values_list("key", flat=True))
        n = len(taken) + 1
        while f"custom-{n}" in taken:
            n += 1
        card = EducationCard(phase=phase, key=f"custom-{n}", order=len(taken))
    card.title, card.body, card.sources = title, body, clean_sources
    card.save()
    return card


def education_card_delete(*, card: EducationCard, by: User) -> None:
    from protocols.views import can_edit_templates

    if not can_edit_templates(by):
        raise ApplicationError("Only clinicians and physiotherapists edit education cards.")
    card.delete()


def cards_snapshot(phases: Sequence[PhaseTemplate]) -> list[tuple[PhaseTemplate, list[dict]]]:
    """The cards of phases about to be deleted, to be restored onto their replacements."""
    cards: dict[int, list[dict]] = {}
    for c in EducationCard.objects.filter(phase__in=list(phases)):
        cards.setdefault(c.phase_id, []).append(
            {"key": c.key, "title": c.title, "body": c.body, "sources": c.sources, "order": c.order}
        )
    return [(p, cards.get(p.pk, [])) for p in phases]


def cards_restore(
    snapshot: Sequence[tuple[PhaseTemplate, list[dict]]], new_phases: Sequence[PhaseTemplate]
) -> int:
    by_name = {p.name: p for p in new_phases}
    by_order = {p.order: p for p in new_phases}
    rows = []
    for old, cards in snapshot:
        new = by_name.get(old.name) or by_order.get(old.order)
        if new is None or new.pk is None:
            continue
        rows += [EducationCard(phase=new, **c) for c in cards]
    EducationCard.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- the nutritionist's energy-availability / bone-health review ----------------------------------


def _decimal(value: Any, field: str, low: float, high: float) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError("Invalid number.", {field: "Enter a number."}) from None
    if not low <= number <= high:
        raise ApplicationError("Out of range.", {field: f"Between {low:g} and {high:g}."})
    return number


def bone_health_review_record(
    *,
    case: Case,
    by: User,
    date: dt.date,
    points: Mapping[str, int | None],
    vitamin_d_nmol_l: Any = None,
    calcium_mg: Any = None,
    intake_concerns: str = "",
    today: dt.date | None = None,
):
    """Record the review as a Triad cumulative risk assessment (``bone_health_cra``): its total
    feeds the bone-health criteria of the plan (``{"kind": "assessment", "test":
    "bone_health_cra", "max": 5}`` in the shipped templates). Vitamin D and the menstrual item
    also update the case's risk factors."""
    if not permissions.can_record_bone_health_review(by, case):
        raise ApplicationError("You may not record a bone-health review on this case.")
    try:
        result = care_rules.triad_cra(points)
    except ValueError as exc:
        raise ApplicationError("Invalid score.", {"__all__": str(exc)}) from None
    if result.scored == 0:
        raise ApplicationError(
            "Score at least one item.", {"energy": "Score low energy availability at least."}
        )
    vit_d = _decimal(vitamin_d_nmol_l, "vitamin_d_nmol_l", 0, 500)
    calcium = _decimal(calcium_mg, "calcium_mg", 0, 5000)
    lines = [f"Triad cumulative risk score {result.total} — {result.clearance_label}."]
    for key, (label, meanings) in care_rules.CRA_COMPONENTS.items():
        value = points.get(key)
        lines.append(
            f"{label}: " + ("not scored" if value is None else f"{value} ({meanings[value]})")
        )
    if vit_d is not None:
        lines.append(
            f"25(OH)D {vit_d:g} nmol/L"
            + (" — below 75" if vit_d < 75 else " — below 100" if vit_d < 100 else "")
        )
    if calcium is not None:
        lines.append(f"Calcium intake about {calcium:.0f} mg/day (reference 1,000; 1,300 at 14–18)")
    if (intake_concerns or "").strip():
        lines.append(f"Intake concerns: {intake_concerns.strip()}")
    with transaction.atomic():
        assessment = assessment_record(
            case=case,
            test="bone_health_cra",
            value=result.total,
            date=date,
            assessed_by=by,
            notes="\n".join(lines)[:4000],
            today=today,
        )
        changed = []
        if vit_d is not None:
            case.vitamin_d_nmol_l = vit_d
            changed.append("vitamin_d_nmol_l")
        menses = points.get("menses")
        if menses is not None:
            case.menstrual_status = care_rules.MENSES_TO_STATUS[menses]
            changed.append("menstrual_status")
        if changed:
            Case.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in changed})
    return assessment, result


# --- notification settings ----------------------------------------------------------------------


def notification_settings_for(user: User) -> NotificationSetting:
    """The person's settings (unsaved defaults when they never changed them)."""
    found = NotificationSetting.objects.filter(user=user).first()
    return found or NotificationSetting(user=user)


def notification_settings_update(*, user: User, **kinds: bool) -> NotificationSetting:
    unknown = set(kinds) - set(NotificationSetting.KINDS)
    if unknown:
        raise ApplicationError("Unknown notification kind.", {k: "Unknown." for k in unknown})
    setting, _ = NotificationSetting.objects.update_or_create(
        user=user, defaults={k: bool(v) for k, v in kinds.items()}
    )
    return setting


def wants(user_ids: Sequence[int], kind: str) -> set[int]:
    """Of these people, those who get e-mails of this kind (on unless they opted out)."""
    if kind not in NotificationSetting.KINDS:
        raise ValueError(kind)
    off = set(
        NotificationSetting.objects.filter(user_id__in=list(user_ids), **{kind: False}).values_list(
            "user_id", flat=True
        )
    )
    return {u for u in user_ids if u not in off}


def clinical_team_ids(case_ids: Sequence[int]) -> dict[int, list[int]]:
    """Case id → active clinical care-team members with an e-mail address, their role not
    withdrawn by the athlete (``selectors.clinical_team``, one query)."""
    out: dict[int, list[int]] = {}
    for case_id, user_id, email in selectors.clinical_team(case_ids):
        if email:
            out.setdefault(case_id, []).append(user_id)
    return out
