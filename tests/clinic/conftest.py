"""Fixtures of the clinic page tests: the case of tests/conftest.py with a running plan, days of
logs, and the flags an evaluation raises from them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from monitoring.evaluation import services
from monitoring.ingest.items import activity_session_record, daily_log_record
from tests.plans import published_template, running_plan  # noqa: F401 — used by the tests

TODAY = dt.date(2026, 11, 20)
STARTED = dt.date(2026, 11, 1)  # the walk-run phase (2 of 4) starts here


@pytest.fixture
def frozen():
    """The clinic's clock at noon on TODAY (Europe/London)."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def team(case, clinician, physio, coach, athlete_user, nutritionist, psychologist):
    """Everyone on the case, by role (the fixtures of tests/conftest.py)."""
    return {
        "clinician": clinician,
        "physio": physio,
        "coach": coach,
        "athlete": athlete_user,
        "nutritionist": nutritionist,
        "psychologist": psychologist,
    }


@pytest.fixture
def plan(case, team, frozen):
    """The case's plan in its walk-run phase (2 of 4) since STARTED."""
    return running_plan(case, team["clinician"], started_on=STARTED, phase=2)


def log_days(case, user, days: int, *, end: dt.date = TODAY, **fields):
    """One daily log a day for the ``days`` days up to ``end``, each with ``fields``."""
    for n in range(days):
        daily_log_record(
            athlete=case.athlete,
            date=end - dt.timedelta(days=n),
            submitted_by=user,
            fields=fields,
            today=end,
        )


def sessions(case, user, days: int, *, end: dt.date = TODAY, minutes: int = 30, rpe: int = 3):
    for n in range(days):
        activity_session_record(
            athlete=case.athlete,
            date=end - dt.timedelta(days=n),
            submitted_by=user,
            fields={"activity": "walk_run", "minutes": minutes, "rpe": rpe},
            today=end,
        )


def raise_red_flag(case, user, *, today: dt.date = TODAY):
    """Quiet logs, then night pain and pain during activity of 7 today: a red flag (night
    pain) and a regression (pain above 5) on the evaluation of today."""
    log_days(case, user, 10, end=today - dt.timedelta(days=1), pain_during=1, pain_after=1)
    log_days(case, user, 1, end=today, pain_during=7, pain_after=6, night_pain=True)
    services.case_evaluate(case_id=case.pk, today=today)
