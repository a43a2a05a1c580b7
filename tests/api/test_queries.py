"""Every list endpoint costs the same number of queries for 5 rows as for 50."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from athletes.models import CareTeamMember
from monitoring.models import ActivitySession, Assessment, DailyLog, DeviceMetric, Flag
from tests.factories import CaseFactory
from tests.plans import published_template

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _cases(case, clinician, n):
    for _ in range(n):
        other = CaseFactory(athlete__team=case.athlete.team)
        CareTeamMember.objects.create(case=other, user=clinician, role="clinician")


def _plans(case, clinician, n):
    from protocols import services
    from protocols.models import ProtocolTemplate

    template = ProtocolTemplate.objects.filter(slug="queries").first()
    template = template or published_template(clinician, slug="queries")
    for _ in range(n):
        other = CaseFactory()
        CareTeamMember.objects.create(case=other, user=clinician, role="clinician")
        plan = services.plan_create(case=other, template=template, created_by=clinician)
        services.plan_start(plan=plan, started_by=clinician, started_on=TODAY)


def _logs(case, clinician, n):
    start = DailyLog.objects.count()
    DailyLog.objects.bulk_create(
        DailyLog(athlete=case.athlete, date=TODAY - dt.timedelta(days=start + i), pain_rest=1)
        for i in range(n)
    )


def _sessions(case, clinician, n):
    ActivitySession.objects.bulk_create(
        ActivitySession(athlete=case.athlete, date=TODAY, activity="run", minutes=20, rpe=3)
        for _ in range(n)
    )


def _metrics(case, clinician, n):
    start = DeviceMetric.objects.count()
    DeviceMetric.objects.bulk_create(
        DeviceMetric(
            athlete=case.athlete,
            metric="steps",
            value=100,
            unit="count",
            recorded_at=timezone.now(),
            date=TODAY,
            source="watch",
            external_id=f"m{start + i}",
        )
        for i in range(n)
    )


def _assessments(case, clinician, n):
    Assessment.objects.bulk_create(
        Assessment(case=case, date=TODAY, test="heel_raise", value=20, assessed_by=clinician)
        for _ in range(n)
    )


def _flags(case, clinician, n):
    phase = case.plans.get().current_phase
    Flag.objects.bulk_create(
        Flag(
            case=case,
            phase=phase,
            kind="missing_logs",
            status="resolved",  # resolved ones do not count against "one open per kind"
            title="No log",
            message="…",
            evaluation={},
        )
        for _ in range(n)
    )


def _members(case, clinician, n):
    from tests.factories import UserFactory

    start = CareTeamMember.objects.count()
    for i in range(n):
        user = UserFactory(username=f"member{start + i}")
        CareTeamMember.objects.create(case=case, user=user, role="coach")


# endpoint: (make rows, queries, what they are)
LISTS = {
    "athletes": (_cases, 4, "token+user, the caller's cases, count, page (team joined)"),
    "cases": (_cases, 6, "token+user, count, page, care teams+users, active plans, open flags"),
    "plans": (_plans, 5, "token+user, the caller's cases, count, page (case joined), phases"),
    "daily-logs": (_logs, 4, "token+user, the caller's cases, count, page"),
    "sessions": (_sessions, 4, "token+user, the caller's cases, count, page"),
    "device-metrics": (_metrics, 4, "token+user, the caller's cases, count, page"),
    "assessments": (_assessments, 4, "token+user, the caller's cases, count, page"),
    "flags": (_flags, 4, "token+user, the caller's cases, count, page"),
    "care-team-members": (_members, 4, "token+user, the caller's cases, count, page+users"),
}


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_queries_do_not_grow_with_rows(api, plan, case, clinician, endpoint):
    make, expected, _what = LISTS[endpoint]
    client = api(clinician)
    url = f"/api/v1/{endpoint}/"
    counts, sizes = [], []
    for n in (5, 45):  # 5 rows, then 50
        make(case, clinician, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx))
        sizes.append(response.json()["count"])
    assert sizes[1] - sizes[0] == 45
    assert counts == [expected, expected], [q["sql"][:120] for q in ctx.captured_queries]


def test_templates_list_queries(api, plan, clinician):
    """token+user, count, page, phases: whatever the number of templates."""
    client = api(clinician)
    with CaptureQueriesContext(connection) as ctx:
        few = client.get("/api/v1/templates/")
    for i in range(10):
        published_template(clinician, slug=f"more-{i}")
    with CaptureQueriesContext(connection) as ctx_many:
        many = client.get("/api/v1/templates/")
    assert many.json()["count"] == few.json()["count"] + 10
    assert len(ctx) == len(ctx_many) == 4
