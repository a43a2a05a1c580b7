"""A case with a record of every kind, and an athlete of another clinic with records of their own.

"Today" is pinned for every test but the browser tests (live_server runs in another thread).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes import services as athlete_services
from athletes.models import CareTeamMember
from monitoring.ingest.items import activity_session_record, assessment_record, daily_log_record
from monitoring.models import DeviceMetric, Flag
from protocols import services as plan_services
from tests.factories import AthleteFactory, CaseFactory, UserFactory
from tests.plans import published_template, running_plan

TODAY = dt.date(2026, 11, 20)
STARTED = TODAY - dt.timedelta(days=12)
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def pinned_today(request):
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(NOON, tick=False):
        yield TODAY


@pytest.fixture
def api():
    """``api(user)``: a client that authenticates with the user's token."""

    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def fill(case, lead, athlete_login, *, today: dt.date = TODAY, tag: str = "") -> dict:
    """Records of every kind for the case: plan, phases, decisions, logs, a session, a device
    sample, an assessment, a flag, a consent answer."""
    template = published_template(lead, slug=f"privacy-{case.pk}")
    plan = running_plan(
        case, lead, started_on=today - dt.timedelta(days=12), phase=2, template=template
    )
    for n in range(3):
        daily_log_record(
            athlete=case.athlete,
            date=today - dt.timedelta(days=n),
            submitted_by=athlete_login or lead,
            fields={"pain_during": 1, "pain_after": 1, "note": f"diary {tag}{n}"},
            today=today,
        )
    activity_session_record(
        athlete=case.athlete,
        date=today,
        submitted_by=athlete_login or lead,
        fields={"activity": "walk_run", "minutes": 30, "rpe": 4},
        today=today,
    )
    DeviceMetric.objects.create(
        athlete=case.athlete,
        metric="steps",
        value=8000,
        unit="count",
        recorded_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
        date=today,
        source="watch",
        external_id=f"watch-{case.pk}",
    )
    assessment = assessment_record(
        case=case, test="single_leg_hop", value=12, date=today, assessed_by=lead, today=today
    )
    flag = Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="missing_logs",
        title=f"Missing logs {tag}",
        message="No log for 3 days.",
        evaluation={"day": today.isoformat()},
    )
    return {"plan": plan, "assessment": assessment, "flag": flag}


@pytest.fixture
def records(case, clinician, physio, coach, athlete_user):
    """The case of tests/conftest.py, its care team, and records of every kind."""
    athlete_services.consent_defaults_record(case=case, recorded_by=clinician)
    return fill(case, clinician, athlete_user)


@pytest.fixture
def other(db):
    """Another athlete of another lead clinician, with records of every kind."""
    lead = UserFactory(username="hana", kind="clinician")
    login = UserFactory(username="pia", kind="athlete")
    case = CaseFactory(athlete=AthleteFactory(first_name="Pia", last_name="Lund", user=login))
    CareTeamMember.objects.create(case=case, user=lead, role="lead_clinician")
    CareTeamMember.objects.create(case=case, user=login, role="athlete")
    athlete_services.consent_defaults_record(case=case, recorded_by=lead)
    data = fill(case, lead, login, tag="other-")
    athlete_services.consent_set(athlete=case.athlete, role="coach", given=False, changed_by=login)
    return {"case": case, "lead": lead, "login": login, **data}


def edit_plan(plan, lead, *, reason: str):
    """Individualize the active plan's walk-run phase: a longer dose, a stricter pain limit."""
    phases = list(plan.phases.order_by("order"))
    data = []
    for p in phases:
        spec = {**p.spec_fields(), "id": p.pk}
        if p.name == "Walk-run":
            spec["prescriptions"] = [
                {
                    "activity": "walk_run",
                    "minutes": 40,
                    "sessions_per_week": 3,
                    "intensity": "Conversational",
                }
            ]
            spec["advance_when"] = [
                c if c.get("kind") != "pain_max" else {**c, "max": 1} for c in spec["advance_when"]
            ]
            spec["typical_days"] = 28
        data.append(spec)
    return plan_services.plan_phases_update(plan=plan, phases=data, edited_by=lead, reason=reason)
