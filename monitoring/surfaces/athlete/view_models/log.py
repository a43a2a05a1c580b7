"""The daily log form's data and the day's write: the log and the web session of a day and of
the day before, the form's starting values, and the day recorded all or nothing through the
ingest services of ``monitoring.evaluation.services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from athletes.models import Athlete, User
from monitoring import schema
from monitoring.ingest.checks import athlete_today
from monitoring.ingest.items import (
    activity_session_delete,
    activity_session_record,
    daily_log_record,
)
from monitoring.models import ActivitySession, DailyLog, Source
from protocols.models import PlanPhase

REST = "rest"
"""The form's 'no training today' choice: no session is recorded for the day."""


def web_session_id(day: dt.date) -> str:
    """The external id of the session the daily form records: one per day, so a resend (an
    offline log sent twice, a double tap) updates it instead of adding a second."""
    return f"web-{day.isoformat()}-1"


@dataclass
class LogFormData:
    """What the log form of ``day`` needs: the day's log and web session, the day before."""

    day: dt.date
    log: DailyLog | None
    session: ActivitySession | None
    other_sessions: list[ActivitySession]
    previous: DailyLog | None
    previous_session: ActivitySession | None


def log_form_data(athlete: Athlete, day: dt.date) -> LogFormData:
    """Two queries: the logs of the day and the day before, and their sessions."""
    before = day - dt.timedelta(days=1)
    logs = {
        log.date: log for log in DailyLog.objects.filter(athlete=athlete, date__in=[day, before])
    }
    sessions = list(
        ActivitySession.objects.filter(athlete=athlete, date__in=[day, before]).order_by("id")
    )
    own_id = web_session_id(day)
    session = next(
        (s for s in sessions if s.source == Source.WEB and s.external_id == own_id), None
    )
    others = [s for s in sessions if s.date == day and s is not session]
    earlier = [s for s in sessions if s.date == before]
    return LogFormData(
        day=day,
        log=logs.get(day),
        session=session,
        other_sessions=others,
        previous=logs.get(before),
        previous_session=earlier[-1] if earlier else None,
    )


WELLBEING_FIELDS = schema.LOG_WELLBEING_FIELDS
"""What a new log starts from when the day before was logged."""


def log_initial(data: LogFormData, phase: PlanPhase | None) -> dict[str, Any]:
    """The form's starting values: the day's own log when there is one; otherwise how the
    athlete slept and felt yesterday, and today's prescribed activity. Pain is never carried
    over: it is what the gating reads, so it is always asked afresh."""
    initial: dict[str, Any] = {}
    log = data.log
    if log is not None:
        for name in schema.LOG_FORM_FIELDS:
            initial[name] = getattr(log, name)
    elif data.previous is not None:
        for name in WELLBEING_FIELDS:
            initial[name] = getattr(data.previous, name)
    if data.previous is not None:
        initial["this_morning"] = data.previous.pain_next_morning
    if data.session is not None:
        initial.update(
            activity=data.session.activity, minutes=data.session.minutes, rpe=data.session.rpe
        )
    elif log is not None:
        initial["activity"] = REST
    else:
        rx = (phase.prescriptions if phase else None) or []
        if rx and rx[0].get("activity"):
            initial["activity"] = rx[0]["activity"]
            initial["minutes"] = rx[0].get("minutes")
        elif data.previous_session is not None:
            initial["activity"] = data.previous_session.activity
            initial["minutes"] = data.previous_session.minutes
        else:
            initial["activity"] = REST
    return {k: v for k, v in initial.items() if v not in (None, "")}


def log_day_record(
    *,
    athlete: Athlete,
    user: User,
    day: dt.date,
    log_fields: Mapping[str, Any],
    session_fields: Mapping[str, Any] | None,
    previous_morning: int | None = None,
    today: dt.date | None = None,
) -> DailyLog:
    """Record one day from the athlete's form, all or nothing (one transaction).

    - the day's log is upserted (a repeat edits it: ``daily_log_record``);
    - ``previous_morning`` ("this morning") is the next-morning pain of the day before, stored
      on that day's log when there is one (it never creates a log for a day not logged);
    - the session is the day's one web session (``web_session_id``): recorded or updated, and
      removed when the athlete says they rested.
    Raises ``ApplicationError`` with field errors; then nothing is saved.
    """
    today = today or athlete_today()
    with transaction.atomic():
        log, _ = daily_log_record(
            athlete=athlete, date=day, submitted_by=user, fields=log_fields, today=today
        )
        if previous_morning is not None:
            before = (
                DailyLog.objects.select_for_update()
                .filter(athlete=athlete, date=day - dt.timedelta(days=1))
                .first()
            )
            if before is not None and before.pain_next_morning != previous_morning:
                daily_log_record(
                    athlete=athlete,
                    date=before.date,
                    submitted_by=user,
                    source=before.source,
                    fields={"pain_next_morning": previous_morning},
                    today=today,
                )
        external_id = web_session_id(day)
        if session_fields:
            activity_session_record(
                athlete=athlete,
                date=day,
                submitted_by=user,
                fields=session_fields,
                source=Source.WEB,
                external_id=external_id,
                today=today,
            )
        else:
            existing = ActivitySession.objects.filter(
                athlete=athlete, source=Source.WEB, external_id=external_id
            ).first()
            if existing is not None:
                activity_session_delete(session=existing, deleted_by=user)
    return log
