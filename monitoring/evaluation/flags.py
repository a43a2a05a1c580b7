"""The flags an evaluation raises: which flags it calls for, reconciling them with the case's
unresolved flags (open, update, resolve; written for a whole chunk in a few statements), the
notices to the clinical team, and a clinician's acknowledging and resolving a flag.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from athletes import audit, permissions
from athletes.models import Case, User
from monitoring import bulk
from monitoring.care.services.push import push_queue
from monitoring.evaluation import selectors
from monitoring.evaluation.programme_flags import programme_flags
from monitoring.evaluation.queue import request_evaluation
from monitoring.models import Flag, Notification
from monitoring.webhooks.events import webhook_event
from protocols.engine.criteria import get_kind
from protocols.engine.criteria.text import day_words
from protocols.engine.gating import Evaluation
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)


def flag_acknowledge(*, flag: Flag, by: User) -> Flag:
    if not permissions.can_manage_flags(by, flag.case):
        raise ApplicationError("You may not manage this case's flags.")
    updated = Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN).update(
        status=Flag.Status.ACKNOWLEDGED,
        acknowledged_at=timezone.now(),
        acknowledged_by=by,
        updated_at=timezone.now(),
    )
    flag.refresh_from_db()
    if updated:  # a conditional update() writes no history by itself: record the change
        Flag.history.bulk_history_create(
            [flag], update=True, default_user=by, default_change_reason="Acknowledged"
        )
    if not updated and flag.status == Flag.Status.RESOLVED:
        raise ApplicationError("This flag is already resolved.")
    if updated and flag.kind == Flag.Kind.RED_FLAG:
        _tell_athlete_seen(flag)
    return flag


def _tell_athlete_seen(flag: Flag) -> None:
    """The response to a red flag on the athlete's phone (a push, when they turned it on): their
    team has seen it. No clinical detail: a push shows on a locked screen."""
    athlete_user = flag.case.athlete.user
    if athlete_user is None or not athlete_user.is_active:
        return
    push_queue(
        user=athlete_user,
        title="Your care team has seen your report",
        body="They will be in touch. Until then, follow the stop advice in the app.",
        url=reverse("athlete:today"),
        tag=f"flag-{flag.pk}",
    )


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
        updated_at=now,
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
    webhook_event("flag.resolved", [flag])
    if flag.kind == Flag.Kind.RED_FLAG:
        # The evaluation that follows keeps the reviewed finding from opening again and clears
        # the coach's "under review" (``CaseEvaluation.red_flags``), as the athlete's Today is.
        request_evaluation([flag.case_id])
    return flag


COACH_MESSAGES = {
    Flag.Kind.RED_FLAG: "Under review by the medical team; no impact training until cleared.",
    Flag.Kind.REGRESSION: "The medical team is considering a step back.",
    Flag.Kind.READY_TO_ADVANCE: "May be ready for the next phase, pending clinician review.",
    Flag.Kind.MISSING_LOGS: "Daily logs are missing.",
    Flag.Kind.LOAD_SPIKE: "Training load rose sharply; check the plan with the medical team.",
    Flag.Kind.BONE_HEALTH: "Under review by the medical team.",
    Flag.Kind.PROGRAMME_STEP_DOWN: "Run-walk programme: a lower stage is being considered.",
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
            f"since {day_words(evaluation.last_log_on)}"
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
    wanted.update(programme_flags(ctx.snapshot, evaluation.day))
    return wanted


def _kinds(results) -> tuple[str, ...]:
    """The criterion kinds that fired, each once, in order: a flag's findings."""
    return tuple(dict.fromkeys(r.kind for r in results))


def _labels(results) -> str:
    """The criteria's names, each once, in order: "night pain, pain above a limit"."""
    labels = dict.fromkeys(get_kind(r.kind).label.lower() for r in results)
    return ", ".join(labels)[:180]


def _audit_context() -> tuple[User | None, str | None]:
    """The person and reason of the service running (``athletes.audit``), for history rows
    written in bulk: what the history receiver does for one save. None under a task."""
    ctx = audit.current()
    who = ctx.user if ctx is not None and getattr(ctx.user, "pk", None) else None
    return who, (ctx.reason if ctx is not None else None)


class FlagChanges:
    """Flag writes of a chunk, gathered and written in a few statements: new flags (a
    concurrent twin loses quietly), updates and resolutions."""

    FIELDS = ("title", "message", "coach_message", "evaluation", "proposed_phase", "updated_at")

    def __init__(self) -> None:
        self.creates: list[Flag] = []
        self.updates: list[Flag] = []
        self.resolve: dict[str, list[int]] = {}
        # (case id, flag kind) -> the criterion kinds behind the flag as opened or updated now
        self.findings: dict[tuple[int, str], tuple[str, ...]] = {}
        # cases whose red finding a clinician has reviewed and resolved (not raised again)
        self.red_reviewed: set[int] = set()

    def open(self) -> list[Flag]:
        """Insert the new flags with their history in one statement each; the flags opened.

        Should a concurrent evaluation have opened one of them first (the unique index of
        unresolved flags), the batch rolls back to its savepoint and each flag is tried on its
        own, so theirs stands and the others open — as when each was created alone.
        """
        if not self.creates:
            return []
        who, why = _audit_context()
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
        """Write the updates and resolutions, each with its row in the record of changes
        (a flag's new words, "resolved by the evaluation" and why)."""
        who, why = _audit_context()
        if self.updates:
            Flag.objects.bulk_update(self.updates, self.FIELDS, batch_size=500)
            bulk.history_create(Flag, self.updates, history_type="~", user=who, reason=why)
        resolved: list[Flag] = []
        for resolution, pks in self.resolve.items():
            Flag.objects.filter(pk__in=pks, status__in=Flag.UNRESOLVED).update(
                status=Flag.Status.RESOLVED, resolved_at=now, resolution=resolution, updated_at=now
            )
            # those this chunk resolved (not a clinician's a moment before): read once, for
            # their history and the webhook event
            done = list(Flag.objects.filter(pk__in=pks, resolved_at=now, resolved_by=None))
            bulk.history_create(Flag, done, history_type="~", user=who, reason=resolution[:100])
            resolved += done
        if resolved:
            webhook_event("flag.resolved", resolved)


def _drop_reviewed(
    wanted: dict[str, dict],
    current: Mapping[str, Flag],
    ctx: selectors.CaseContext,
    reviewed: Mapping[tuple[int, int, str], set[str]],
    changes: FlagChanges,
) -> None:
    """Take out of ``wanted`` the flags not open now whose words a person resolved already in
    this phase (``reconcile_flags``); a red flag so taken out is noted in
    ``changes.red_reviewed``."""
    for kind in [k for k in wanted if k not in current]:
        if wanted[kind]["message"] in reviewed.get((ctx.case_id, ctx.phase_id, kind), ()):
            del wanted[kind]
            if kind == Flag.Kind.RED_FLAG:
                changes.red_reviewed.add(ctx.case_id)


def reconcile_flags(
    ctx: selectors.CaseContext,
    evaluation: Evaluation,
    existing: Sequence[Flag],
    *,
    changes: FlagChanges,
    now,
    payload_json: str | None = None,
    reviewed: Mapping[tuple[int, int, str], set[str]] | None = None,
) -> list[Flag]:
    """Open, update or resolve the case's flags to match the evaluation. Idempotent.

    ``existing`` are the case's unresolved flags. Red flags are never resolved by the
    evaluation: they stay until a clinician acknowledges and resolves them. Returns the flags
    to open (not saved yet: ``changes.open()`` inserts them with the chunk's other new flags).
    The flags carry the evaluation that raised them, as a dictionary made only if a flag is
    opened or changed: decoded from ``payload_json`` (``evaluation.to_json()``) when the caller
    has it, quicker than building it again, or else ``evaluation.to_dict()``.

    A flag a person resolved is not opened again while the evaluation finds what it said, word
    for word (``reviewed``: ``selectors.reviewed_findings``): the clinician has seen that
    finding and decided. New data (a later painful day, another rule firing) change the words,
    and the flag opens again.
    """
    wanted = _wanted_flags(ctx, evaluation)
    current = {f.kind: f for f in existing if f.phase_id == ctx.phase_id}
    _drop_reviewed(wanted, current, ctx, reviewed or {}, changes)
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
            payload = orjson.loads(payload_json) if payload_json else evaluation.to_dict()
        fields = {
            "title": title,
            "message": spec["message"],
            "coach_message": COACH_MESSAGES[kind],
            "evaluation": {**payload, **spec["detail"]} if "detail" in spec else payload,
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


def notify_case(flags: Sequence[Flag], case: Case) -> None:
    """Red flags and regressions notify the case's clinical team, in the app and by e-mail."""
    notify_many([f for f in flags if f.case_id == case.pk])


def notify_many(
    flags: Sequence[Flag], findings: Mapping[tuple[int, str], Sequence[str]] | None = None
) -> None:
    """``notify_case`` for the new flags of many cases: one query for their clinical teams, one
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


URGENT_KINDS = frozenset({Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION, Flag.Kind.PROGRAMME_STEP_DOWN})


def notify_worse(
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
