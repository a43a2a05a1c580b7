"""Schemathesis against our own schema, in-process: no server error and no response that breaks
the schema, for every operation, as a clinician on a seeded case.

Bounded: a few examples per operation (the documented examples first, then generated ones), and
an overall time budget after which the remaining examples are skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from monitoring.models import ActivitySession, Assessment, DailyLog, DeviceMetric, Flag

from .conftest import TODAY

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6"))
BUDGET_SECONDS = 240
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_started: list[float] = []


@pytest.fixture(autouse=True)
def keep_the_connection():
    """Like Django's test client, the WSGI app must not close the database connection after a
    request: the test's transaction (and its seeded rows) lives on it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded once, when the tests are collected, through the WSGI app the requests then go to.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# The documented examples, then a few generated cases; not the coverage phase, which tries
# every boundary the schema defines and ignores max_examples (unbounded in time).
schema.config.phases.update(phases=["examples", "fuzzing"])
# A fixed seed keeps the suite repeatable; set SCHEMATHESIS_SEED to explore other inputs.
schema.config.seed = int(os.environ.get("SCHEMATHESIS_SEED", "2026"))


@pytest.fixture
def seeded(plan, case, clinician, athlete_user):
    """One of every row on the clinician's case; returns the ids to aim the requests at."""
    day = TODAY - dt.timedelta(days=1)
    log = DailyLog.objects.create(athlete=case.athlete, date=day, pain_during=1)
    session = ActivitySession.objects.create(
        athlete=case.athlete, date=day, activity="run", minutes=30, rpe=4, external_id="s1"
    )
    metric = DeviceMetric.objects.create(
        athlete=case.athlete,
        metric="steps",
        value=1000,
        unit="count",
        recorded_at=timezone.now(),
        date=day,
        source="watch",
        external_id="m1",
    )
    assessment = Assessment.objects.create(
        case=case, date=day, test="heel_raise", value=20, assessed_by=clinician
    )
    flag = Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="load_spike",
        title="Load spike",
        message="…",
        evaluation={},
    )
    token, _ = Token.objects.get_or_create(user=clinician)
    return {
        "token": token.key,
        "athlete": case.athlete_id,
        "ids": {
            "athletes": case.athlete_id,
            "cases": case.pk,
            "care-team-members": case.care_team.get(role="coach").pk,
            "templates": plan.template_id,
            "plans": plan.pk,
            "daily-logs": log.pk,
            "sessions": session.pk,
            "device-metrics": metric.pk,
            "assessments": assessment.pk,
            "flags": flag.pk,
        },
    }


def _aim(case, seeded) -> None:
    """Point path ids at the seeded rows and items at the seeded athlete (or it is all 404s)."""
    match = re.match(r"/api/v1/([a-z-]+)/\{id\}", case.path)
    if match and case.path_parameters is not None:
        case.path_parameters["id"] = seeded["ids"][match.group(1)]
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        for item in body["items"][::2]:
            if isinstance(item, dict) and "athlete" in item:
                item["athlete"] = seeded["athlete"]
    elif isinstance(body, dict) and "athlete" in body:
        body["athlete"] = seeded["athlete"]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, seeded, clock, caplog):
    caplog.set_level("ERROR", logger="django.request")  # 4xx are expected: no warning each
    if not _started:
        _started.append(time.monotonic())
    if time.monotonic() - _started[0] > BUDGET_SECONDS:
        return  # out of budget: the rest of this run's examples are skipped
    _aim(case, seeded)
    case.call_and_validate(headers={"Authorization": f"Token {seeded['token']}"}, checks=CHECKS)
