"""Fixtures of the API tests: token clients per person, a running plan, a pinned clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.plans import running_plan

D0 = dt.date(2026, 10, 1)  # the plan starts here; its walk-run phase too
TODAY = dt.date(2026, 10, 21)


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache (Redis): each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(request):
    """The clinic's clock at noon on TODAY (London), ticking."""
    with time_machine.travel(dt.datetime(2026, 10, 21, 11, 0, tzinfo=dt.UTC), tick=True):
        yield TODAY


@pytest.fixture
def api():
    """``api(user)``: a client that authenticates as ``user`` with a token, as integrators do."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def plan(case, clinician, physio, coach, athlete_user, clock):
    """The case's active plan, in its walk-run phase since D0 (see tests/plans/__init__.py)."""
    return running_plan(case, clinician, started_on=D0, phase=2)


@pytest.fixture
def foreign_case(db):
    """Another athlete's case, with its own clinician: nobody above is on it."""
    from tests.factories import CareTeamMemberFactory, CaseFactory, UserFactory

    case = CaseFactory()
    CareTeamMemberFactory(
        case=case, user=UserFactory(username="ffion", kind="clinician"), role="lead_clinician"
    )
    return case


@pytest.fixture
def team_integration(case, foreign_case):
    """An integration account granted the team of the case's athlete (not on any care team)."""
    from athletes.models import IntegrationGrant, User
    from tests.factories import UserFactory

    user = UserFactory(username="teamsync", kind=User.Kind.INTEGRATION)
    IntegrationGrant.objects.create(user=user, team=case.athlete.team)
    assert foreign_case.athlete.team_id != case.athlete.team_id
    return user
