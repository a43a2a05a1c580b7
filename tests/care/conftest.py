"""Fixtures of the care tests: the case of tests/conftest.py with everyone on it, a running plan
(walk-run, phase 2 of 4), a pinned clock, and one note for each audience."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from monitoring.care import services as care_services
from tests.plans import running_plan

TODAY = dt.date(2026, 11, 20)
STARTED = dt.date(2026, 11, 1)
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)

ROLES = ("clinician", "physio", "coach", "athlete", "nutritionist", "psychologist")
# The audience table: which notes each role reads (athletes.permissions, "Care-team
# communication"). An integration account reads none.
READS = {
    "clinician": {"clinical", "team", "athlete"},
    "physio": {"clinical", "team", "athlete"},
    "coach": {"team", "athlete"},
    "nutritionist": {"team", "athlete"},
    "psychologist": {"team", "athlete"},
    "athlete": {"athlete"},
    "integration": set(),
}
BODY = {
    "clinical": "Clinical only: MRI shows the cortex healing.",
    "team": "Whole team: keep runs on grass this week.",
    "athlete": "For Maya too: log your next-morning pain.",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


@pytest.fixture
def team(case, clinician, physio, coach, athlete_user, nutritionist, psychologist, integration):
    return {
        "clinician": clinician,
        "physio": physio,
        "coach": coach,
        "athlete": athlete_user,
        "nutritionist": nutritionist,
        "psychologist": psychologist,
        "integration": integration,
    }


@pytest.fixture
def plan(case, team, frozen):
    return running_plan(case, team["clinician"], started_on=STARTED, phase=2)


@pytest.fixture
def notes(case, team, plan):
    """One note per audience, written by the lead clinician."""
    return {
        audience: care_services.note_create(
            case=case, author=team["clinician"], audience=audience, body=body
        )
        for audience, body in BODY.items()
    }
