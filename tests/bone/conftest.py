"""Fixtures of the work-up tests: the case of tests/conftest.py (Maya, 24, posteromedial tibia,
diagnosed 1 Oct 2026) with everyone on it and a pinned clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

TODAY = dt.date(2026, 12, 6)
NOON = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


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
