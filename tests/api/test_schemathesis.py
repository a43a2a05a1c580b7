"""Schemathesis against our own schema, in-process: no server error and no response that breaks
the schema, for every operation, as a clinician on a seeded case.

Bounded: a few examples per operation (the documented examples first, then generated ones), and
an overall time budget after which the remaining examples are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from collections import Counter

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

from athletes.models import Athlete, Clinic, Invitation, User
from monitoring.models import (
    ActivitySession,
    Assessment,
    BatteryResult,
    BoneHealthResult,
    DailyLog,
    DeviceMetric,
    EnergyAvailability,
    Flag,
    TestBattery,
    WebhookEndpoint,
    WorkupTask,
)
from monitoring.models.care import CaseNote, Goal, Review
from tests.conftest import ARTIFACTS

from .conftest import TODAY

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6"))
# `make fuzz` sets a larger MAX_EXAMPLES and FUZZ_SECONDS (its time bound, default 120 s).
BUDGET_SECONDS = int(os.environ.get("FUZZ_SECONDS", "240"))


@schemathesis.check
def a_clear_message(ctx, response, case) -> bool | None:
    """Every refusal (4xx) says why in a sentence: ``{"detail": "...", "errors": {...}}``, or
    for FHIR an OperationOutcome whose issue's ``diagnostics`` is the sentence."""
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            body = None
        detail = body.get("detail") if isinstance(body, dict) else None
        if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
            detail = (body.get("issue") or [{}])[0].get("diagnostics")
        if not (isinstance(detail, str) and detail.strip()):
            raise AssertionError(
                f"{response.status_code} without a message in `detail`: {response.text[:200]}"
            )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    a_clear_message,
]
_started: list[float] = []
_op_started: dict[str, float] = {}
FUZZING = "FUZZ_SECONDS" in os.environ
STATUSES: Counter[int] = Counter()
"""Status codes of the calls made, for the summary `make fuzz` prints."""


@pytest.fixture(scope="module", autouse=True)
def summary():
    """After the run: calls by status, in artifacts/fuzz-summary.json."""
    yield
    if not STATUSES:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    report = {
        "calls": sum(STATUSES.values()),
        "server_errors": sum(n for code, n in STATUSES.items() if code >= 500),
        "by_status": {str(code): n for code, n in sorted(STATUSES.items())},
        "seconds": round(time.monotonic() - _started[0], 1) if _started else 0,
        "budget_seconds": BUDGET_SECONDS,
        "max_examples_per_operation": MAX_EXAMPLES,
    }
    (ARTIFACTS / "fuzz-summary.json").write_text(json.dumps(report, indent=2))


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
OPERATIONS = list(schema.get_all_operations())


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
    battery = TestBattery.objects.create(case=case, date=day, involved_side="left")
    BatteryResult.objects.create(battery=battery, test="hop_distance", unit="cm", left=1, right=2)
    flag = Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="load_spike",
        title="Load spike",
        message="…",
        evaluation={},
    )
    note = CaseNote.objects.create(case=case, author=clinician, audience="team", body="…")
    review = Review.objects.create(case=case, kind="call", due_on=TODAY, scheduled_by=clinician)
    goal = Goal.objects.create(case=case, phase=plan.current_phase, text="Walk 30 min")
    # Everyone in one clinic, the clinician its administrator, with an invitation waiting.
    clinic = Clinic.objects.create(name="Schema clinic")
    User.objects.update(clinic=clinic)
    Athlete.objects.update(clinic=clinic)
    User.objects.filter(pk=clinician.pk).update(is_clinic_admin=True)
    invitation = Invitation.objects.create(
        clinic=clinic,
        email="waiting@example.org",
        kind="physio",
        token_hash="0" * 64,
        created_by=clinician,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    webhook = WebhookEndpoint.objects.create(
        clinic=clinic, url="https://hooks.example.org/", events=["flag.opened"], secret="whsec_A"
    )
    result = BoneHealthResult.objects.create(
        case=case, kind="ferritin", value=30, unit="µg/L", entered_value=30, entered_unit="µg/L",
        measured_on=day, recorded_by=clinician,
    )  # fmt: skip
    energy = EnergyAvailability.objects.create(
        case=case, date=day, intake_kcal=2400, exercise_kcal=600, ffm_kg=45, ea=40
    )
    task = WorkupTask.objects.create(case=case, kind="dxa", assignee_role="physician", due_on=day)
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
            "batteries": battery.pk,
            "flags": flag.pk,
            "notes": note.pk,
            "reviews": review.pk,
            "goals": goal.pk,
            "invitations": invitation.pk,
            "webhooks": webhook.pk,
            "bone-results": result.pk,
            "energy-availability": energy.pk,
            "workup-tasks": task.pk,
            "bone-health": case.pk,  # a case's bone health is read by the case's id
        },
    }


def _aim(case, seeded) -> None:
    """Point path ids at the seeded rows and items at the seeded athlete (or it is all 404s)."""
    match = re.match(r"/api/v1/([a-z-]+)/\{id\}", case.path)
    if match and case.path_parameters is not None and match.group(1) in seeded["ids"]:
        # a resource without a seeded row keeps the generated id (a 404 the schema declares)
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
    if not FUZZING and time.monotonic() - _started[0] > BUDGET_SECONDS:
        return  # out of budget: the rest of this run's examples are skipped
    if FUZZING:
        # `make fuzz`: each operation gets an equal share of the time bound, then stops
        # generating (Hypothesis ends the operation's run on a skip).
        first = _op_started.setdefault(case.operation.label, time.monotonic())
        if time.monotonic() - first > BUDGET_SECONDS / len(OPERATIONS):
            pytest.skip("this operation's share of FUZZ_SECONDS is spent")
    _aim(case, seeded)
    response = case.call(headers={"Authorization": f"Token {seeded['token']}"})
    STATUSES[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
