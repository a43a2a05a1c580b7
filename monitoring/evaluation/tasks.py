"""Celery tasks: thin, taking ids, re-reading state, calling services. Safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from athletes.audit import as_system
from monitoring import reminders
from monitoring.care.services.push import push_queue
from monitoring.evaluation import selectors, services, whatif_trials
from monitoring.evaluation.flags import worse_words
from monitoring.ingest.checks import cases_by_today
from monitoring.models import Flag

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def _day(day: str | None) -> dt.date | None:
    return dt.date.fromisoformat(day) if day else None


# Evaluations write their outcome to the database; their return values are never read, so
# they skip the result backend (a round trip per task on publishing and on finishing).
@shared_task(name="monitoring.tasks.evaluate_case", ignore_result=True, **RETRY)
def evaluate_case(case_id: int, day: str | None = None) -> bool:
    """Evaluate one case now (after a write to its data). True if it has an active plan."""
    with as_system():
        return services.case_evaluate(case_id=case_id, today=_day(day)) is not None


@shared_task(name="monitoring.tasks.evaluate_case_chunk", ignore_result=True, **RETRY)
def evaluate_case_chunk(case_ids: list[int], day: str | None = None) -> int:
    with as_system():
        return services.cases_evaluate(case_ids=case_ids, today=_day(day))


# The nightly fan-out makes at least this many chunks when there are enough cases: with a
# handful of big chunks every worker process but one sits idle while the last chunks run.
FANOUT_MIN_CHUNKS = 32
FANOUT_MIN_CHUNK_SIZE = 25  # below this a chunk's fixed cost (its queries) starts to show


def chunk_size(cases: int) -> int:
    """Cases per chunk: at most ``REHAB_EVALUATION_CHUNK``, fewer so that there are at least
    ``FANOUT_MIN_CHUNKS`` chunks, never fewer than ``FANOUT_MIN_CHUNK_SIZE``."""
    balanced = -(-cases // FANOUT_MIN_CHUNKS)  # ceiling division
    return max(1, min(settings.REHAB_EVALUATION_CHUNK, max(FANOUT_MIN_CHUNK_SIZE, balanced)))


@shared_task(name="monitoring.tasks.evaluate_active_cases", **RETRY)
def evaluate_active_cases(day: str | None = None) -> int:
    """Nightly: fan every active case out in chunks of at most ``REHAB_EVALUATION_CHUNK``, each
    case evaluated for its athlete's today (their time zone; ``day`` pins one date for all)."""
    if day:
        groups = {dt.date.fromisoformat(day): selectors.active_case_ids()}
    else:
        groups = cases_by_today(selectors.active_case_ids())
    total = sum(len(ids) for ids in groups.values())
    size = chunk_size(total)
    for today, ids in groups.items():
        for start in range(0, len(ids), size):
            evaluate_case_chunk.delay(ids[start : start + size], today.isoformat())
    return total


def _flag_messages(flag: Flag, emails: list[str]) -> list[tuple]:
    subject = f"[rehab] {flag.case.athlete}: {flag.title}"[:200]
    body = (
        f"{flag.message}\n\nOpen the case to review it. This message was sent because you "
        "are on this athlete's clinical care team."
    )
    return [(subject, body, None, [email]) for email in emails]


def _unresolved_flags(flag_ids: list[int]):
    """The flags still unresolved, with what their e-mails say (title, message, athlete)."""
    return (
        Flag.objects.select_related("case__athlete")
        .only("title", "message", "case__athlete__first_name", "case__athlete__last_name")
        .filter(pk__in=flag_ids)
        .exclude(status=Flag.Status.RESOLVED)
        .order_by("pk")
    )


def _clinical_emails(case_ids) -> dict[int, list[str]]:
    """The e-mail addresses of each case's clinical team (active, consented, with an address)."""
    out: dict[int, list[str]] = {}
    for case_id, _, email in selectors.clinical_team(case_ids):
        if email:
            out.setdefault(case_id, []).append(email)
    return out


@shared_task(name="monitoring.tasks.send_flag_emails", **RETRY)
def send_flag_emails(flag_id: int) -> int:
    """E-mail a red flag or regression to the case's clinical team. Coaches get nothing here."""
    flag = _unresolved_flags([flag_id]).first()
    if flag is None:
        return 0
    emails = _clinical_emails([flag.case_id]).get(flag.case_id, [])
    return send_mass_mail(_flag_messages(flag, emails), fail_silently=False)


@shared_task(name="monitoring.tasks.send_flags_emails", **RETRY)
def send_flags_emails(flag_ids: list[int]) -> int:
    """``send_flag_emails`` for the new flags of an evaluation chunk: two queries and one mail
    connection for them all. A flag whose e-mails fail to send is queued on its own
    (``send_flag_emails``, with its retries), so a retry never sends the others twice."""
    flags = list(_unresolved_flags(flag_ids))
    if not flags:
        return 0
    emails = _clinical_emails({flag.case_id for flag in flags})
    sent = 0
    with get_connection() as mail:
        for flag in flags:
            try:
                sent += send_mass_mail(
                    _flag_messages(flag, emails.get(flag.case_id, [])),
                    fail_silently=False,
                    connection=mail,
                )
            except Exception:  # the mail server refused or dropped: this flag on its own, later
                logger.exception("Could not send the e-mails of flag %s; queued alone", flag.pk)
                send_flag_emails.delay(flag.pk)
    return sent


@shared_task(name="monitoring.tasks.send_worse_emails", **RETRY)
def send_worse_emails(items: list[list]) -> int:
    """E-mail the clinical team of each flag whose evaluation found something new and worse:
    ``items`` are [flag id, finding] (criterion kinds, comma-separated). The subject names the
    new finding. A flag resolved meanwhile is skipped."""
    by_flag = {int(flag_id): finding for flag_id, finding in items}
    flags = list(_unresolved_flags(list(by_flag)))
    if not flags:
        return 0
    emails = _clinical_emails({flag.case_id for flag in flags})
    messages = []
    for flag in flags:
        what = worse_words([k for k in by_flag[flag.pk].split(",") if k])
        subject = f"[rehab] {flag.case.athlete}: worse — {what}"[:200]
        body = (
            f"New since the last notice: {what}.\n\n{flag.message}\n\nOpen the case to "
            "review it. This message was sent because you are on this athlete's clinical care "
            "team."
        )
        messages += [(subject, body, None, [email]) for email in emails.get(flag.case_id, [])]
    return send_mass_mail(messages, fail_silently=False)


@shared_task(name="monitoring.tasks.send_log_reminders", **RETRY)
def send_log_reminders(now: str | None = None) -> int:
    """Every 15 minutes: e-mail athletes whose log for today is still missing once their chosen
    time has passed, once a day (``reminders.reminder_claim`` is a conditional update with a
    row-count check, so overlapping runs send one). ``now`` (ISO, aware) pins the clock."""
    from django.core.mail import send_mail
    from django.db import transaction
    from django.utils import timezone

    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    base_url = getattr(settings, "REHAB_BASE_URL", "")
    sent = 0
    for user in reminders.reminders_due(moment):
        # Claim and send together: a failed send rolls the claim back for the next run.
        with transaction.atomic():
            if not reminders.reminder_claim(user_id=user.pk, today=user.local_today):
                continue
            if not push_queue(
                user=user,
                title="Your log for today is still missing",
                body="It takes under a minute: how was your leg today?",
                url=reverse("athlete:log"),
                tag="daily-log",
            ):  # e-mail: the fallback without push on the athlete's phone
                subject, body = reminders.reminder_email(user, base_url)
                send_mail(subject, body, None, [user.email], fail_silently=False)
        sent += 1
    return sent


@shared_task(
    name="monitoring.tasks.template_trial_run",
    soft_time_limit=whatif_trials.TRIAL_SECONDS + 30,
    time_limit=whatif_trials.TRIAL_SECONDS + 60,
)
def template_trial_run(trial_id: int, day: str | None = None) -> str:
    """Try a template draft on past cases (docs/whatif.md). Bounded: the service stops with
    partial results after ``whatif_trials.TRIAL_SECONDS``; the soft limit catches a chunk that runs
    over. Not retried: a rerun is asked for on the page."""
    try:
        return whatif_trials.trial_run(trial_id=trial_id, today=_day(day))
    except SoftTimeLimitExceeded:
        whatif_trials.trial_stop(
            trial_id=trial_id,
            message="Stopped at the time limit; the results below are for the cases done.",
            status="partial",
        )
        return "partial"
    except Exception:
        whatif_trials.trial_stop(
            trial_id=trial_id, message="The trial failed; the error was logged."
        )
        raise
