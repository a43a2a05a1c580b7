"""The daily log form's data and the day's write: the log and the web session of a day and of
the day before, the form's starting values, and the day recorded all or nothing through the
ingest services of ``monitoring.evaluation.services``."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
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
from monitoring.models import ActivitySession, DailyLog, Shoe, Source
from protocols.engine.programme import RUN_ACTIVITIES, ProgrammeState
from protocols.models import Activity, PlanPhase
from rehab.errors import ApplicationError

REST = "rest"
"""A log kept on a phone by the page's earlier version says a rest day as this activity."""

_KEY = re.compile(r"^web-(\d{4}-\d{2}-\d{2})-[A-Za-z0-9_-]{1,40}$")


def web_session_id(day: dt.date, suffix: str = "1") -> str:
    """The external id of one of the day's sessions recorded from the daily form, made when its
    row is (on the page, or on the phone), so that a resend (an offline log sent twice, a
    double tap) updates the session instead of adding one. Its date is the day's."""
    return f"web-{day.isoformat()}-{suffix}"


def new_session_key(day: dt.date) -> str:
    return web_session_id(day, secrets.token_hex(6))


def is_session_key(key: str, day: dt.date) -> bool:
    """A session key of this day's form (not another day's session, not a device's)."""
    match = _KEY.match(key or "")
    return bool(match) and match.group(1) == day.isoformat()


@dataclass(frozen=True)
class SessionRow:
    """One session from the daily form: its key, its fields, the pair of shoes (or None)."""

    key: str
    fields: Mapping[str, Any]
    shoe: Shoe | None = None


@dataclass(frozen=True)
class QuickAdd:
    """A one-tap start for a session row: today's prescription or what was done last time."""

    label: str
    activity: str
    minutes: int | None
    why: str
    programme_stage: int | None = None  # the run-walk programme's stage the run is logged at


@dataclass
class LogFormData:
    """What the log form of ``day`` needs: the day's log, its sessions from the form and from
    elsewhere (devices, the API), the day before, the athlete's shoes."""

    day: dt.date
    log: DailyLog | None
    sessions: list[ActivitySession]
    other_sessions: list[ActivitySession]
    previous: DailyLog | None
    previous_sessions: list[ActivitySession]
    shoes: list[Shoe]


def log_form_data(athlete: Athlete, day: dt.date) -> LogFormData:
    """Three queries: the logs of the day and the day before, their sessions, the shoes."""
    before = day - dt.timedelta(days=1)
    logs = {
        log.date: log for log in DailyLog.objects.filter(athlete=athlete, date__in=[day, before])
    }
    sessions = list(
        ActivitySession.objects.filter(athlete=athlete, date__in=[day, before]).order_by("id")
    )
    own = [
        s
        for s in sessions
        if s.date == day and s.source == Source.WEB and is_session_key(s.external_id, day)
    ]
    return LogFormData(
        day=day,
        log=logs.get(day),
        sessions=own,
        other_sessions=[s for s in sessions if s.date == day and s not in own],
        previous=logs.get(before),
        previous_sessions=[s for s in sessions if s.date == before],
        shoes=list(Shoe.objects.filter(athlete=athlete, retired_on__isnull=True)),
    )


def session_initial(data: LogFormData) -> list[dict[str, Any]]:
    """The session rows the form starts with: the day's own sessions; a day not logged yet
    starts with one empty row (nothing chosen for the athlete)."""
    rows = [
        {
            "key": s.external_id,
            "activity": s.activity,
            "minutes": s.minutes,
            "rpe": s.rpe,
            "pain_during": s.pain_during,
            "distance_km": s.distance_km,
            "surface": s.surface,
            "shoe": s.shoe_id,
            "note": s.note,
            "programme_stage": s.programme_stage,
            "completion": s.completion,
        }
        for s in data.sessions
    ]
    if not rows and data.log is None:
        rows.append({"key": new_session_key(data.day)})
    return rows


PROGRAMME_ACTIVITY = "walk_run"
"""What a run of the run-walk programme is logged as (as the Today card's link logs it)."""


def quick_adds(
    data: LogFormData, phase: PlanPhase | None, programme: ProgrammeState | None = None
) -> list[QuickAdd]:
    """Today's prescribed activities, then what was done the day before: one tap fills a row
    (the athlete chooses; nothing is chosen for them). With a run-walk programme in the phase
    (``programme``: its state on the form's day) its run comes first, at the stage offered and
    with that stage's minutes, in place of the plan's runs: a programme run is logged with its
    stage, which counts it towards the stage."""
    labels = dict(Activity.choices)
    out: list[QuickAdd] = []
    seen: set[tuple[str, int | None]] = set()
    plan = (phase.prescriptions if phase else None) or []
    if programme is not None and not programme.finished:
        stage = programme.offered_stage
        minutes = programme.offered.minutes
        out.append(
            QuickAdd(
                label=f"{labels[PROGRAMME_ACTIVITY]} {minutes} min",
                activity=PROGRAMME_ACTIVITY,
                minutes=minutes,
                why=f"run-walk stage {stage}",
                programme_stage=stage,
            )
        )
        seen.add((PROGRAMME_ACTIVITY, minutes))
        plan = [rx for rx in plan if rx.get("activity") not in RUN_ACTIVITIES]
    candidates = [(rx.get("activity"), rx.get("minutes"), "your plan") for rx in plan] + [
        (s.activity, s.minutes, "last time") for s in data.previous_sessions
    ]
    for activity, minutes, why in candidates:
        if activity not in labels or (activity, minutes) in seen:
            continue
        seen.add((activity, minutes))
        label = f"{labels[activity]} {minutes} min" if minutes else labels[activity]
        out.append(QuickAdd(label=label, activity=activity, minutes=minutes, why=why))
    return out[:6]


WELLBEING_FIELDS = schema.LOG_WELLBEING_FIELDS
"""What a new log starts from when the day before was logged."""


def log_initial(data: LogFormData, phase: PlanPhase | None) -> dict[str, Any]:
    """The form's starting values: the day's own log when there is one; otherwise how the
    athlete slept and felt yesterday. Pain is never carried over: it is what the gating reads,
    so it is always asked afresh; nor is what was done (``session_initial``)."""
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
    if log is not None and not data.sessions and not data.other_sessions:
        initial["rest_day"] = True
    return {k: v for k, v in initial.items() if v not in (None, "")}


def log_day_record(
    *,
    athlete: Athlete,
    user: User,
    day: dt.date,
    log_fields: Mapping[str, Any],
    sessions: Sequence[SessionRow],
    previous_morning: int | None = None,
    today: dt.date | None = None,
) -> DailyLog:
    """Record one day from the athlete's form, all or nothing (one transaction).

    - the day's log is upserted (a repeat edits it: ``daily_log_record``);
    - ``previous_morning`` ("this morning") is the next-morning pain of the day before, stored
      on that day's log when there is one (it never creates a log for a day not logged);
    - ``sessions`` are the day's sessions from the form, each recorded or updated by its key;
      the day's form sessions not among them are removed (the athlete took them off, or said
      they rested). Sessions from devices and the API are left as they are.
    Raises ``ApplicationError`` with field errors; then nothing is saved.
    """
    today = today or athlete_today(athlete)
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
        keep = set()
        for row in sessions:
            if not is_session_key(row.key, day):
                message = "This session's row is not from this day's form."
                raise ApplicationError(message, {"__all__": message})
            keep.add(row.key)
            activity_session_record(
                athlete=athlete,
                date=day,
                submitted_by=user,
                fields=row.fields,
                source=Source.WEB,
                external_id=row.key,
                today=today,
                shoe=row.shoe,
            )
        removed = ActivitySession.objects.filter(
            athlete=athlete, date=day, source=Source.WEB
        ).exclude(external_id__in=keep)
        for session in removed:
            if is_session_key(session.external_id, day):
                activity_session_delete(session=session, deleted_by=user)
    return log
