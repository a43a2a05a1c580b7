"""The replay page costs the same number of queries with 10 or 90 days of stored data, with or
without a change replayed; the case page's projection costs none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import ActivitySession, Assessment, DailyLog

from .conftest import TODAY
from .test_replay_views import form_data, pain_row

pytestmark = pytest.mark.django_db


def fill(case, days: int) -> None:
    DailyLog.objects.bulk_create(
        DailyLog(athlete=case.athlete, date=TODAY - dt.timedelta(days=n), pain_during=n % 3)
        for n in range(days)
    )
    ActivitySession.objects.bulk_create(
        ActivitySession(
            athlete=case.athlete,
            date=TODAY - dt.timedelta(days=n),
            activity="walk_run",
            minutes=30,
            rpe=3,
        )
        for n in range(days)
    )
    Assessment.objects.bulk_create(
        Assessment(case=case, date=TODAY - dt.timedelta(days=n), test="single_leg_hop", value=12)
        for n in range(0, days, 10)
    )


@pytest.mark.parametrize("days", [10, 90])
def test_the_replay_page_queries_do_not_grow_with_history(
    client, case, plan, team, days, django_assert_num_queries
):
    fill(case, days)
    client.force_login(team["clinician"])
    url = reverse("whatif:case_replay", kwargs={"case_id": case.pk})
    # session, user, the case with the viewer's role, the red-flag count of the navigation;
    # the access record; the plans, their phases, the transitions; the logs, sessions,
    # assessments and test batteries
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    phase = plan.current_phase
    data = form_data(phase, **{f"ph-0-advance_when-{pain_row(phase)}-max": 1})
    # A change replayed: the same twelve queries (the replay itself is pure).
    with django_assert_num_queries(12):
        response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["comparison"] is not None


@pytest.mark.parametrize("days", [10, 90])
def test_the_projection_adds_no_query_to_the_case_page(client, case, plan, team, days):
    fill(case, days)
    client.force_login(team["clinician"])
    url = reverse("clinic:case", kwargs={"case_id": case.pk})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    body = response.content.decode()
    assert 'id="projection-timeline"' in body
    assert not [q for q in ctx.captured_queries if "templatetrial" in q["sql"]]
    # Rendering the what-if part of the case page reads nothing.
    from django.template import loader

    with CaptureQueriesContext(connection) as render_ctx:
        loader.render_to_string(
            "clinic/whatif/_case.html",
            {"page": response.context["page"], "case": response.context["case"]},
        )
    assert len(render_ctx.captured_queries) == 0
