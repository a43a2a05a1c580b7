"""Maya's walk-run phase (moderate impact) since 1 November 2026 with three exercises, Ben
(another athlete with his own plan), and the clock pinned to Friday 20 November 2026."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from protocols import services
from tests.factories import AthleteFactory, CaseFactory, UserFactory
from tests.plans import published_template, running_plan

TODAY = dt.date(2026, 11, 20)  # a Friday
STARTED = dt.date(2026, 11, 1)  # a Sunday: the phase's first week has one day
EXERCISES = [
    {"exercise": "calf-raise-single", "sets": 3, "reps": 12, "per_week": 3, "notes": "Slowly."},
    {"exercise": "balance-eyes-open", "sets": 3, "seconds": 30, "per_week": 5},
    {"exercise": "split-squat", "sets": 2, "reps": 15, "per_week": 2},
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    moment = timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0))
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def template(clinician):
    return published_template(clinician)


@pytest.fixture
def plan(case, clinician, physio, coach, athlete_user, integration, template, today):
    plan = running_plan(case, clinician, started_on=STARTED, phase=2, template=template)
    services.phase_exercises_update(
        phase=plan.current_phase, exercises=EXERCISES, edited_by=clinician
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def phase(plan):
    return plan.current_phase


@pytest.fixture
def ben(clinician, template, plan):
    """Another athlete with a login and a plan with the same exercises."""
    user = UserFactory(username="ben", kind="athlete", first_name="Ben")
    athlete = AthleteFactory(first_name="Ben", user=user)
    case = CaseFactory(athlete=athlete)
    case.care_team.create(user=clinician, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    other = running_plan(case, clinician, started_on=STARTED, phase=2, template=template)
    services.phase_exercises_update(
        phase=other.current_phase, exercises=EXERCISES, edited_by=clinician
    )
    return user
