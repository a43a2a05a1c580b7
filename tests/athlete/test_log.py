"""The daily log: one form, a repeat edits, log and session saved together or not at all."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse

from monitoring.models import ActivitySession, DailyLog, Source
from monitoring.surfaces.athlete.view_models import log as log_model
from rehab.errors import ApplicationError

from .conftest import TODAY, form_data, log

pytestmark = pytest.mark.usefixtures("today")
YESTERDAY = TODAY - dt.timedelta(days=1)
LOG_URL = reverse("athlete:log")


def day_url(day: dt.date) -> str:
    return reverse("athlete:log", args=[day.isoformat()])


def test_a_complete_log_saves_the_day_and_its_session(client, maya):
    client.force_login(maya)
    response = client.post(day_url(TODAY), form_data())
    assert response.status_code == 302
    assert response.url == reverse("athlete:logged", args=[TODAY.isoformat()])
    entry = DailyLog.objects.get(athlete=maya.athlete_profile, date=TODAY)
    assert (entry.pain_rest, entry.pain_during, entry.pain_after) == (0, 1, 1)
    assert entry.pain_character == "dull" and entry.localized is False
    assert entry.night_pain is False and entry.swelling is False
    assert (entry.sleep_quality, entry.fatigue, entry.soreness, entry.stress, entry.mood) == (
        3,
        3,
        2,
        3,
        2,
    )
    assert str(entry.sleep_hours) == "7.5" and entry.source == Source.WEB
    assert entry.submitted_by == maya and entry.pain_next_morning is None
    session = ActivitySession.objects.get(athlete=maya.athlete_profile)
    assert (session.date, session.activity, session.minutes, session.rpe) == (
        TODAY,
        "walk_run",
        30,
        4,
    )
    assert session.external_id == f"web-{TODAY.isoformat()}-1" and session.source == "web"
    assert session.pain_during == 1


def test_the_same_form_posted_twice_leaves_one_log_and_one_session(client, maya):
    client.force_login(maya)
    client.post(LOG_URL, form_data())
    client.post(day_url(TODAY), form_data())
    assert DailyLog.objects.filter(athlete=maya.athlete_profile).count() == 1
    assert ActivitySession.objects.filter(athlete=maya.athlete_profile).count() == 1


def test_logging_again_edits_the_day(client, maya):
    client.force_login(maya)
    client.post(LOG_URL, form_data())
    client.post(LOG_URL, form_data(pain_during="3", minutes="20", rpe="6"))
    entry = DailyLog.objects.get(athlete=maya.athlete_profile)
    assert entry.pain_during == 3
    session = ActivitySession.objects.get(athlete=maya.athlete_profile)
    assert (session.minutes, session.rpe) == (20, 6)
    # The form shows what was logged.
    page = client.get(LOG_URL).content.decode()
    assert "You logged this day already" in page
    assert 'value="3" id="id_pain_during_3" checked' in page.replace("required ", "")


def test_a_rest_day_removes_the_days_web_session_only(client, maya):
    client.force_login(maya)
    client.post(LOG_URL, form_data())
    log(maya, TODAY, session={"activity": "cycle", "minutes": 45, "rpe": 3})  # from a device
    client.post(LOG_URL, form_data(activity="rest", minutes="", rpe=None))
    sessions = ActivitySession.objects.filter(athlete=maya.athlete_profile)
    assert [s.activity for s in sessions] == ["cycle"]


def test_missing_answers_are_field_errors_and_nothing_is_saved(client, maya):
    client.force_login(maya)
    response = client.post(
        LOG_URL, form_data(pain_rest=None, rpe=None, pain_during=None, night_pain=None)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please check 4 things" in page
    assert 'href="#group-pain_rest"' in page and "Tap a number from 0 to 10." in page
    assert "Tap yes or no." in page
    assert "How hard was it? Tap" not in page  # the summary names the field once, not twice
    assert "Tap your pain during activity (0 if none)." in page
    assert not DailyLog.objects.exists() and not ActivitySession.objects.exists()


def test_no_pain_character_with_pain_is_refused(client, maya):
    client.force_login(maya)
    response = client.post(LOG_URL, form_data(pain_character="none"))
    assert response.status_code == 400
    assert "You rated some pain above 0: choose dull ache or sharp." in response.content.decode()


def test_a_rest_day_needs_no_session_answers(client, maya):
    client.force_login(maya)
    data = form_data(activity="rest", minutes=None, rpe=None, pain_during=None, pain_after=None)
    data["pain_character"] = "none"
    response = client.post(LOG_URL, data)
    assert response.status_code == 302
    entry = DailyLog.objects.get()
    assert entry.pain_during is None and entry.localized is None
    assert not ActivitySession.objects.exists()


def test_a_refused_session_saves_no_log_either(client, maya):
    """One transaction: the service refusing the session rolls the day's log back."""
    client.force_login(maya)
    refusal = ApplicationError("No.", {"minutes": "Too long for this phase."})
    with mock.patch.object(log_model, "activity_session_record", side_effect=refusal):
        response = client.post(LOG_URL, form_data())
    assert response.status_code == 400
    assert "Too long for this phase." in response.content.decode()
    assert not DailyLog.objects.exists()


def test_this_morning_goes_to_yesterdays_log(client, maya):
    log(maya, YESTERDAY, pain_rest=1)
    client.force_login(maya)
    page = client.get(LOG_URL).content.decode()
    assert "Pain this morning, when you got up" in page
    client.post(LOG_URL, form_data(this_morning="2"))
    assert DailyLog.objects.get(date=YESTERDAY).pain_next_morning == 2
    assert DailyLog.objects.get(date=TODAY).pain_next_morning is None


def test_this_morning_is_not_asked_without_a_log_yesterday(client, maya):
    client.force_login(maya)
    assert "Pain this morning" not in client.get(LOG_URL).content.decode()
    client.post(LOG_URL, form_data(this_morning="2"))  # e.g. sent late from the phone
    assert list(DailyLog.objects.values_list("date", flat=True)) == [TODAY]


def test_a_past_day_asks_its_own_next_morning(client, maya):
    day = TODAY - dt.timedelta(days=3)
    client.force_login(maya)
    page = client.get(day_url(day)).content.decode()
    assert "Pain the next morning" in page and "Pain this morning" not in page
    client.post(day_url(day), form_data(pain_next_morning="1", next_morning_shown="True"))
    entry = DailyLog.objects.get(date=day)
    assert entry.pain_next_morning == 1
    assert ActivitySession.objects.get().external_id == f"web-{day.isoformat()}-1"
    # Editing it again without the field on the page keeps the value.
    client.post(day_url(day), form_data())
    assert DailyLog.objects.get(date=day).pain_next_morning == 1


def test_defaults_come_from_yesterday_and_nothing_is_chosen_for_the_athlete(client, maya):
    log(maya, YESTERDAY, sleep_hours=6.5, sleep_quality=5, fatigue=4, stress=2, mood=3)
    client.force_login(maya)
    page = client.get(LOG_URL).content.decode().replace("required ", "")
    assert 'value="6.5"' in page
    assert 'value="5" id="id_sleep_quality_4" checked' in page
    assert 'value="4" id="id_fatigue_3" checked' in page
    # What was done is never chosen for the athlete (an untaken session would be logged): one
    # empty session row, and today's prescription offered as a one-tap suggestion.
    rows = page.split('id="session-template"')[0].split('id="group-sessions"')[1]
    # (activity, surface, shoes and the run-walk programme's "did you finish it?")
    assert re.findall(r'<option value="([^"]*)" selected>', rows) == ["", "", "", ""]
    assert 'name="s-0-minutes"' in page and 'name="s-0-minutes" value=' not in page
    assert 'data-quick-add data-activity="walk_run" data-minutes="30"' in page
    assert "Walk-run 30 min" in page
    # pain is always asked afresh
    assert 'id="id_pain_rest_0" checked' not in page


@pytest.mark.parametrize("offset", [7, 30, -1])
def test_days_outside_the_last_week_cannot_be_logged(client, maya, offset):
    day = TODAY - dt.timedelta(days=offset)
    client.force_login(maya)
    assert client.get(day_url(day)).status_code == 404
    assert client.post(day_url(day), form_data()).status_code == 404
    assert not DailyLog.objects.exists()


def test_a_malformed_day_is_404(client, maya):
    client.force_login(maya)
    assert client.get("/me/log/2026-13-40/").status_code == 404


def test_the_logged_page_says_logged_and_nothing_alarming_on_a_calm_day(client, maya):
    client.force_login(maya)
    response = client.post(LOG_URL, form_data(), follow=True)
    page = response.content.decode()
    assert "Logged" in page and "Your log for today is saved." in page
    assert "Nothing to worry about today" in page
    # ... and never "you may move on": the stage's checks still open are named.
    callout = page[page.index("Nothing to worry about today") :]
    callout = callout[: callout.index("</section>")]
    assert "Still to do before the next stage:" in callout and "checks met" in callout


def test_sharp_pain_tells_the_athlete_to_stop_running(client, maya):
    client.force_login(maya)
    page = client.post(LOG_URL, form_data(pain_character="sharp"), follow=True)
    text = page.content.decode()
    assert "Sharp pain reported — your clinician has been notified" in text
    assert "Please stop running until they contact you." in text


def test_a_calm_earlier_day_saved_is_not_answered_with_todays_red_finding(client, maya):
    """Today's log reports sharp pain (a red flag). Yesterday, logged afterwards, was calm: the
    answer keeps the stop ("still a stop") without saying yesterday's log was sharp pain."""
    client.force_login(maya)
    client.post(LOG_URL, form_data(pain_character="sharp"))
    from monitoring.evaluation import services

    services.case_evaluate(case_id=maya.athlete_profile.cases.get().pk)
    text = client.post(day_url(YESTERDAY), form_data(), follow=True).content.decode()
    assert "Your log for " in text and "is saved." in text
    assert "Sharp pain reported" not in text
    assert "Still a stop: your clinical team is reviewing what you reported" in text


def test_pain_above_the_limit_asks_to_take_it_easy(client, maya, plan):
    """Above the phase's limit (5/10) but below the plan's red limit (set to 8 here): a step
    back, not a stop. At the default red limit (5/10) the same pain is a stop (see
    tests/clinical/test_athlete_safety_screens.py)."""
    plan.red_pain_limit = 8
    plan.save(update_fields=["red_pain_limit"])
    client.force_login(maya)
    text = client.post(LOG_URL, form_data(pain_during="6"), follow=True).content.decode()
    assert "Your pain is above your plan&#x27;s limit" in text
    assert "Take today easy and repeat the previous stage; your clinician will review." in text


def test_logged_page_without_a_log_goes_back_to_the_form(client, maya):
    client.force_login(maya)
    response = client.get(reverse("athlete:logged", args=[TODAY.isoformat()]))
    assert response.status_code == 302 and response.url == day_url(TODAY)


def test_todays_log_links_the_earlier_days_still_open_to_a_log(client, maya):
    """A run forgotten three days ago is one tap from Today's log: the six earlier days still
    open to a log are linked, yesterday first, and no day older than that."""
    client.force_login(maya)
    page = client.get(LOG_URL).content.decode()
    links = re.findall(r'<nav class="earlier-days[^"]*".*?</nav>', page, re.S)[0]
    days = [TODAY - dt.timedelta(days=n) for n in range(1, 7)]
    for day in days:
        assert reverse("athlete:log", args=[day.isoformat()]) in links
    assert ">yesterday<" in links
    older = TODAY - dt.timedelta(days=7)
    assert reverse("athlete:log", args=[older.isoformat()]) not in links
    assert client.get(reverse("athlete:log", args=[days[2].isoformat()])).status_code == 200
