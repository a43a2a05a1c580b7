"""The case of tests/conftest.py (diagnosed on its factory's date, moved here to DIAGNOSED) with
its care team, a running plan, and the athlete's runs before the injury."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from monitoring.models import ActivitySession
from tests.plans import running_plan

DIAGNOSED = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 12, 10)
STARTED = dt.date(2026, 11, 20)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def team(case, clinician, physio, coach, athlete_user, integration, frozen):
    case.diagnosed_on = DIAGNOSED
    case.save(update_fields=["diagnosed_on"])
    return {
        "clinician": clinician,
        "physio": physio,
        "coach": coach,
        "athlete": athlete_user,
        "integration": integration,
    }


@pytest.fixture
def plan(case, team):
    return running_plan(case, team["clinician"], started_on=STARTED, phase=2)


def add_run(case, day: dt.date, km, *, minutes: int = 50, cadence: int | None = None, **more):
    return ActivitySession.objects.create(
        athlete=case.athlete,
        date=day,
        activity=more.pop("activity", "run"),
        minutes=minutes,
        rpe=4,
        distance_km=None if km is None else Decimal(str(km)),
        cadence=cadence,
        source="import",
        **more,
    )


def runs_before_the_injury(case) -> None:
    """Three runs a week (Thursday 8 km, Saturday 10 km, Tuesday 14 km: 32 km) from 20 Aug
    2026 to the diagnosis, at 164 steps a minute: six whole weeks, 18 runs."""
    day = dt.date(2026, 8, 20)
    while day < DIAGNOSED:
        km = {3: 8, 5: 10, 1: 14}.get(day.weekday())
        if km is not None:
            add_run(case, day, km, minutes=km * 5, cadence=164)
        day += dt.timedelta(days=1)
