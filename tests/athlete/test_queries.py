"""Today, Progress and What's next cost the same number of queries with 10 or 90 days of logs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.models import ActivitySession, DailyLog

from .conftest import TODAY

pytestmark = pytest.mark.usefixtures("today")


def fill(user, days: int) -> None:
    athlete = user.athlete_profile
    DailyLog.objects.bulk_create(
        DailyLog(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=n),
            pain_rest=0,
            pain_during=n % 3,
            pain_after=n % 2,
            pain_character="dull" if n % 3 else "none",
            night_pain=False,
        )
        for n in range(days)
    )
    ActivitySession.objects.bulk_create(
        ActivitySession(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=n),
            activity="walk_run",
            minutes=30,
            rpe=4,
        )
        for n in range(days)
    )


@pytest.mark.parametrize("days", [10, 90])
def test_today_queries_do_not_grow_with_history(client, maya, days, django_assert_num_queries):
    fill(maya, days)
    client.force_login(maya)
    # session, user, athlete, cases (with the viewer's role), active plans, their phases,
    # today's log, open red flags, today's sessions (severe pain with impact work), this
    # week's sessions, the reminder setting; the care panel: next review, notes, education cards;
    # the walk-run phase's programme: the phase's sessions and logs; a red flag a clinician
    # resolved in the last two days ("your team has reviewed what you reported")
    with django_assert_num_queries(17):
        response = client.get(reverse("athlete:today"))
    assert response.status_code == 200


@pytest.mark.parametrize("days", [10, 90])
def test_progress_queries_do_not_grow_with_history(client, maya, days, django_assert_num_queries):
    fill(maya, days)
    client.force_login(maya)
    # session, user, athlete, cases, active plans, phases, the last 28 days' logs, their
    # sessions, the last four weeks' sessions (week by week), the reminder setting, the
    # readiness totals (TSK-11, I-PRRS) for "your confidence"; the stop (no dates on hold):
    # today's log, an open red flag, today's sessions (severe pain)
    with django_assert_num_queries(14):
        response = client.get(reverse("athlete:progress"))
    assert response.status_code == 200
    assert response.content.decode().count('class="has-log"') == min(days, 28)


@pytest.mark.parametrize("days", [10, 90])
def test_whats_next_queries_do_not_grow_with_history(client, maya, days, django_assert_num_queries):
    fill(maya, days)
    client.force_login(maya)
    # session, user, athlete, cases, active plans, phases; the snapshot: plan + case + phase,
    # logs, sessions, assessments, test batteries; the goals of the phase; the stop: today's
    # log, an open red flag, today's sessions (severe pain)
    with django_assert_num_queries(15):
        response = client.get(reverse("athlete:next"))
    assert response.status_code == 200


@pytest.mark.parametrize("days", [10, 90])
def test_log_form_queries_do_not_grow_with_history(client, maya, days, django_assert_num_queries):
    fill(maya, days)
    client.force_login(maya)
    # session, user, athlete, cases, active plans, phases, the day and the day before's logs,
    # their sessions, the athlete's shoes; the clinical team (for a stop said on the phone when
    # offline); the phase's run-walk sessions and logs (the programme's run at its stage)
    with django_assert_num_queries(12):
        response = client.get(reverse("athlete:log"))
    assert response.status_code == 200
