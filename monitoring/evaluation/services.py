"""Ingest (validate, upsert) and evaluation (snapshot → gating → flags).

Every write that changes a case's data asks for that case's evaluation with
``transaction.on_commit``: the worker never reads before the commit, and if the broker is down
the write still stands (the nightly run evaluates every active case anyway).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from athletes import audit, permissions
from athletes.audit import audited
from athletes.models import Athlete, Case, User
from monitoring import bulk
from monitoring.evaluation import selectors
from monitoring.models import (
    ActivitySession,
    Assessment,
    CaseEvaluation,
    DailyLog,
    DeviceMetric,
    Flag,
    Notification,
    Source,
)
from monitoring.schema import (
    LOG_DECIMAL_FIELDS,
    LOG_FIELDS,
    LOG_TEXT_FIELDS,
    SESSION_DECIMAL_FIELDS,
    SESSION_FIELDS,
    SESSION_TEXT_FIELDS,
)
from protocols.engine.criteria import get_kind
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from protocols.engine.gating import Evaluation, evaluate
from protocols.models import PlanPhase
from rehab.db import prepared_cursor
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

EARLIEST_DATE = dt.date(2000, 1, 1)


# --- helpers ------------------------------------------------------------------------------------


def athlete_today() -> dt.date:
    """The athlete's today, in the clinic's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def _check_date(day: Any, *, field: str = "date", today: dt.date) -> dt.date:
    if not isinstance(day, dt.date):
        raise ApplicationError("Invalid date.", {field: "Enter a date as YYYY-MM-DD."})
    if day > today:
        raise ApplicationError(
            "Dates cannot be in the future.",
            {field: f"{day:%d %b %Y} is after today ({today:%d %b %Y})."},
        )
    if day < EARLIEST_DATE:
        raise ApplicationError("Date too far in the past.", {field: "Check the year."})
    return day


def _active_cases_for_logging(athlete: Athlete, user: User) -> list[Case]:
    """The athlete's active cases the user may log for; refuses when there are none."""
    cases = list(
        Case.objects.filter(athlete=athlete, status=Case.Status.ACTIVE).select_related("athlete")
    )
    allowed = [c for c in cases if permissions.can_log_for(user, c)]
    if not allowed:
        raise ApplicationError(
            "You may not record data for this athlete.",
            {"athlete": "Not an athlete of an active case you are on."},
        )
    return allowed


def _full_clean(instance, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from exc


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError("Invalid number.", {field: "Enter a number."}) from None


# Up to this many cases are queued one task each (each evaluated soonest, in parallel); more
# (a bulk import) go in chunks of REHAB_EVALUATION_CHUNK like the nightly run: one message per
# chunk instead of one broker round trip per case (a 1,000-item request spent most of its time
# queueing).
EVALUATE_ONE_BY_ONE_MAX = 20


def request_evaluation(case_ids: Iterable[int]) -> None:
    """Queue each case's evaluation once the current transaction commits."""
    ids = sorted(set(case_ids))
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(case_ids: Sequence[int]) -> None:
    if len(case_ids) > EVALUATE_ONE_BY_ONE_MAX:
        size = settings.REHAB_EVALUATION_CHUNK
        for start in range(0, len(case_ids), size):
            chunk = list(case_ids[start : start + size])
            try:
                enqueue("monitoring.tasks.evaluate_case_chunk", chunk)
            except Exception:  # broker down: the data is saved; the nightly run evaluates it
                logger.exception("Could not queue the evaluation of cases %s", chunk)
        return
    for case_id in case_ids:
        try:
            enqueue("monitoring.tasks.evaluate_case", case_id)
        except Exception:  # broker down: the data is saved; the nightly run evaluates it
            logger.exception("Could not queue the evaluation of case %s", case_id)


# --- ingest -------------------------------------------------------------------------------------


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
    today = today or athlete_today()
    _check_date(date, today=today)
    unknown = set(fields) - set(LOG_FIELDS)
    if unknown:
        raise ApplicationError("Unknown fields.", {f: "Not a daily-log field." for f in unknown})
    cases = _active_cases_for_logging(athlete, submitted_by)
    values = dict(fields)
    for key in LOG_DECIMAL_FIELDS:
        if key in values:
            values[key] = _decimal(values[key], key)
    for key in LOG_TEXT_FIELDS:
        if key in values and values[key] is None:
            values[key] = ""
    if values.get("pain_character") == DailyLog.PainCharacter.NONE:
        values.setdefault("localized", None)
    probe = DailyLog(athlete=athlete, date=date, source=source, submitted_by=submitted_by, **values)
    _full_clean(probe, exclude=["athlete", "submitted_by"])
    defaults = {**values, "source": source, "submitted_by": submitted_by}
    with transaction.atomic():
        try:
            with transaction.atomic():
                log, created = DailyLog.objects.update_or_create(
                    athlete=athlete, date=date, defaults=defaults
                )
        except IntegrityError:  # the same day posted twice at once: the other insert won
            log = DailyLog.objects.select_for_update().get(athlete=athlete, date=date)
            for key, value in defaults.items():
                setattr(log, key, value)
            log.save()
            created = False
        request_evaluation(c.pk for c in cases)
    return log, created


def activity_session_record(
    *,
    athlete: Athlete,
    date: dt.date,
    submitted_by: User,
    fields: Mapping[str, Any],
    source: str = Source.WEB,
    external_id: str = "",
    today: dt.date | None = None,
) -> tuple[ActivitySession, bool]:
    """Record a training session; with an external id, a repeat updates instead of adding."""
    today = today or athlete_today()
    _check_date(date, today=today)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ApplicationError("Unknown fields.", {f: "Not a session field." for f in unknown})
    cases = _active_cases_for_logging(athlete, submitted_by)
    values = {k: ("" if v is None and k in SESSION_TEXT_FIELDS else v) for k, v in fields.items()}
    for key in SESSION_DECIMAL_FIELDS:
        if key in values:
            values[key] = _decimal(values[key], key)
    probe = ActivitySession(
        athlete=athlete, date=date, source=source, external_id=external_id, **values
    )
    _full_clean(probe, exclude=["athlete", "submitted_by"])
    with transaction.atomic():
        if external_id:
            try:
                with transaction.atomic():
                    session, created = ActivitySession.objects.update_or_create(
                        athlete=athlete,
                        source=source,
                        external_id=external_id,
                        defaults={**values, "date": date, "submitted_by": submitted_by},
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
    return session, created


def activity_session_delete(*, session: ActivitySession, deleted_by: User) -> None:
    cases = _active_cases_for_logging(session.athlete, deleted_by)
    with transaction.atomic():
        session.delete()
        request_evaluation(c.pk for c in cases)


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
    today = today or athlete_today()
    _active_cases_for_logging(athlete, submitted_by)
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
        day = timezone.localdate(recorded_at)
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
) -> Assessment:
    """Record a test result. The bone-health screens (``SCREEN_TESTS``) are computed from
    their items by ``care_services`` (``screen=True``): their raw value cannot be typed."""
    today = today or athlete_today()
    _check_date(date, today=today)
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
        )
        request_evaluation([case.pk])
    return assessment


# --- flags --------------------------------------------------------------------------------------


def flag_acknowledge(*, flag: Flag, by: User) -> Flag:
    if not permissions.can_manage_flags(by, flag.case):
        raise ApplicationError("You may not manage this case's flags.")
    updated = Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN).update(
        status=Flag.Status.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_by=by
    )
    flag.refresh_from_db()
    if updated:  # a conditional update() writes no history by itself: record the change
        Flag.history.bulk_history_create(
            [flag], update=True, default_user=by, default_change_reason="Acknowledged"
        )
    if not updated and flag.status == Flag.Status.RESOLVED:
        raise ApplicationError("This flag is already resolved.")
    return flag


def flag_resolve(*, flag: Flag, by: User, resolution: str) -> Flag:
    if not permissions.can_manage_flags(by, flag.case):
        raise ApplicationError("You may not manage this case's flags.")
    if not resolution.strip():
        raise ApplicationError("Say how it was resolved.", {"resolution": "A note is required."})
    now = timezone.now()
    updated = Flag.objects.filter(pk=flag.pk, status__in=Flag.UNRESOLVED).update(
        status=Flag.Status.RESOLVED,
        resolved_at=now,
        resolved_by=by,
        resolution=resolution.strip(),
        acknowledged_at=flag.acknowledged_at or now,
        acknowledged_by=flag.acknowledged_by or by,
    )
    flag.refresh_from_db()
    if updated:  # a conditional update() writes no history by itself: record the change
        Flag.history.bulk_history_create(
            [flag], update=True, default_user=by, default_change_reason=resolution.strip()[:100]
        )
    if not updated:
        raise ApplicationError("This flag is already resolved.")
    return flag


# --- evaluation ---------------------------------------------------------------------------------

COACH_MESSAGES = {
    Flag.Kind.RED_FLAG: "Under review by the medical team; no impact training until cleared.",
    Flag.Kind.REGRESSION: "The medical team is considering a step back.",
    Flag.Kind.READY_TO_ADVANCE: "May be ready for the next phase, pending clinician review.",
    Flag.Kind.MISSING_LOGS: "Daily logs are missing.",
    Flag.Kind.LOAD_SPIKE: "Training load rose sharply; check the plan with the medical team.",
    Flag.Kind.BONE_HEALTH: "Under review by the medical team.",
}
# Flags that screens raise, not the evaluation: reconciling never resolves them.
NOT_EVALUATED = frozenset({Flag.Kind.BONE_HEALTH})


def _wanted_flags(ctx: selectors.CaseContext, evaluation: Evaluation) -> dict[str, dict]:
    """The flags this evaluation calls for, by kind, each with its explanation."""
    wanted: dict[str, dict] = {}
    red = [r for r in evaluation.fired if r.red_flag]
    plain = [r for r in evaluation.fired if not r.red_flag]
    if red:
        wanted[Flag.Kind.RED_FLAG] = {
            "kinds": _kinds(red),
            "title": "Red flag: " + _labels(red),
            "message": " ".join(r.sentence for r in red)
            + " Review the athlete before any further loading.",
        }
    if plain:
        back = ctx.previous_phase
        step = f" Proposed: step back to “{back.name}”." if back else ""
        wanted[Flag.Kind.REGRESSION] = {
            "kinds": _kinds(plain),
            "title": "Regression: " + _labels(plain),
            "message": " ".join(r.sentence for r in plain) + step,
            "proposed_phase": back,
        }
    if evaluation.ready:
        wanted[Flag.Kind.READY_TO_ADVANCE] = {
            "title": f"Ready to advance from “{ctx.phase_name}”",
            "message": "Every criterion is met: "
            + " ".join(r.sentence for r in evaluation.advance),
        }
    if evaluation.missing_logs:
        since = (
            f"since {evaluation.last_log_on:%d %b}"
            if evaluation.last_log_on
            else "since the phase started"
        )
        wanted[Flag.Kind.MISSING_LOGS] = {
            "title": f"No log for {evaluation.days_without_log} days",
            "message": f"No daily log {since} ({evaluation.days_without_log} days; the limit "
            f"is {settings.REHAB_MISSING_LOG_DAYS}). Criteria that need recent logs stay "
            "unknown, so the phase cannot be judged ready.",
        }
    if evaluation.warnings:
        wanted[Flag.Kind.LOAD_SPIKE] = {
            "title": "Load spike",
            "message": " ".join(r.sentence for r in evaluation.warnings)
            + " This is a caution, not a reason to hold or step back by itself.",
        }
    return wanted


def _kinds(results) -> tuple[str, ...]:
    """The criterion kinds that fired, each once, in order: a flag's findings."""
    return tuple(dict.fromkeys(r.kind for r in results))


def _labels(results) -> str:
    """The criteria's names, each once, in order: "night pain, pain above a limit"."""
    labels = dict.fromkeys(get_kind(r.kind).label.lower() for r in results)
    return ", ".join(labels)[:180]


class _FlagChanges:
    """Flag writes of a chunk, gathered and written in a few statements: new flags (a
    concurrent twin loses quietly), updates and resolutions."""

    FIELDS = ("title", "message", "coach_message", "evaluation", "proposed_phase", "updated_at")

    def __init__(self) -> None:
        self.creates: list[Flag] = []
        self.updates: list[Flag] = []
        self.resolve: dict[str, list[int]] = {}
        # (case id, flag kind) -> the criterion kinds behind the flag as opened or updated now
        self.findings: dict[tuple[int, str], tuple[str, ...]] = {}

    def open(self) -> list[Flag]:
        """Insert the new flags with their history in one statement each; the flags opened.

        Should a concurrent evaluation have opened one of them first (the unique index of
        unresolved flags), the batch rolls back to its savepoint and each flag is tried on its
        own, so theirs stands and the others open — as when each was created alone.
        """
        if not self.creates:
            return []
        ctx = audit.current()  # what the history receiver does for one save, for the batch
        who = ctx.user if ctx is not None and getattr(ctx.user, "pk", None) else None
        why = ctx.reason if ctx is not None else None
        try:
            with transaction.atomic():
                opened = bulk.insert(Flag, self.creates)
                bulk.history_create(Flag, opened, history_type="+", user=who, reason=why)
                return opened
        except IntegrityError:
            pass
        opened = []
        for flag in self.creates:
            flag.pk = None
            flag._state.adding = True
            try:
                with transaction.atomic():
                    flag.save(force_insert=True)
            except IntegrityError:  # a concurrent evaluation opened it first; theirs stands
                continue
            opened.append(flag)
        return opened

    def flush(self, now) -> None:
        if self.updates:
            Flag.objects.bulk_update(self.updates, self.FIELDS, batch_size=500)
        for resolution, pks in self.resolve.items():
            Flag.objects.filter(pk__in=pks, status__in=Flag.UNRESOLVED).update(
                status=Flag.Status.RESOLVED, resolved_at=now, resolution=resolution
            )


def reconcile_flags(
    ctx: selectors.CaseContext,
    evaluation: Evaluation,
    existing: Sequence[Flag],
    *,
    changes: _FlagChanges,
    now,
    payload_json: str | None = None,
) -> list[Flag]:
    """Open, update or resolve the case's flags to match the evaluation. Idempotent.

    ``existing`` are the case's unresolved flags. Red flags are never resolved by the
    evaluation: they stay until a clinician acknowledges and resolves them. Returns the flags
    to open (not saved yet: ``changes.open()`` inserts them with the chunk's other new flags).
    The flags carry the evaluation that raised them, as a dictionary made only if a flag is
    opened or changed: decoded from ``payload_json`` (``evaluation.to_json()``) when the caller
    has it, quicker than building it again, or else ``evaluation.to_dict()``.
    """
    wanted = _wanted_flags(ctx, evaluation)
    current = {f.kind: f for f in existing if f.phase_id == ctx.phase_id}
    if Flag.Kind.RED_FLAG in current:
        # A red flag stays open until a clinician resolves it: until then the phase is not
        # "ready to advance", whatever today's data say (the clinician, the coach and the
        # athlete would otherwise read "stop" and "ready" side by side).
        wanted.pop(Flag.Kind.READY_TO_ADVANCE, None)
    opened: list[Flag] = []
    payload: dict | None = None
    for flag in existing:
        stale_phase = flag.phase_id != ctx.phase_id
        if flag.kind == Flag.Kind.RED_FLAG and not stale_phase:
            continue
        if flag.kind in NOT_EVALUATED:
            continue
        if stale_phase or flag.kind not in wanted:
            resolution = "Resolved by the evaluation: " + (
                "the phase changed." if stale_phase else "the condition no longer holds."
            )
            changes.resolve.setdefault(resolution, []).append(flag.pk)
    for kind, spec in wanted.items():
        flag = current.get(kind)
        title = spec["title"][:200]
        changes.findings[(ctx.case_id, kind)] = spec.get("kinds", ())
        if flag is not None and flag.message == spec["message"] and flag.title == title:
            continue  # unchanged: the flag keeps the evaluation that raised it
        if payload is None:
            payload = json.loads(payload_json) if payload_json else evaluation.to_dict()
        fields = {
            "title": title,
            "message": spec["message"],
            "coach_message": COACH_MESSAGES[kind],
            "evaluation": payload,
            "proposed_phase": spec.get("proposed_phase"),
        }
        if flag is not None:
            for key, value in fields.items():
                setattr(flag, key, value)
            flag.updated_at = now
            changes.updates.append(flag)
            continue
        flag = Flag(case=ctx.case, phase=ctx.phase, kind=kind, **fields)
        changes.creates.append(flag)
        opened.append(flag)
    return opened


def _notify(flags: Sequence[Flag], case: Case) -> None:
    """Red flags and regressions notify the case's clinical team, in the app and by e-mail."""
    _notify_many([f for f in flags if f.case_id == case.pk])


def _notify_many(
    flags: Sequence[Flag], findings: Mapping[tuple[int, str], Sequence[str]] | None = None
) -> None:
    """``_notify`` for the new flags of many cases: one query for their clinical teams, one
    insert of the notices, one callback queueing the e-mails."""
    findings = findings or {}
    urgent = [f for f in flags if f.kind in URGENT_KINDS]
    if not urgent:
        return
    members: dict[int, list[int]] = {}
    for case_id, user_id, _ in selectors.clinical_team({f.case_id for f in urgent}):
        members.setdefault(case_id, []).append(user_id)
    notices = [
        Notification(
            recipient_id=user_id,
            case=flag.case,
            flag=flag,
            title=f"{flag.case.athlete}: {flag.title}"[:200],
            body=flag.message,
            finding=",".join(findings.get((flag.case_id, flag.kind), ()))[:200],
        )
        for flag in urgent
        for user_id in members.get(flag.case_id, [])
    ]
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    ids = [f.pk for f in urgent]

    def send() -> None:
        try:
            enqueue("monitoring.tasks.send_flags_emails", ids)
        except Exception:  # broker down: the in-app notices are there already
            logger.exception("Could not queue the e-mails for flags %s", ids)

    transaction.on_commit(send)


URGENT_KINDS = frozenset({Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION})


def _notify_worse(
    flags: Sequence[Flag],
    findings: Mapping[tuple[int, str], Sequence[str]],
    athletes: Mapping[int, str],
) -> None:
    """A worse report is news: an open red flag or regression that now fires a rule it had not
    told of (sharp pain, then night pain and rest pain 7) notifies the clinical team again, in
    the app and by e-mail, naming what is new. One notice per person and finding; what the
    flag told of is read from its notices (one query for the chunk's updated flags)."""
    urgent = [f for f in flags if f.kind in URGENT_KINDS and findings.get((f.case_id, f.kind))]
    if not urgent:
        return
    told: dict[int, set[str]] = {f.pk: set() for f in urgent}
    rows = Notification.objects.filter(flag_id__in=list(told)).values_list("flag_id", "finding")
    for flag_id, finding in rows:
        told[flag_id].update(k for k in finding.split(",") if k)
    news = {}
    for flag in urgent:
        new = [k for k in findings[(flag.case_id, flag.kind)] if k not in told[flag.pk]]
        if new:
            news[flag.pk] = (flag, new)
    if not news:
        return
    members: dict[int, list[int]] = {}
    for case_id, user_id, _ in selectors.clinical_team({f.case_id for f, _ in news.values()}):
        members.setdefault(case_id, []).append(user_id)
    notices = []
    items = []
    for flag, new in news.values():
        finding = ",".join(new)[:200]
        what = worse_words(new)
        notices += [
            Notification(
                recipient_id=user_id,
                case_id=flag.case_id,
                flag=flag,
                title=f"{athletes.get(flag.case_id, 'Athlete')}: worse — {what}"[:200],
                body=f"New since the last notice: {what}. {flag.message}",
                finding=finding,
            )
            for user_id in members.get(flag.case_id, [])
        ]
        items.append([flag.pk, finding])
    Notification.objects.bulk_create(notices, ignore_conflicts=True)

    def send() -> None:
        try:
            enqueue("monitoring.tasks.send_worse_emails", items)
        except Exception:  # broker down: the in-app notices are there already
            logger.exception("Could not queue the e-mails of worse findings %s", items)

    transaction.on_commit(send)


def worse_words(kinds: Sequence[str]) -> str:
    """The rules' names in plain words: "night pain, pain above a limit"."""
    return ", ".join(get_kind(k).label.lower() for k in kinds)


def _evaluate_contexts(
    contexts: Sequence[selectors.CaseContext], today: dt.date, existing: Sequence[Flag]
) -> list[Evaluation]:
    """Evaluate cases and write what changed, in one transaction for the chunk.

    Writes: new flags one by one (rare), flag updates and resolutions in a few statements,
    and the latest evaluations in one upsert.
    """
    by_case: dict[int, list[Flag]] = {}
    for flag in existing:
        by_case.setdefault(flag.case_id, []).append(flag)
    changes = _FlagChanges()
    now = timezone.now()
    results, latest = [], []
    ready_from: dict[dt.date | None, list[int]] = {}  # phase ids by their new ready_from
    with transaction.atomic():
        for ctx in contexts:
            evaluation = evaluate(
                ctx.spec, ctx.snapshot, today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS
            )
            text = evaluation.to_json()
            reconcile_flags(
                ctx,
                evaluation,
                by_case.get(ctx.case_id, []),
                changes=changes,
                now=now,
                payload_json=text,
            )
            red = ",".join(dict.fromkeys(r.kind for r in evaluation.red_flags))[:200]
            latest.append((ctx.case_id, ctx.phase_id, now, today, text, red))
            results.append(evaluation)
            if evaluation.ready_from != ctx.ready_from:
                ready_from.setdefault(evaluation.ready_from, []).append(ctx.phase_id)
        # The projection reads it: one statement per distinct day, only for changed phases.
        for day, phase_ids in ready_from.items():
            PlanPhase.objects.filter(pk__in=phase_ids).update(ready_from=day)
        _notify_many(changes.open(), changes.findings)
        changes.flush(now)
        if changes.updates:
            by_case = {ctx.case_id: ctx for ctx in contexts}
            updated = {f.case_id for f in changes.updates}
            athletes = {i: str(by_case[i].case.athlete) for i in updated if i in by_case}
            _notify_worse(changes.updates, changes.findings, athletes)
        _latest_evaluations_upsert(latest)
    return results


def _latest_evaluations_upsert(rows: Sequence[tuple]) -> None:
    """Store each case's latest evaluation: (case id, phase id, evaluated at, evaluated for,
    the evaluation as JSON text, ``Evaluation.to_json``, the red-flag rules it fires), in one
    statement."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        CaseEvaluation.objects.bulk_create(
            [
                CaseEvaluation(
                    case_id=case_id,
                    phase_id=phase_id,
                    evaluated_at=at,
                    evaluated_for=day,
                    evaluation=json.loads(evaluation),
                    red_flags=red,
                )
                for case_id, phase_id, at, day, evaluation, red in rows
            ],
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["phase", "evaluated_at", "evaluated_for", "evaluation", "red_flags"],
        )
        return
    # One statement: the columns go as binary arrays, which the driver writes in C (a text array
    # of JSON documents is quoted in Python, character by character), on a cursor that binds
    # on the server (Django's binds on the client) and prepares the statement once.
    sql = (
        "INSERT INTO monitoring_caseevaluation "
        "(case_id, phase_id, evaluated_at, evaluated_for, evaluation, red_flags) "
        "SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::timestamptz[], %b::date[], "
        "%b::text[], %b::text[]) ON CONFLICT (case_id) DO UPDATE SET "
        "phase_id = EXCLUDED.phase_id, evaluated_at = EXCLUDED.evaluated_at, "
        "evaluated_for = EXCLUDED.evaluated_for, evaluation = EXCLUDED.evaluation, "
        "red_flags = EXCLUDED.red_flags"
    )
    columns: list[list] = [[], [], [], [], [], []]
    # One row per case (a statement may not update a row twice): the last given wins.
    for row in {row[0]: row for row in rows}.values():
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    with prepared_cursor() as cursor:
        cursor.execute(sql, columns)


def case_evaluate(*, case_id: int, today: dt.date | None = None) -> Evaluation | None:
    """Evaluate one case's current phase and reconcile its flags; None without an active plan."""
    today = today or athlete_today()
    ctx = selectors.case_snapshot(case_id, today)
    if ctx is None:
        return None
    existing = selectors.unresolved_flags_to_reconcile([case_id])
    return _evaluate_contexts([ctx], today, existing)[0]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a chunk's evaluation, on again after it.

    A chunk makes a few hundred thousand small tuples that all live until its end; the collector
    would walk them again and again as they accumulate (a quarter of the chunk's CPU time).
    Nothing is lost: whatever cycles the chunk leaves are collected once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cases_evaluate(*, case_ids: Sequence[int], today: dt.date | None = None) -> int:
    """Evaluate a chunk of cases: reads in a constant number of queries, writes in a few
    statements plus one per flag opened. Returns how many cases had an active plan."""
    today = today or athlete_today()
    # The chunk's records are released (by their reference counts) when ``_chunk_evaluate``
    # returns, before the collector is on again: the collector's first pass then has nothing to
    # walk. Re-enabled with them still alive, its first pass walked them all (0.08 s of a
    # night of 2,000 cases, about a twentieth of its CPU time).
    with _collector_paused():
        return _chunk_evaluate(case_ids, today)


def _chunk_evaluate(case_ids: Sequence[int], today: dt.date) -> int:
    contexts = selectors.chunk_snapshots(case_ids, today)
    if not contexts:
        return 0
    # A flag's stored evaluation is replaced, never read, here: it stays in the database.
    existing = selectors.unresolved_flags_to_reconcile(case_ids)
    _evaluate_contexts(contexts, today, existing)
    return len(contexts)
