"""The nutritionist's energy-availability / bone-health review (the Triad cumulative risk
assessment), the REDs screen, what a screen changes on the case, and the femoral neck findings
with the orthopaedic decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from athletes.sites import TRABECULAR_SITES
from monitoring.care import growth
from monitoring.care import rules as care_rules
from monitoring.care.services.bone_hold import impact_hold, nutritionist_bring_in
from monitoring.evaluation import selectors
from monitoring.evaluation.queue import request_evaluation
from monitoring.ingest.items import assessment_record
from monitoring.models import Assessment, Flag, Notification
from monitoring.webhooks.events import webhook_event
from protocols.engine.criteria.case_facts import (
    REDS_INCOMPLETE_TEST,
    REDS_TEST,
    TRIAD_INCOMPLETE_TEST,
    TRIAD_TEST,
)
from protocols.models import Plan
from rehab.errors import ApplicationError


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


def _review_lines(
    case: Case,
    result: care_rules.CraResult,
    points: Mapping[str, int | None],
    vit_d: Decimal | None,
    calcium: Decimal | None,
    intake_concerns: str,
    age: int | None = None,
) -> list[str]:
    """The review's notes, one line each: the score and its clearance, each item, vitamin D,
    calcium and the intake concerns."""
    lines = [f"Triad cumulative risk score {result.total} — {result.clearance_label}."]
    if case.athlete.sex != "female":
        lines.append(
            "The Triad cumulative risk assessment is validated in women only: not a clearance "
            "for this athlete; use a REDs screen (Mountjoy et al. 2023)."
        )
    counted = dict(result.points)
    under_18 = age is not None and age < growth.ADULT_AGE
    for key in care_rules.CRA_COMPONENTS:
        label, meanings = care_rules.component(key, under_18=under_18)
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
        lines.append(f"Calcium intake about {calcium:.0f} mg/day. {growth.calcium_text(age)}")
    if (intake_concerns or "").strip():
        lines.append(f"Intake concerns: {intake_concerns.strip()}")
    return lines


def _update_risk_factors(case: Case, vit_d: Decimal | None, menses: int | None) -> None:
    """The case's vitamin D and menstrual status from the review, where it gives them."""
    changed = []
    if vit_d is not None:
        case.vitamin_d_nmol_l = vit_d
        changed.append("vitamin_d_nmol_l")
    if menses is not None:
        case.menstrual_status = care_rules.MENSES_TO_STATUS[menses]
        changed.append("menstrual_status")
    if changed:  # saved, not updated: the record of changes names who and why
        case._change_reason = "Bone-health review recorded"
        case.save(update_fields=[*changed, "updated_at"])


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
    height_cm: Any = None,
    weight_kg: Any = None,
):
    """Record the review as a Triad cumulative risk assessment, its score computed from the
    items (``care_rules.triad_cra``; a trabecular site scores 2 on the stress-injury item).

    A complete score is recorded as ``bone_health_cra`` and feeds the bone-health criteria of
    the plan; with items missing it is recorded as ``triad_incomplete``, which no gate reads
    as clearance (clinical.md §11). The Triad tool is validated in women only: for a man the
    review is labelled so and the gates read his REDs screen (``reds_cat2_record``). A
    restricted score (6 or more) acts (``_screen_outcome``). Vitamin D and the menstrual item
    also update the case's risk factors."""
    if not permissions.can_record_bone_health_review(by, case):
        raise ApplicationError("You may not record a bone-health review on this case.")
    sex = case.athlete.sex
    age = growth.age_on(case.athlete.date_of_birth, date)
    try:
        points, weighed = growth.weighed_points(
            dict(points), height_cm, weight_kg, age=age, sex=sex
        )
    except ValueError as exc:
        field, message = exc.args
        raise ApplicationError("Check height and weight.", {field: message}) from None
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
    lines = _review_lines(case, result, points, vit_d, calcium, intake_concerns, age)
    if weighed:
        lines.insert(1, f"Body weight: {weighed}.")
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
        _update_risk_factors(case, vit_d, points.get("menses"))
        if result.complete and sex == "female":
            restricted = result.clearance == "restricted"
            screen_outcome(
                case,
                positive=restricted,
                by=by,
                on=date,
                screen="triad",
                title="Bone-health screen: Triad score restricted",
                message=(
                    f"Triad cumulative risk score {result.total} on {date:%-d %b %Y}: "
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
    """Deprecated, kept for the API's existing clients (``reds_result`` on a bone-health
    review): a clinician's positive or negative REDs result with coarse indicators, recorded as
    ``reds_screen`` 0 or 1. The REDs screen is ``bone_screens.reds_cat2_record`` (the IOC REDs
    CAT2, its light computed from each indicator, its answers read by the work-up); the pages
    offer only that one. A positive result acts (``screen_outcome``)."""
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
        screen_outcome(
            case,
            positive=positive,
            by=by,
            on=date,
            screen="reds",
            title="Bone-health screen: REDs screen positive",
            message=(
                f"REDs screen positive on {date:%-d %b %Y}"
                + (f" ({'; '.join(found)})" if found else "")
                + ". Review with the clinical team and the nutritionist (Mountjoy et al. 2023); "
                "the plan keeps the athlete off running until a screen clears them."
            ),
        )
    return assessment


def screen_outcome(
    case: Case,
    *,
    positive: bool,
    by: User,
    title: str,
    message: str,
    on: dt.date | None = None,
    screen: str = "reds",
) -> None:
    """What a complete screen changes (``_screen_outcome``); a positive one also holds impact
    phases from ``on`` until a clinician's decision and brings in the nutritionist
    (``bone_hold``)."""
    _screen_outcome(case, positive=positive, by=by, title=title, message=message, screen=screen)
    if positive:
        impact_hold(case, on=on or timezone.localdate())
        nutritionist_bring_in(case, by=by, summary=message)


def _screen_outcome(
    case: Case, *, positive: bool, by: User, title: str, message: str, screen: str
) -> None:
    """What a complete screen changes. Positive (a restricted Triad score or a positive REDs
    screen): the case's screen becomes positive (the plan suggestion turns conservative and the
    case header shows it) and a ``bone_health`` flag is opened for the clinical team on the
    active plan's current phase, with an in-app notice. Negative: the case's screen becomes
    negative and open bone-health flags are resolved by the screen."""
    if not positive and _other_screen_positive(case, screen):
        return  # a milder screen of one kind never clears the other kind's positive one
    value = Case.Screen.POSITIVE if positive else Case.Screen.NEGATIVE
    if case.red_s_screen != value:  # saved, not updated: the record of changes names who
        case.red_s_screen = value
        case._change_reason = "Bone-health screen recorded"
        case.save(update_fields=["red_s_screen", "updated_at"])
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
            webhook_event("flag.resolved", [flag])
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
    webhook_event("flag.opened", [flag])
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


_TRIAD_FAMILY = (TRIAD_TEST, TRIAD_INCOMPLETE_TEST)
_REDS_FAMILY = (REDS_TEST, REDS_INCOMPLETE_TEST)


def _other_screen_positive(case: Case, screen: str) -> bool:
    """Whether the latest screen of the kind other than ``screen`` (the one just recorded:
    "triad" or "reds") is a positive one: a REDs light yellow or worse, or a restricted Triad
    score (6 or more; women only, the tool being validated in women)."""
    triad = screen == "triad"
    tests = _REDS_FAMILY if triad else _TRIAD_FAMILY
    if not triad and case.athlete.sex != "female":
        return False
    latest = Assessment.objects.filter(case=case, test__in=tests).order_by("-date", "-id").first()
    if latest is None:
        return False
    if latest.test == REDS_TEST:
        return latest.value >= 1
    return latest.test == TRIAD_TEST and latest.value >= 6
