"""People and plans for the athlete pages: maya (the case's athlete) and ben (another one)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from monitoring.ingest.items import activity_session_record, daily_log_record
from tests.factories import AthleteFactory, CaseFactory, UserFactory
from tests.plans import published_template, running_plan

TODAY = dt.date(2026, 11, 20)
PHASE_START = TODAY - dt.timedelta(days=10)  # maya is on day 10 of the walk-run phase


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    """An aware moment in the clinic's time zone."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def today():
    """Pin the clock to TODAY at noon (clinic time) for pages that read 'today'."""
    with time_machine.travel(at(TODAY), tick=False):
        yield TODAY


@pytest.fixture
def template(clinician):
    return published_template(clinician)


@pytest.fixture
def plan(case, clinician, athlete_user, template):
    """Maya's plan, in its walk-run phase (tests/plans/__init__.py) since PHASE_START."""
    return running_plan(case, clinician, started_on=PHASE_START, phase=2, template=template)


@pytest.fixture
def maya(athlete_user, plan):
    return athlete_user


@pytest.fixture
def ben(clinician, template):
    """Another athlete with a login, a case and a plan of his own, on the same clinician's list."""
    user = UserFactory(username="ben", kind="athlete", first_name="Ben")
    athlete = AthleteFactory(first_name="Ben", user=user)
    case = CaseFactory(athlete=athlete)
    case.care_team.create(user=clinician, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    running_plan(case, clinician, started_on=PHASE_START, phase=2, template=template)
    return user


def log(user, day: dt.date, session: dict | None = None, **fields):
    """Record a day for the user's own athlete, as the services would from any source."""
    athlete = user.athlete_profile
    fields = {"pain_rest": 0, "pain_during": 0, "pain_after": 0, **fields}
    daily_log_record(athlete=athlete, date=day, submitted_by=user, fields=fields, today=TODAY)
    if session:
        activity_session_record(
            athlete=athlete, date=day, submitted_by=user, fields=session, today=TODAY
        )


def form_data(**overrides) -> dict:
    """A complete log as the form posts it: a walk-run with little pain."""
    data = {
        "pain_rest": "0",
        "pain_during": "1",
        "pain_after": "1",
        "pain_character": "dull",
        "localized": "no",
        "pain_location": "",
        "night_pain": "no",
        "swelling": "no",
        "activity": "walk_run",
        "minutes": "30",
        "rpe": "4",
        "sleep_hours": "7.5",
        "sleep_quality": "3",
        "fatigue": "3",
        "soreness": "2",
        "stress": "3",
        "mood": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
