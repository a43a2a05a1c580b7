"""Every athlete page: anonymous → log-in, the athlete → 200 with their own plan, others → 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from athletes.models import Case
from monitoring.models import DailyLog
from protocols.models import Plan
from tests.factories import AthleteFactory, CaseFactory, UserFactory

from .conftest import TODAY, log

PAGES = [
    reverse("athlete:today"),
    reverse("athlete:log"),
    reverse("athlete:log", args=[(TODAY - dt.timedelta(days=2)).isoformat()]),
    reverse("athlete:next"),
    reverse("athlete:progress"),
]

pytestmark = pytest.mark.usefixtures("today")


@pytest.mark.parametrize("url", PAGES + [reverse("athlete:logged", args=[TODAY.isoformat()])])
def test_anonymous_is_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_cannot_post_a_log_or_a_reminder(client, db):
    for url in (reverse("athlete:log"), reverse("athlete:reminder")):
        response = client.post(url, {"pain_rest": "0"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", PAGES)
def test_the_athlete_sees_every_page(client, maya, url):
    client.force_login(maya)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Walk-run" in response.content or url.startswith("/me/log/")


@pytest.mark.parametrize("who", ["clinician", "physio", "coach", "nutritionist", "outsider"])
def test_staff_have_no_athlete_pages(client, maya, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 404
        assert b"These pages are for athletes" in response.content
    assert client.post(reverse("athlete:log"), {"pain_rest": "0"}).status_code == 404


def test_today_shows_the_phase_prescription_limits_and_log_status(client, maya):
    client.force_login(maya)
    page = client.get(reverse("athlete:today")).content.decode()
    assert "Stage 2 of 4" in page
    assert "Walk-run" in page and "Tolerate alternating walking and jogging" in page
    assert "30 min, 3 times a week" in page and "Conversational" in page
    # impact "moderate", full weight bearing, in words
    assert "You may walk normally" in page and "no sprinting" in page
    # pain_max during ≤ 2 to advance and pain_above during > 5 to step back
    assert (
        "Pain during running must stay at 2/10 or below to move on; above 5/10, stop the "
        "session and take the rest of the day easy." in page
    )
    assert "Sharp pain or pain that wakes you at night: stop and tell your clinician" in page
    assert "Today's log isn't done yet" in page
    assert 'href="/me/log/"' in page

    log(maya, TODAY)
    page = client.get(reverse("athlete:today")).content.decode()
    assert "Today's log is done" in page and "Edit today's log" in page


def test_an_athlete_without_a_plan_gets_a_kind_explanation(client, maya, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.STOPPED)
    client.force_login(maya)
    page = client.get(reverse("athlete:today")).content.decode()
    assert "Your plan isn't ready yet" in page
    assert 'href="/me/log/"' in page  # the case is active: logging still helps
    assert "Your clinician hasn" in client.get(reverse("athlete:next")).content.decode()


def test_an_athlete_without_an_active_case_is_told_so(client, maya, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETURNED)
    client.force_login(maya)
    page = client.get(reverse("athlete:today")).content.decode()
    assert "No active rehabilitation" in page
    page = client.get(reverse("athlete:log")).content.decode()
    assert "nothing to log" in page and '<form method="post" action="/me/log/' not in page


def test_with_several_cases_the_active_one_with_a_plan_is_shown(client, maya, clinician):
    old = CaseFactory(athlete=maya.athlete_profile, site="fibula", status=Case.Status.CLOSED)
    old.care_team.create(user=maya, role="athlete")
    newer = CaseFactory(athlete=maya.athlete_profile, site="calcaneus")
    newer.care_team.create(user=maya, role="athlete")  # active, but no plan yet
    client.force_login(maya)
    page = client.get(reverse("athlete:today")).content.decode()
    assert "Walk-run" in page and "Stage 2 of 4" in page


def test_a_user_with_an_athlete_profile_but_no_case(client, db):
    user = UserFactory(username="zoe", kind="athlete")
    AthleteFactory(user=user)
    client.force_login(user)
    assert client.get(reverse("athlete:today")).status_code == 200
    assert client.get(reverse("athlete:progress")).status_code == 200
    assert client.get(reverse("athlete:next")).status_code == 200


def test_whats_next_lists_open_and_met_criteria_and_the_projection(client, maya):
    client.force_login(maya)
    page = client.get(reverse("athlete:next")).content.decode()
    assert "Next stage: Running progression" in page
    # walk-run: min 14 days, typical 21, started on PHASE_START (10 days ago)
    assert "Expected between" in page and "24 November" in page and "1 December" in page
    assert "Earliest if every goal is met" in page
    assert "At least 14 days in this stage" in page and "10 days done of 14: 4 days to go" in page
    assert "10 single-leg hops with pain at 2/10 or less, checked by your clinician" in page
    assert "Not checked yet in this stage" in page
    assert "Pain during running at 2/10 or below on every day you log for 7 days" in page
    assert "Done (" not in page  # nothing met yet


def test_progress_shows_charts_ladder_history_and_reminder(client, maya):
    for n in range(5):
        log(
            maya,
            TODAY - dt.timedelta(days=n),
            session={"activity": "walk_run", "minutes": 30, "rpe": 4},
            pain_during=n % 3,
        )
    client.force_login(maya)
    page = client.get(reverse("athlete:progress")).content.decode()
    assert page.count("plotly-graph-div") == 2
    # no CDN host ("cdn."): the page's random CSRF token may hold the letters "cdn"
    assert "plotly.min.js" in page and "cdn." not in page.lower()
    assert "5 days logged, 5 sessions" in page
    # the ladder: done, current (you are here), upcoming
    assert "Protected loading" in page and "You are here" in page and "Coming up" in page
    assert page.count('class="rung is-upcoming"') == 2
    # history: 28 days, the last 7 editable
    assert page.count('class="h-edit"') == 7
    assert f'href="/me/log/{TODAY.isoformat()}/">Edit' in page
    old = (TODAY - dt.timedelta(days=7)).isoformat()
    assert f"/me/log/{old}/" not in page
    assert 'id="reminder"' in page and 'name="time_of_day"' in page


def test_progress_gives_no_dates_while_the_athlete_must_stop(client, maya):
    """A red flag holds the plan until the team has reviewed it: "usually until about 11 Dec"
    beside Today's "Stop" promised a date no one can give (as What's next does not)."""
    client.force_login(maya)
    page = client.get(reverse("athlete:progress")).content.decode()
    assert "usually until about" in page and "usually from about" in page
    log(
        maya,
        TODAY,
        session={"activity": "walk_run", "minutes": 20, "rpe": 4},
        pain_during=8,
        pain_rest=6,
        night_pain=True,
    )
    page = client.get(reverse("athlete:progress")).content.decode()
    assert "usually until about" not in page and "usually from about" not in page
    assert "on hold until your clinical team has reviewed what you reported" in page
    assert page.count("Coming up · no date while on hold") == 2


def test_an_athlete_login_not_linked_to_a_record_gets_a_clear_page(client, db):
    user = UserFactory(username="newbie", kind="athlete", first_name="Nia")
    client.force_login(user)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Hello, Nia" in page and "ask your clinician to link it" in page
    client.post(reverse("athlete:log"), {"pain_rest": "0"})
    assert not DailyLog.objects.exists()


def test_progress_shows_a_sessions_pain_in_the_history_and_the_chart(client, maya):
    """A walk-run rated 6/10 during it, on a day whose daily log says 0: the history line names
    the session's pain, and the pain chart plots the day's worst, 6 (clinical.md §11: pain
    recorded with a session counts wherever a daily log's pain would)."""
    from monitoring.models import ActivitySession
    from monitoring.surfaces.athlete.view_models import progress

    day = TODAY - dt.timedelta(days=3)
    log(
        maya,
        day,
        session={"activity": "walk_run", "minutes": 30, "rpe": 4, "pain_during": 6},
        pain_during=0,
    )
    client.force_login(maya)
    page = client.get(reverse("athlete:progress")).content.decode()
    assert "Walk-run 30 min, effort 4, pain during 6" in page
    start = TODAY - dt.timedelta(days=6)
    series = progress.pain_by_day(
        DailyLog.objects.all(), ActivitySession.objects.all(), start, TODAY
    )
    assert series["pain_during"][(day - start).days] == 6
    assert series["pain_rest"][(day - start).days] == 0
