"""Psychological readiness: TSK-11 and I-PRRS answered item by item (their totals computed,
never typed), and the one-click involvement of the clinic's psychologist when fear of movement
is high."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from athletes import permissions
from athletes.audit import audited
from athletes.models import CareTeamMember, Case, User
from athletes.services import care_team_add
from monitoring.care import readiness_rules as rules
from monitoring.ingest.checks import athlete_today, check_date
from monitoring.ingest.items import assessment_record
from monitoring.models import ReadinessQuestionnaire
from rehab.errors import ApplicationError


def _notes(instrument: str, scored: rules.Scored) -> str:
    spec = rules.INSTRUMENTS[instrument]
    answers = ", ".join(f"{n}: {v}" for n, v in enumerate(scored.items, start=1))
    return f"{spec.name} computed from its {len(spec.items)} items ({answers})."


@transaction.atomic
@audited(by="by", reason="Readiness questionnaire recorded")
def readiness_record(
    *,
    case: Case,
    by: User,
    instrument: str,
    date: dt.date,
    items: Sequence[Any],
    today: dt.date | None = None,
) -> ReadinessQuestionnaire:
    """Record the answers; a complete questionnaire's total (``readiness_rules.score``) is also
    recorded as its ``Assessment`` for the plan's criteria. An incomplete one keeps its answers
    and no total: no rule reads it (unknown is never met). The same answers sent again for the
    same day return the record already made (a repeated submission)."""
    if not permissions.can_record_readiness(by, case):
        raise ApplicationError("You may not record questionnaires on this case.")
    if instrument not in rules.INSTRUMENTS:
        raise ApplicationError("Unknown questionnaire.", {"instrument": "Choose TSK-11 or I-PRRS."})
    check_date(date, today=today or athlete_today(case.athlete))
    try:
        scored = rules.score(instrument, list(items))
    except ValueError as exc:
        raise ApplicationError("Please correct the answers below.", exc.args[0]) from None
    if all(v is None for v in scored.items):
        raise ApplicationError("No answer given.", {"items": "Answer the questionnaire."})
    Case.objects.select_for_update().filter(pk=case.pk).first()  # serialise repeats
    same = ReadinessQuestionnaire.objects.filter(
        case=case, instrument=instrument, date=date, items=scored.items
    ).first()
    if same is not None:
        return same
    assessment = None
    if scored.total is not None:
        assessment = assessment_record(
            case=case,
            test=instrument,
            value=scored.total,
            date=date,
            assessed_by=by,
            notes=_notes(instrument, scored),
            today=today,
        )
    return ReadinessQuestionnaire.objects.create(
        case=case,
        instrument=instrument,
        date=date,
        items=scored.items,
        total=scored.total,
        assessment=assessment,
        recorded_by=by,
    )


def clinic_psychologists(case: Case) -> list[User]:
    """The active psychologists of the case's clinic (whom the suggestion offers)."""
    clinic_id = case.athlete.clinic_id
    if clinic_id is None:
        return []
    return list(
        User.objects.filter(
            clinic_id=clinic_id, kind=User.Kind.PSYCHOLOGIST, is_active=True
        ).order_by("last_name", "first_name", "pk")
    )


def psychologist_involve(*, case: Case, by: User, psychologist: User) -> CareTeamMember:
    """Add a psychologist of the clinic to the case's care team (the care team's own service,
    which checks who may add whom)."""
    if not permissions.can_involve_psychologist(by, case):
        raise ApplicationError("Only the case's clinicians change its care team.")
    if psychologist.kind != User.Kind.PSYCHOLOGIST:
        raise ApplicationError("Not a psychologist.", {"user": "Choose a psychologist."})
    return care_team_add(
        case=case, user=psychologist, role=CareTeamMember.Role.PSYCHOLOGIST, added_by=by
    )
