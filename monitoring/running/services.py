"""Writes of the road back: the pre-injury baseline (typed, or the computed one accepted), the
step rate and cadence goal, and gait checks. Keyword-only, atomic, validating; each change to
the baseline queues the case's evaluation (the ``pre_injury_volume`` criterion reads it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from monitoring.evaluation.queue import request_evaluation
from monitoring.models import GaitCheck
from monitoring.running import selectors
from rehab.errors import ApplicationError

Source = Case.BaselineSource

BASELINE_FIELDS = ("pre_injury_km_week", "pre_injury_runs_week", "pre_injury_minutes_week")


def _save(case: Case, fields: list[str], reason: str) -> Case:
    try:
        case.full_clean(exclude=[f.name for f in Case._meta.fields if f.name not in fields])
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from None
    with transaction.atomic():
        case._change_reason = reason
        case.save(update_fields=fields)
        request_evaluation([case.pk])
    return case


def running_baseline_record(
    *,
    case: Case,
    by: User,
    km_week: Decimal | float | None = None,
    runs_week: Decimal | float | None = None,
    minutes_week: int | None = None,
) -> Case:
    """A clinician (or an integration) enters the pre-injury week: km a week and runs a week,
    or minutes a week for an athlete who does not track distance. All empty clears it."""
    if not permissions.can_record_running_baseline(by, case):
        raise ApplicationError("You may not record this case's running baseline.")
    case.pre_injury_km_week = None if km_week is None else Decimal(str(km_week))
    case.pre_injury_runs_week = None if runs_week is None else Decimal(str(runs_week))
    case.pre_injury_minutes_week = minutes_week
    given = any(v is not None for v in (km_week, runs_week, minutes_week))
    case.pre_injury_source = Source.ENTERED if given else Source.NONE
    case.pre_injury_basis = ""
    fields = [*BASELINE_FIELDS, "pre_injury_source", "pre_injury_basis"]
    return _save(case, fields, "Pre-injury running volume entered")


def running_baseline_accept_computed(*, case: Case, by: User) -> Case:
    """The baseline computed from the sessions before the injury becomes the case's, with the
    weeks and sessions it came from; refused when there are too few weeks to compute it."""
    if not permissions.can_record_running_baseline(by, case):
        raise ApplicationError("You may not record this case's running baseline.")
    computed = selectors.computed_baseline(case)
    if computed is None:
        raise ApplicationError(
            "Not enough running recorded before the injury.",
            {"__all__": "At least 4 weeks of runs before the diagnosis are needed; type it."},
        )
    case.pre_injury_km_week = None if computed.km_week is None else Decimal(str(computed.km_week))
    case.pre_injury_runs_week = Decimal(str(computed.runs_week))
    case.pre_injury_minutes_week = (
        None if computed.minutes_week is None else int(computed.minutes_week)
    )
    case.pre_injury_source = Source.COMPUTED
    case.pre_injury_basis = computed.basis()
    fields = [*BASELINE_FIELDS, "pre_injury_source", "pre_injury_basis"]
    return _save(case, fields, "Pre-injury running volume computed from sessions")


def cadence_goal_set(
    *,
    case: Case,
    by: User,
    step_rate: int | None,
    low_percent: int | None,
    high_percent: int | None,
    computed: bool = False,
) -> Case:
    """A clinician sets the baseline step rate (typed, or ``computed`` from the runs before the
    injury) and the goal as +low–high % on it (Warden et al. 2021: 5–10%). Never a gate."""
    if not permissions.can_set_cadence_goal(by, case):
        raise ApplicationError("Only the case's clinical team sets a cadence goal.")
    source = Source.ENTERED
    if computed:
        rate = selectors.computed_step_rate(case)
        if rate is None:
            raise ApplicationError(
                "No run with a cadence before the injury.",
                {"baseline_step_rate": "No run with a cadence was recorded: type the step rate."},
            )
        step_rate, source = rate.steps, Source.COMPUTED
    if (low_percent is not None or high_percent is not None) and step_rate is None:
        raise ApplicationError(
            "A goal needs the baseline step rate.",
            {"baseline_step_rate": "Give the athlete's step rate to set a goal on it."},
        )
    case.baseline_step_rate = step_rate
    case.baseline_step_rate_source = source if step_rate is not None else Source.NONE
    case.cadence_goal_low_percent = low_percent
    case.cadence_goal_high_percent = high_percent
    fields = [
        "baseline_step_rate",
        "baseline_step_rate_source",
        "cadence_goal_low_percent",
        "cadence_goal_high_percent",
    ]
    return _save(case, fields, "Cadence goal set")


GAIT_FIELDS = (
    "limp",
    "pain_free_gait",
    "pain",
    "cadence",
    "overstriding",
    "crossover",
    "heel_strike",
    "hip_drop",
    "asymmetry",
    "notes",
)


def gait_check_record(
    *, case: Case, by: User, date: dt.date, today: dt.date | None = None, **values: Any
) -> GaitCheck:
    """A clinician's gait checklist, dated (today or earlier), recorded by them."""
    if not permissions.can_record_gait_check(by, case):
        raise ApplicationError("Only the case's clinical team records gait checks.")
    unknown = sorted(set(values) - set(GAIT_FIELDS))
    if unknown:
        raise ApplicationError(
            "Unknown fields.", {name: "Not a gait check field." for name in unknown}
        )
    today = today or timezone.localdate()
    if date > today:
        raise ApplicationError("Check the date.", {"date": "A gait check is today or earlier."})
    check = GaitCheck(case=case, date=date, recorded_by=by, **values)
    if check.limp is None or check.pain_free_gait is None:
        raise ApplicationError(
            "Answer the checklist.",
            {
                name: "Yes or no."
                for name in ("limp", "pain_free_gait")
                if getattr(check, name) is None
            },
        )
    if check.pain_free_gait and check.pain:
        raise ApplicationError(
            "Check the answers.",
            {"pain": f"Pain {check.pain}/10 while walking is not a pain-free gait."},
        )
    try:
        check.full_clean(exclude=["case", "recorded_by"])
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from None
    check.save()
    return check
