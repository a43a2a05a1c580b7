"""What a positive bone-health screen does beyond the flag, and the REDs screen for every
athlete (IOC REDs CAT2, Mountjoy et al., BJSM 2023;57:1073).

A positive screen (a REDs light yellow or worse, a restricted Triad score) holds the case's
impact phases (``Case.bone_health_hold_since``; the ``bone_health_decision`` criterion keeps
any phase with impact work from being recommended for advancement) until a clinician records
a bone-health clearance decision with who, when and why; and it brings in the nutritionist (a
clinical note addressed to them). The conservative plan suggestion follows the case's
positive screen (``Case.bone_health_flags``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from athletes.sites import TRABECULAR_SITES
from monitoring.care import growth, reds
from monitoring.care.services.bone_health import screen_outcome
from monitoring.care.services.workup import close_answered_tasks, workup_sync
from monitoring.ingest.items import assessment_record
from protocols.engine.criteria.case_facts import REDS_INCOMPLETE_TEST, REDS_TEST
from rehab.errors import ApplicationError


def _answers(case: Case, answers: Mapping[str, Any]) -> dict[str, bool | None]:
    clean: dict[str, bool | None] = {}
    errors = {}
    for key, value in answers.items():
        if key not in reds.INDICATORS:
            errors[key] = "Not a REDs indicator."
        elif value in (True, False, None):
            clean[key] = value
        else:
            errors[key] = "Yes, no or not assessed."
    if errors:
        raise ApplicationError("Check the REDs indicators.", errors)
    if case.site in TRABECULAR_SITES:
        # A BSI at a trabecular site is a CAT2 primary indicator by itself (Mountjoy 2023).
        clean["bsi_history"] = True
    return clean


def reds_cat2_record(
    *,
    case: Case,
    by: User,
    date: dt.date,
    answers: Mapping[str, Any],
    notes: str = "",
    today: dt.date | None = None,
):
    """Record a REDs CAT2 screen from its indicators and compute its light (``reds.reds_cat2``).
    Complete: ``reds_screen`` with the light as value (0 green … 3 red); with indicators not
    assessed: ``reds_incomplete`` (unknown to every gate). Yellow or worse, even on a partial
    screen, acts: the case's screen becomes positive (conservative plan suggestion, a flag),
    impact phases are held and the nutritionist is brought in. A complete green screen is
    negative (it resolves the bone-health flags; a hold stays until a clinician decides). The
    work-up's triggers read its answers (``bone_rules.RedsAnswers``): the tasks they ask for
    are created."""
    if not permissions.can_record_bone_health_review(by, case):
        raise ApplicationError("You may not record a bone-health screen on this case.")
    clean = _answers(case, answers)
    sex = case.athlete.sex
    under_18 = growth.is_under_18(case.athlete.date_of_birth, date)
    result = reds.reds_cat2(clean, sex=sex, under_18=under_18)
    lines = [f"REDs CAT2 screen: {result.label}."]
    lines.append(
        f"Primary indicators {result.primary} (a severe one counts as two), secondary "
        f"{result.secondary}."
    )
    lines += [f"Present: {reds.INDICATORS[k][0]}" for k in result.present]
    if result.missing:
        lines.append("Not assessed: " + "; ".join(reds.INDICATORS[k][0] for k in result.missing))
    if (notes or "").strip():
        lines.append(notes.strip())
    with transaction.atomic():
        assessment = assessment_record(
            case=case,
            test=REDS_TEST if result.complete else REDS_INCOMPLETE_TEST,
            value=result.level,
            date=date,
            assessed_by=by,
            notes="\n".join(lines)[:4000],
            today=today,
            screen=True,
            answers={key: clean.get(key) for key in reds.applicable(sex=sex, under_18=under_18)},
        )
        if result.positive or result.complete:
            screen_outcome(
                case,
                positive=result.positive,
                by=by,
                on=date,
                screen="reds",
                title=f"Bone-health screen: REDs {result.at_least}",
                message=(
                    f"REDs screen on {date:%-d %b %Y}: {result.label} (IOC REDs CAT2, "
                    "Mountjoy et al. 2023). Review with the clinical team and the "
                    "nutritionist; impact phases are held until a clinician records the "
                    "bone-health clearance decision."
                ),
            )
        workup_sync(case=case, today=today)  # its answers may ask for the work-up
        if result.complete:  # the REDs review an energy-availability assessment goes with
            close_answered_tasks(case, "reds", by, today or timezone.localdate())
    return assessment, result
