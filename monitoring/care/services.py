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
from athletes.sites import TRABECULAR_SITES
from monitoring.care import rules as care_rules
from monitoring.evaluation import selectors
from monitoring.evaluation.services import assessment_record, athlete_today, request_evaluation
from monitoring.models import Flag, Notification
from monitoring.models.care import CaseNote, EducationCard, Goal, NotificationSetting, Review
from protocols.engine.criteria.case_facts import REDS_TEST, TRIAD_INCOMPLETE_TEST, TRIAD_TEST
from protocols.models import PhaseTemplate, Plan, PlanPhase
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

NOTE_MAX = 4000
GOAL_MAX_OPEN = 5  # "a few short goals" a phase
REVIEW_HORIZON_DAYS = 730


def _enqueue(task_name: str, *args: Any) -> None:
    def send() -> None:
        try:
            enqueue(f"monitoring.tasks.{task_name}", *args)
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


def maintenance_state(case: Case) -> bool:
    """``in_maintenance`` for a case, reading its active plan (two queries)."""
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .first()
    )
    if plan is None:
        return care_rules.in_maintenance(case.status == Case.Status.RETURNED, None, 0)
    last = PlanPhase.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True)
    return care_rules.in_maintenance(
        case.status == Case.Status.RETURNED, plan.current_phase, next(iter(last[:1]), 0)
    )


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
    if not permissions.can_edit_template_library(by):
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
    if not permissions.can_edit_template_library(by):
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
    """Record the review as a Triad cumulative risk assessment, its score computed from the
    items (``care_rules.triad_cra``; a trabecular site scores 2 on the stress-injury item).

    A complete score is recorded as ``bone_health_cra`` and feeds the bone-health criteria of
    the plan; with items missing it is recorded as ``triad_incomplete``, which no gate reads
    as clearance (clinical.md §11). The Triad tool is validated in women only: for a man the
    review is labelled so and the gates read his REDs screen (``reds_screen_record``). A
    restricted score (6 or more) acts (``_screen_outcome``). Vitamin D and the menstrual item
    also update the case's risk factors."""
    if not permissions.can_record_bone_health_review(by, case):
        raise ApplicationError("You may not record a bone-health review on this case.")
    sex = case.athlete.sex
    try:
        result = care_rules.triad_cra(
            points, sex=sex, trabecular_site=case.site in TRABECULAR_SITES
        )
    except ValueError as exc:
        raise ApplicationError("Invalid score.", {"__all__": str(exc)}) from None
    if not any(points.get(key) is not None for key in care_rules.CRA_COMPONENTS):
        raise ApplicationError(
            "Score at least one item.", {"energy": "Score low energy availability at least."}
        )
    vit_d = _decimal(vitamin_d_nmol_l, "vitamin_d_nmol_l", 0, 500)
    calcium = _decimal(calcium_mg, "calcium_mg", 0, 5000)
    lines = [f"Triad cumulative risk score {result.total} — {result.clearance_label}."]
    if sex != "female":
        lines.append(
            "The Triad cumulative risk assessment is validated in women only: not a clearance "
            "for this athlete; use a REDs screen (Mountjoy et al. 2023)."
        )
    counted = dict(result.points)
    for key, (label, meanings) in care_rules.CRA_COMPONENTS.items():
        value = counted.get(key)
        text = "not scored" if value is None else f"{value} ({meanings[value]})"
        if key == "bsi" and case.site in TRABECULAR_SITES and points.get(key) != 2:
            text += " — a trabecular site scores 2 by itself"
        lines.append(f"{label}: {text}")
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
            test=TRIAD_TEST if result.complete else TRIAD_INCOMPLETE_TEST,
            value=result.total,
            date=date,
            assessed_by=by,
            notes="\n".join(lines)[:4000],
            today=today,
            screen=True,
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
        if result.complete and sex == "female":
            restricted = result.clearance == "restricted"
            _screen_outcome(
                case,
                positive=restricted,
                by=by,
                title="Bone-health screen: Triad score restricted",
                message=(
                    f"Triad cumulative risk score {result.total} on {date.isoformat()}: "
                    "restricted from training and competition (6 or more; De Souza et al. "
                    "2014). Review with the clinical team and the nutritionist; the plan "
                    "keeps the athlete off running until a screen clears them."
                ),
            )
    return assessment, result


def reds_screen_record(
    *,
    case: Case,
    by: User,
    date: dt.date,
    positive: Any,
    indicators: Sequence[str] = (),
    notes: str = "",
    today: dt.date | None = None,
):
    """Record a simple REDs screen (IOC REDs CAT2 primary indicators, Mountjoy et al. 2023):
    the indicators found and the clinician's result, positive or negative. The screen used for
    men (the Triad tool is validated in women only) and available for everyone. A positive
    screen acts (``_screen_outcome``)."""
    if not permissions.can_record_bone_health_review(by, case):
        raise ApplicationError("You may not record a bone-health screen on this case.")
    if positive not in (True, False):
        raise ApplicationError(
            "Give the screen's result.", {"positive": "Choose positive or negative."}
        )
    unknown = [i for i in indicators if i not in care_rules.REDS_INDICATORS]
    if unknown:
        raise ApplicationError(
            "Unknown indicator.", {"indicators": "Choose indicators from the list."}
        )
    indicators = list(indicators)
    if case.site in TRABECULAR_SITES and "bsi_history" not in indicators:
        # A BSI at a trabecular site is a REDs CAT2 primary indicator by itself (Mountjoy 2023).
        indicators.append("bsi_history")
    found = [care_rules.REDS_INDICATORS[i] for i in care_rules.REDS_INDICATORS if i in indicators]
    lines = [f"REDs screen {'positive' if positive else 'negative'} (IOC REDs CAT2 indicators)."]
    lines += [f"Present: {text}" for text in found] or ["No primary indicator present."]
    if (notes or "").strip():
        lines.append(notes.strip())
    with transaction.atomic():
        assessment = assessment_record(
            case=case,
            test=REDS_TEST,
            value=1 if positive else 0,
            date=date,
            assessed_by=by,
            notes="\n".join(lines)[:4000],
            today=today,
            screen=True,
        )
        _screen_outcome(
            case,
            positive=positive,
            by=by,
            title="Bone-health screen: REDs screen positive",
            message=(
                f"REDs screen positive on {date.isoformat()}"
                + (f" ({'; '.join(found)})" if found else "")
                + ". Review with the clinical team and the nutritionist (Mountjoy et al. 2023); "
                "the plan keeps the athlete off running until a screen clears them."
            ),
        )
    return assessment


def _screen_outcome(case: Case, *, positive: bool, by: User, title: str, message: str) -> None:
    """What a complete screen changes. Positive (a restricted Triad score or a positive REDs
    screen): the case's screen becomes positive (the plan suggestion turns conservative and the
    case header shows it) and a ``bone_health`` flag is opened for the clinical team on the
    active plan's current phase, with an in-app notice. Negative: the case's screen becomes
    negative and open bone-health flags are resolved by the screen."""
    value = Case.Screen.POSITIVE if positive else Case.Screen.NEGATIVE
    Case.objects.filter(pk=case.pk).update(red_s_screen=value)
    case.red_s_screen = value
    open_flags = Flag.objects.filter(
        case=case, kind=Flag.Kind.BONE_HEALTH, status__in=Flag.UNRESOLVED
    )
    if not positive:
        for flag in open_flags:
            flag.status = Flag.Status.RESOLVED
            flag.resolved_at = timezone.now()
            flag.resolved_by = by
            flag.resolution = "A later bone-health screen cleared the athlete."
            flag.save()
        return
    flag = open_flags.first()
    if flag is not None:
        flag.title, flag.message = title[:200], message
        flag.save()
        return
    plan = (
        Plan.objects.filter(case=case, status=Plan.Status.ACTIVE, current_phase__isnull=False)
        .only("id", "current_phase_id")
        .first()
    )
    if plan is None:  # no phase to hang it on: the case header shows the positive screen
        return
    flag = Flag.objects.create(
        case=case,
        phase_id=plan.current_phase_id,
        kind=Flag.Kind.BONE_HEALTH,
        title=title[:200],
        message=message,
        coach_message="Under review by the medical team.",
        evaluation={"bone_health_screen": {"title": title, "detail": message}},
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                case=case,
                flag=flag,
                title=f"{case.athlete}: {flag.title}"[:200],
                body=message,
            )
            for _, user_id, _ in selectors.clinical_team([case.pk])
        ],
        ignore_conflicts=True,
    )


def femoral_neck_record(
    *,
    case: Case,
    by: User,
    ortho_decision: str | None = None,
    decided_on: dt.date | None = None,
    fracture_line_percent: Any = None,
    effusion: bool | None = None,
    today: dt.date | None = None,
) -> Case:
    """A clinician records femoral neck findings (fracture line as % of the neck width, a hip
    joint effusion) and the orthopaedic decision (surgical or conservative, who and when).

    Only the case's clinicians record them; the evaluation reads them as case
    facts (``records.CASE_FACTS``): the ``orthopaedic_decision`` gate and the
    ``femoral_neck_findings`` red flag (Robertson & Wood 2017)."""
    if not permissions.can_record_orthopaedic_decision(by, case):
        raise ApplicationError("Only the case's clinicians record orthopaedic findings.")
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    fields: list[str] = []
    if fracture_line_percent not in (None, ""):
        try:
            line = int(fracture_line_percent)
        except (TypeError, ValueError):
            line = -1
        if not 0 <= line <= 100:
            errors["fracture_line_percent"] = "A share of the neck width, 0 to 100%."
        else:
            case.fracture_line_percent = line
            fields.append("fracture_line_percent")
    if effusion is not None:
        if effusion not in (True, False):
            errors["effusion"] = "Yes or no."
        else:
            case.effusion = effusion
            fields.append("effusion")
    if ortho_decision not in (None, ""):
        if ortho_decision not in {
            Case.OrthoDecision.CONSERVATIVE,
            Case.OrthoDecision.SURGICAL,
        }:
            errors["ortho_decision"] = "Surgical or conservative management."
        elif decided_on is None or decided_on > today:
            errors["decided_on"] = "The date of the decision, today or earlier."
        else:
            case.ortho_decision = ortho_decision
            case.ortho_decision_on = decided_on
            case.ortho_decision_by = by
            fields += ["ortho_decision", "ortho_decision_on", "ortho_decision_by"]
    if errors:
        raise ApplicationError("Check the femoral neck findings.", errors)
    if not fields:
        raise ApplicationError(
            "Nothing to record.", {"__all__": "Record a finding or the orthopaedic decision."}
        )
    with transaction.atomic():
        case._change_reason = "Femoral neck findings recorded"
        case.save(update_fields=fields)
        request_evaluation([case.pk])
    return case


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
