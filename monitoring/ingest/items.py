"""Recording one item at a time: an athlete's day, a training session, wearable samples, a test
result. The checks and value handling are the bulk requests' (``monitoring.ingest.checks``);
each write asks for the evaluation of the cases it changes once it commits
(``monitoring.evaluation.queue``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes import permissions
from athletes.audit import audited
from athletes.models import Athlete, Case, User
from monitoring.evaluation.queue import request_evaluation
from monitoring.ingest.checks import (
    active_cases_for_logging,
    athlete_today,
    check_date,
    full_clean,
    log_values,
    reject_unknown,
    session_values,
)
from monitoring.models import ActivitySession, Assessment, DailyLog, DeviceMetric, Shoe, Source
from monitoring.schema import LOG_FIELDS, SESSION_FIELDS
from monitoring.webhooks.events import webhook_event
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from rehab.errors import ApplicationError

COMPUTED_TESTS = frozenset({*SCREEN_TESTS, "strength_symmetry"})
"""Tests whose value is computed, never typed: the bone-health screens (from their items) and
strength symmetry (from a test battery's dynamometer, ``monitoring.ingest.batteries``)."""

KEEP = object()
"""A keyword's default meaning "leave what is stored as it is"."""


def daily_log_record(
    *,
    athlete: Athlete,
    date: dt.date,
    submitted_by: User,
    source: str = Source.WEB,
    fields: Mapping[str, Any],
    today: dt.date | None = None,
) -> tuple[DailyLog, bool]:
    """Record an athlete's day; recording the same day again updates it.

    Returns (log, created). Safe under concurrent submissions of the same day: one row stays.
    """
    today = today or athlete_today(athlete)
    check_date(date, today=today)
    reject_unknown(fields, LOG_FIELDS, "Not a daily-log field.")
    cases = active_cases_for_logging(athlete, submitted_by)
    values = log_values(fields)
    probe = DailyLog(athlete=athlete, date=date, source=source, submitted_by=submitted_by, **values)
    full_clean(probe, exclude=["athlete", "submitted_by"])
    defaults = {**values, "source": source, "submitted_by": submitted_by}
    with transaction.atomic():
        try:
            with transaction.atomic():
                log, created = update_or_create_if_changed(
                    DailyLog, {"athlete": athlete, "date": date}, defaults
                )
        except IntegrityError:  # the same day posted twice at once: the other insert won
            log = DailyLog.objects.select_for_update().get(athlete=athlete, date=date)
            for key, value in defaults.items():
                setattr(log, key, value)
            log.save()
            created = False
        request_evaluation(c.pk for c in cases)
    return log, created


def update_or_create_if_changed(model, lookup: dict, defaults: dict) -> tuple[Any, bool]:
    """``update_or_create``, except that a row already holding ``defaults`` is left as it is:
    its ``updated_at`` keeps the moment it was recorded. A day sent again unchanged (a phone's
    outbox, a watch re-sending its week) is then no late record that the rules would judge
    again (``Snapshot.recorded_late``)."""
    existing = model.objects.select_for_update().filter(**lookup).first()
    if existing is None:  # an insert racing another raises IntegrityError: the caller's case
        return model.objects.create(**lookup, **defaults), True

    def same(name: str, value: Any) -> bool:
        field = model._meta.get_field(name)
        if field.is_relation:
            return getattr(existing, field.attname) == (value.pk if value is not None else None)
        return getattr(existing, name) == value

    changed = [name for name, value in defaults.items() if not same(name, value)]
    if changed:
        for name in changed:
            setattr(existing, name, defaults[name])
        existing.save(update_fields=changed)  # MovesUpdatedAt adds updated_at
    return existing, False


def activity_session_record(
    *,
    athlete: Athlete,
    date: dt.date,
    submitted_by: User,
    fields: Mapping[str, Any],
    source: str = Source.WEB,
    external_id: str = "",
    today: dt.date | None = None,
    shoe: Shoe | None | object = KEEP,
    started_at: dt.datetime | None = None,
) -> tuple[ActivitySession, bool]:
    """Record a training session; with an external id, a repeat updates instead of adding.

    ``shoe``: one of the athlete's named pairs, or None for none; by default a repeat keeps the
    pair it had. ``started_at``: when a watch started it (an activity file's)."""
    today = today or athlete_today(athlete)
    check_date(date, today=today)
    reject_unknown(fields, SESSION_FIELDS, "Not a session field.")
    cases = active_cases_for_logging(athlete, submitted_by)
    values = session_values(fields)
    if shoe is not KEEP:
        if shoe is not None and shoe.athlete_id != athlete.pk:
            message = "Choose one of your own pairs of shoes."
            raise ApplicationError(message, {"shoe": message})
        values["shoe"] = shoe
    if started_at is not None:
        values["started_at"] = started_at
    probe = ActivitySession(
        athlete=athlete, date=date, source=source, external_id=external_id, **values
    )
    full_clean(probe, exclude=["athlete", "submitted_by"])
    with transaction.atomic():
        if external_id:
            try:
                with transaction.atomic():
                    session, created = update_or_create_if_changed(
                        ActivitySession,
                        {"athlete": athlete, "source": source, "external_id": external_id},
                        {**values, "date": date, "submitted_by": submitted_by},
                    )
            except IntegrityError:
                session = ActivitySession.objects.get(
                    athlete=athlete, source=source, external_id=external_id
                )
                created = False
        else:
            probe.submitted_by = submitted_by
            probe.save()
            session, created = probe, True
        request_evaluation(c.pk for c in cases)
        if created:
            webhook_event("session.created", [session])
    return session, created


def activity_session_delete(*, session: ActivitySession, deleted_by: User) -> None:
    cases = active_cases_for_logging(session.athlete, deleted_by)
    with transaction.atomic():
        session.delete()
        request_evaluation(c.pk for c in cases)


def source_record_delete(*, obj: ActivitySession | DeviceMetric, deleted_by: User) -> None:
    """A session or device sample taken back by the source that sent it (a mistaken upload):
    ``permissions.can_delete_record``; the athlete's cases are evaluated again without it."""
    cases = list(Case.objects.filter(athlete_id=obj.athlete_id, status=Case.Status.ACTIVE))
    allowed = [
        c for c in cases if permissions.can_delete_record(deleted_by, c, obj.submitted_by_id)
    ]
    if not allowed:
        raise ApplicationError("Only the source that sent it may delete it.")
    with transaction.atomic():
        obj.delete()
        request_evaluation(c.pk for c in allowed)


def device_metrics_ingest(
    *,
    athlete: Athlete,
    samples: Sequence[Mapping[str, Any]],
    submitted_by: User,
    today: dt.date | None = None,
) -> tuple[int, int]:
    """Store wearable samples; a sample already stored (same source + external id) is skipped.

    Each sample: metric, value, recorded_at (aware datetime), source, external_id; unit is
    optional and must match the metric's unit. Returns (created, skipped as repeats).
    """
    today = today or athlete_today(athlete)
    active_cases_for_logging(athlete, submitted_by)
    rows, errors = [], {}
    for index, sample in enumerate(samples):
        metric = sample.get("metric")
        unit = DeviceMetric.UNITS.get(metric or "")
        if unit is None:
            errors[f"{index}.metric"] = "Unknown metric."
            continue
        if sample.get("unit") not in (None, "", unit):
            errors[f"{index}.unit"] = f"{metric} is recorded in {unit}."
            continue
        recorded_at = sample.get("recorded_at")
        if not isinstance(recorded_at, dt.datetime) or timezone.is_naive(recorded_at):
            errors[f"{index}.recorded_at"] = "Give a date and time with its time zone."
            continue
        day = timezone.localdate(recorded_at, athlete.zone)
        if day > today:
            errors[f"{index}.recorded_at"] = "Samples cannot be from the future."
            continue
        try:
            value = float(sample.get("value"))
        except (TypeError, ValueError):
            errors[f"{index}.value"] = "Enter a number."
            continue
        if value != value or value < 0 or value > 1e7:  # NaN, negative, absurd
            errors[f"{index}.value"] = "Out of range."
            continue
        if not sample.get("source") or not sample.get("external_id"):
            errors[f"{index}.external_id"] = "Source and external id are required."
            continue
        rows.append(
            DeviceMetric(
                athlete=athlete,
                metric=metric,
                value=value,
                unit=unit,
                recorded_at=recorded_at,
                date=day,
                source=str(sample["source"])[:60],
                external_id=str(sample["external_id"])[:120],
                submitted_by=submitted_by,
            )
        )
    if errors:
        raise ApplicationError("Some samples are invalid.", errors)
    with transaction.atomic():
        before = DeviceMetric.objects.filter(athlete=athlete).count()
        DeviceMetric.objects.bulk_create(rows, ignore_conflicts=True)
        created = DeviceMetric.objects.filter(athlete=athlete).count() - before
    return created, len(rows) - created


@audited(by="assessed_by", reason=lambda kw: kw.get("notes") or "Assessment recorded")
def assessment_record(
    *,
    case: Case,
    test: str,
    value: Any,
    date: dt.date,
    assessed_by: User,
    pain: int | None = None,
    notes: str = "",
    today: dt.date | None = None,
    screen: bool = False,
    answers: dict | None = None,
) -> Assessment:
    """Record a test result. The bone-health screens (``SCREEN_TESTS``) are computed from
    their items by ``care_services`` (``screen=True``): their raw value cannot be typed."""
    today = today or athlete_today(case.athlete)
    check_date(date, today=today)
    if test not in Assessment.RANGES:
        raise ApplicationError("Unknown test.", {"test": "Choose a test from the list."})
    if test in SCREEN_TESTS and not screen:
        raise ApplicationError(
            "A bone-health screen is computed from its items.",
            {
                "test": "The Triad score and the REDs screen are recorded item by item with "
                "the bone-health review, not as a typed total."
            },
        )
    if test == "strength_symmetry":
        raise ApplicationError(
            "Strength symmetry is computed from a test battery.",
            {
                "test": "Record the dynamometer's left and right values in a test battery: the "
                "limb symmetry index is computed from them, never typed."
            },
        )
    if not permissions.can_record_assessment(assessed_by, case, test):
        raise ApplicationError("You may not record this assessment on this case.")
    low, high, whole = Assessment.RANGES[test]
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ApplicationError("Invalid value.", {"value": "Enter a number."}) from None
    if not low <= number <= high:
        raise ApplicationError(
            "Value out of range.", {"value": f"Must be between {low:g} and {high:g}."}
        )
    if whole and number != int(number):
        raise ApplicationError("Whole numbers only.", {"value": "Enter a whole number."})
    if pain is not None and not 0 <= int(pain) <= 10:
        raise ApplicationError("Invalid pain.", {"pain": "Pain is rated 0 to 10."})
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            test=test,
            value=number,
            pain=pain,
            date=date,
            assessed_by=assessed_by,
            notes=notes.strip(),
            answers=answers if screen else None,
        )
        request_evaluation([case.pk])
    return assessment
