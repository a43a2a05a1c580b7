"""Writes of the bone-health work-up: the facts its triggers read, the tasks they ask for
(created once), the results and the energy-availability records (each closing its task).

Every write checks ``athletes.permissions.can_record_bone_health`` (the nutritionist and the
case's physicians), validates before saving and raises ``ApplicationError`` with field errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Case, User
from monitoring.care import bone_results, workup
from monitoring.care import bone_rules as rules
from monitoring.evaluation.queue import request_evaluation
from monitoring.models import BoneHealthResult, EnergyAvailability, WorkupTask
from rehab.errors import ApplicationError

FACT_FIELDS = ("height_cm", "weight_kg", "eating_history", "periods_last_12_months")
EATING_CHOICES = frozenset({"", rules.EATING_NONE, rules.EATING_DISORDERED, rules.EATING_DISORDER})


def _number(value: Any, name: str, low: float, high: float, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = "Enter a number."
        return None
    if not number.is_finite() or not low <= number <= high:
        errors[name] = f"Between {low:g} and {high:g}."
        return None
    return number


def _require(user: User, case: Case) -> None:
    if not permissions.can_record_bone_health(user, case):
        raise ApplicationError("Only the nutritionist and the case's physicians record this.")


def _day(value: Any, name: str, today: dt.date, errors: dict) -> dt.date | None:
    if not isinstance(value, dt.date):
        errors[name] = "Enter a date."
        return None
    if value > today:
        errors[name] = "Today or earlier."
        return None
    return value


# --- the facts -----------------------------------------------------------------------------------


def bone_facts_update(*, case: Case, by: User, today: dt.date | None = None, **values) -> Case:
    """Height, weight, eating-disorder history and periods in the last 12 months; a blank value
    clears the fact to "not recorded". Then the work-up tasks are brought up to date."""
    _require(by, case)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    unknown = set(values) - set(FACT_FIELDS)
    if unknown:
        raise ApplicationError("Unknown fact.", {k: "Not a bone-health fact." for k in unknown})
    clean: dict[str, Any] = {}
    if "height_cm" in values:
        clean["height_cm"] = _number(values["height_cm"], "height_cm", 50, 250, errors)
    if "weight_kg" in values:
        clean["weight_kg"] = _number(values["weight_kg"], "weight_kg", 20, 250, errors)
    if "periods_last_12_months" in values:
        periods = _number(values["periods_last_12_months"], "periods_last_12_months", 0, 20, errors)
        if periods is not None and periods != periods.to_integral_value():
            errors["periods_last_12_months"] = "A whole number."
        clean["periods_last_12_months"] = None if periods is None else int(periods)
    if "eating_history" in values:
        eating = values["eating_history"] or ""
        if eating not in EATING_CHOICES:
            errors["eating_history"] = "Choose from the list."
        clean["eating_history"] = eating
    if errors:
        raise ApplicationError("Check the bone-health facts.", errors)
    if not clean:
        return case
    with transaction.atomic():
        for name, value in clean.items():
            setattr(case, name, value)
        case._change_reason = "Bone-health facts recorded"
        case.save(update_fields=[*clean, "updated_at"])
        workup_sync(case=case, today=today)
    return case


# --- the tasks -----------------------------------------------------------------------------------


def workup_sync(*, case: Case, today: dt.date | None = None) -> list[WorkupTask]:
    """Create the tasks the met triggers ask for that the case does not have yet and no recent
    result answers (``bone_rules.on_file``: a DXA within a year is not asked again). Idempotent:
    one task per case and kind (a unique constraint; concurrent runs leave one). A task marked
    not needed is never reopened; a task done is reopened only when a trigger asks for it again
    and it was done longer ago than its results stay recent (a low EA in December after an
    energy assessment in October asks for a new one). Returns the tasks created or reopened."""
    today = today or timezone.localdate()
    found = rules.triggers(
        workup.facts_for(case, today, workup.latest_ea(case), workup.latest_reds(case))
    )
    latest = workup.latest_dates(
        list(BoneHealthResult.objects.filter(case=case).values_list("kind", "measured_on")),
        list(EnergyAvailability.objects.filter(case=case).values_list("date", flat=True)),
        workup.latest_reds_screen_date(case),
    )
    due, _ = workup.due_tasks(case, today, found, latest)
    have = set(WorkupTask.objects.filter(case=case).values_list("kind", flat=True))
    reopened = _reopen_stale(case, [d for d in due if d.kind in have], today)
    new = [
        WorkupTask(
            case=case,
            kind=d.kind,
            assignee_role=rules.TASKS[d.kind].role,
            due_on=today + dt.timedelta(days=rules.TASKS[d.kind].due_days),
            reasons="; ".join(d.reasons)[:500],
        )
        for d in due
        if d.kind not in have
    ]
    if new:
        WorkupTask.objects.bulk_create(new, ignore_conflicts=True)
    kinds = [t.kind for t in new] + reopened
    return list(WorkupTask.objects.filter(case=case, kind__in=kinds)) if kinds else []


def _reopen_stale(case: Case, due: list[rules.TaskDue], today: dt.date) -> list[str]:
    """Reopen the done tasks of ``due`` (asked for, no recent result answers them) done longer
    ago than their results stay recent. Returns their kinds."""
    reopened = []
    for d in due:
        spec = rules.TASKS[d.kind]
        count = WorkupTask.objects.filter(
            case=case,
            kind=d.kind,
            status=WorkupTask.Status.DONE,
            closed_on__lt=today - dt.timedelta(days=spec.fresh_days),
        ).update(
            status=WorkupTask.Status.OPEN,
            closed_on=None,
            closed_by=None,
            due_on=today + dt.timedelta(days=spec.due_days),
            reasons="; ".join(d.reasons)[:500],
            updated_at=timezone.now(),
        )
        if count:
            reopened.append(d.kind)
    return reopened


def workup_task_update(
    *,
    task: WorkupTask,
    by: User,
    status: str | None = None,
    reason: str = "",
    due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> WorkupTask:
    """Mark a task done, not needed (with a reason) or open again, or move its due date."""
    today = today or timezone.localdate()
    if not permissions.can_close_workup_task(by, task.case, task.assignee_role):
        raise ApplicationError("This task is not yours to change.")
    errors: dict[str, str] = {}
    if status is not None and status not in WorkupTask.Status.values:
        errors["status"] = "Open, done or not needed."
    if status == WorkupTask.Status.NOT_NEEDED and not (reason or "").strip():
        errors["reason"] = "Say why it is not needed."
    if errors:
        raise ApplicationError("Check the task.", errors)
    with transaction.atomic():
        task = WorkupTask.objects.select_for_update().get(pk=task.pk)
        if due_on is not None:
            task.due_on = due_on
        if status is not None and status != task.status:
            task.status = status
            task.not_needed_reason = (reason or "").strip()[:300] if status == "not_needed" else ""
            task.closed_on = None if status == WorkupTask.Status.OPEN else today
            task.closed_by = None if status == WorkupTask.Status.OPEN else by
        task.save()
    return task


def close_answered_tasks(case: Case, closes: str, by: User, today: dt.date) -> None:
    """Mark done the open tasks a result of kind ``closes`` (a result kind, "ea" or "reds")
    just recorded answers: with every result a ``needs_all`` task asks for recent enough
    (``bone_rules.on_file``); done on the date of its latest answering result."""
    kinds = [k for k, spec in rules.TASKS.items() if closes in spec.closes_with]
    open_kinds = list(
        WorkupTask.objects.filter(
            case=case, kind__in=kinds, status=WorkupTask.Status.OPEN
        ).values_list("kind", flat=True)
    )
    if not open_kinds:
        return
    latest = workup.latest_dates(
        list(BoneHealthResult.objects.filter(case=case).values_list("kind", "measured_on")),
        list(EnergyAvailability.objects.filter(case=case).values_list("date", flat=True)),
        workup.latest_reds_screen_date(case),
    )
    answered = rules.on_file([rules.TaskDue(k) for k in open_kinds], latest, today)
    for kind, answers in answered.items():
        WorkupTask.objects.filter(case=case, kind=kind, status=WorkupTask.Status.OPEN).update(
            status=WorkupTask.Status.DONE,
            closed_on=max(day for _, day in answers),
            closed_by=by,
            updated_at=timezone.now(),
        )


# --- results -------------------------------------------------------------------------------------


def bone_result_record(
    *,
    case: Case,
    by: User,
    kind: str,
    value: Any,
    measured_on: Any,
    unit: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> BoneHealthResult:
    """Record a result in its unit (25(OH)D in nmol/L, or ng/mL converted × 2.5). The task it
    answers is closed; the latest 25(OH)D becomes the case's vitamin D (read by the risk
    factors and the plan suggestion); the case is re-evaluated."""
    _require(by, case)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    spec = bone_results.RESULT_KINDS.get(kind)
    if spec is None:
        raise ApplicationError("Unknown result.", {"kind": "Choose a result from the list."})
    day = _day(measured_on, "measured_on", today, errors)
    entered = _number(value, "value", -1e6, 1e6, errors)
    if value in (None, ""):
        errors["value"] = "Enter the result."
    canonical = None
    if entered is not None:
        try:
            canonical = bone_results.to_canonical(kind, entered, unit or spec.unit)
        except ValueError as exc:
            errors["unit"] = str(exc)
        else:
            if not spec.low <= canonical <= spec.high:
                errors["value"] = f"Between {spec.low:g} and {spec.high:g} {spec.unit}."
    if errors:
        raise ApplicationError("Check the result.", errors)
    with transaction.atomic():
        result = BoneHealthResult.objects.create(
            case=case,
            kind=kind,
            value=canonical,
            unit=spec.unit,
            entered_value=entered,
            entered_unit=unit or spec.unit,
            measured_on=day,
            note=(note or "").strip()[:300],
            recorded_by=by,
        )
        close_answered_tasks(case, kind, by, today)
        if kind == "vitamin_d":
            _feed_vitamin_d(case)
        request_evaluation([case.pk])
    return result


def _feed_vitamin_d(case: Case) -> None:
    latest = (
        BoneHealthResult.objects.filter(case=case, kind="vitamin_d")
        .order_by("-measured_on", "-id")
        .values_list("value", flat=True)
        .first()
    )
    if latest is not None and latest <= 500:
        case.vitamin_d_nmol_l = latest.quantize(Decimal("0.1"))
        case._change_reason = "25(OH)D result recorded"  # the record of changes says why
        case.save(update_fields=["vitamin_d_nmol_l", "updated_at"])


# --- energy availability -------------------------------------------------------------------------


def _same_day(case: Case, day: dt.date) -> ApplicationError:
    first = EnergyAvailability.objects.filter(case=case, date=day).first()
    what = f" (EA {first.ea}, by {first.recorded_by or 'someone'})" if first else ""
    return ApplicationError(
        "A record of that date exists.",
        {
            "date": f"An energy-availability record of {day:%-d %b %Y} exists{what}. Record "
            "this one as a correction of it to replace it, or choose another date."
        },
    )


def energy_availability_record(
    *,
    case: Case,
    by: User,
    date: Any,
    intake_kcal: Any,
    exercise_kcal: Any,
    ffm_kg: Any,
    note: str = "",
    today: dt.date | None = None,
    replace: bool = False,
) -> EnergyAvailability:
    """Record intake, exercise energy expenditure and fat-free mass for a date; EA is computed
    (``bone_rules.energy_availability``). One record per case and date: a second one for the
    same date is refused with a field error unless ``replace`` says to correct the first.
    Closes the energy-availability task; a low EA may ask for the work-up (``workup_sync``)."""
    _require(by, case)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    day = _day(date, "date", today, errors)
    intake = _number(intake_kcal, "intake_kcal", 0, 15000, errors)
    eee = _number(exercise_kcal, "exercise_kcal", 0, 15000, errors)
    ffm = _number(ffm_kg, "ffm_kg", 0, 200, errors)
    for name, got in (("intake_kcal", intake), ("exercise_kcal", eee), ("ffm_kg", ffm)):
        if got is None and name not in errors:
            errors[name] = "Required."
    if ffm is not None and ffm <= 0:
        errors["ffm_kg"] = "Fat-free mass must be more than 0 kg."
    for name, got in (("intake_kcal", intake), ("exercise_kcal", eee)):
        if got is not None and got != got.to_integral_value():
            errors[name] = "Whole kilocalories."
    if errors:
        raise ApplicationError("Check the energy-availability record.", errors)
    ea = rules.energy_availability(intake, eee, ffm)
    values = {
        "intake_kcal": int(intake),
        "exercise_kcal": int(eee),
        "ffm_kg": ffm.quantize(Decimal("0.1")),
        "ea": ea,
        "note": (note or "").strip()[:300],
        "recorded_by": by,
    }
    with transaction.atomic():
        if replace:
            record, _ = EnergyAvailability.objects.update_or_create(
                case=case, date=day, defaults=values
            )
        else:
            try:
                with transaction.atomic():  # a savepoint: a concurrent twin loses cleanly
                    record = EnergyAvailability.objects.create(case=case, date=day, **values)
            except IntegrityError:
                raise _same_day(case, day) from None
        workup_sync(case=case, today=today)  # a low EA may ask for the work-up...
        close_answered_tasks(case, "ea", by, today)  # ...whose energy assessment this is
    return record
