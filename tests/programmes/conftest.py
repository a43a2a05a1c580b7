"""Fixtures of the run-walk programme tests: the case of tests/conftest.py in its walk-run phase
(phase 2 of tests/plans, Gallatin & Graver 2019 by default) since D0, a pinned clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.ingest.items import activity_session_record
from tests.plans import running_plan

D0 = dt.date(2026, 11, 2)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan(case, clinician, physio, coach, athlete_user):
    with time_machine.travel(dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        return running_plan(case, clinician, started_on=D0, phase=2)


@pytest.fixture
def phase(plan):
    return plan.current_phase


def at(n: int):
    """The clinic's clock at noon on day ``n`` of the phase."""
    return time_machine.travel(
        dt.datetime.combine(day(n), dt.time(12, 0), tzinfo=dt.UTC), tick=False
    )


def run(case, user, n: int, stage: int | None, *, pain=0, completion="completed", today=None):
    """A walk-run session on day ``n`` at ``stage``, recorded through the athlete's write path."""
    fields = {"activity": "walk_run", "minutes": 30, "rpe": 4, "pain_during": pain}
    if stage is not None:
        fields["programme_stage"] = stage
    if completion:
        fields["completion"] = completion
    return activity_session_record(
        athlete=case.athlete,
        date=day(n),
        submitted_by=user,
        fields=fields,
        today=today or day(n),
    )[0]


@pytest.fixture
def api():
    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
