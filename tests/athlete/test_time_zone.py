"""The athlete's own time zone: "today" is where they live, across the date line both ways.

Stories on 20 November 2026 (the clinic is in Europe/London, UTC+0 in November):
- Maya lives in Auckland (Pacific/Auckland, UTC+13 in the southern summer). At 16:41 UTC it is
  05:41 on Saturday 21 November there: her log for the 21st is hers to make, not "the future".
- Ben lives in American Samoa (Pacific/Pago_Pago, UTC−11). At 09:00 UTC it is 22:00 on
  Thursday 19 November there: the 20th is still his tomorrow, for the page and for the API.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from athletes.models import Athlete, Case
from monitoring.evaluation.services import cases_evaluate
from monitoring.evaluation.tasks import evaluate_active_cases, send_log_reminders
from monitoring.ingest.checks import athlete_today, cases_by_today
from monitoring.ingest.items import daily_log_record, device_metrics_ingest
from monitoring.models import CaseEvaluation, DailyLog, DeviceMetric, ReminderPreference
from rehab.errors import ApplicationError

from .conftest import TODAY, form_data

pytestmark = pytest.mark.django_db

AUCKLAND = "Pacific/Auckland"
PAGO_PAGO = "Pacific/Pago_Pago"
NEXT = TODAY + dt.timedelta(days=1)  # 21 November
BEFORE = TODAY - dt.timedelta(days=1)  # 19 November


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def lives_in(user, zone: str) -> Athlete:
    athlete = user.athlete_profile
    athlete.time_zone = zone
    athlete.save(update_fields=["time_zone"])
    return athlete


def day_post(day: dt.date, **overrides) -> dict:
    data = form_data(activity=None, minutes=None, rpe=None, **overrides)
    data.update({"rest_day": "on", "s-TOTAL_FORMS": "0", "s-INITIAL_FORMS": "0"})
    return data


# --- today ---------------------------------------------------------------------------------


def test_today_is_the_athletes_own_date_on_both_sides_of_the_date_line(maya, ben):
    auckland, pago = lives_in(maya, AUCKLAND), lives_in(ben, PAGO_PAGO)
    morning_in_auckland = utc(TODAY, 16, 41)  # 05:41 on the 21st there, 16:41 on the 20th here
    assert athlete_today(auckland, now=morning_in_auckland) == NEXT
    assert athlete_today(now=morning_in_auckland) == TODAY  # the clinic's
    evening_in_samoa = utc(TODAY, 9)  # 22:00 on the 19th there
    assert athlete_today(pago, now=evening_in_samoa) == BEFORE
    assert athlete_today(Athlete(time_zone=""), now=evening_in_samoa) == TODAY


def test_a_log_for_her_saturday_is_accepted_at_0541_in_auckland(client, maya):
    lives_in(maya, AUCKLAND)
    client.force_login(maya)
    with time_machine.travel(utc(TODAY, 16, 41), tick=False):
        page = client.get(reverse("athlete:today"))
        assert "Saturday 21 November" in page.content.decode()
        response = client.post(reverse("athlete:log", args=[NEXT.isoformat()]), day_post(NEXT))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DailyLog.objects.filter(athlete=maya.athlete_profile, date=NEXT).exists()


def test_a_log_for_his_friday_is_refused_at_2200_on_thursday_in_samoa(client, ben):
    lives_in(ben, PAGO_PAGO)
    client.force_login(ben)
    with time_machine.travel(utc(TODAY, 9), tick=False):
        refused = client.post(reverse("athlete:log", args=[TODAY.isoformat()]), day_post(TODAY))
        accepted = client.post(reverse("athlete:log", args=[BEFORE.isoformat()]), day_post(BEFORE))
    assert refused.status_code in (400, 404)
    assert not DailyLog.objects.filter(athlete=ben.athlete_profile, date=TODAY).exists()
    assert accepted.status_code == 302
    with pytest.raises(ApplicationError) as refused_by_service:
        with time_machine.travel(utc(TODAY, 9), tick=False):
            daily_log_record(
                athlete=ben.athlete_profile, date=TODAY, submitted_by=ben, fields={"pain_rest": 0}
            )
    assert "after today (19 Nov 2026)" in str(refused_by_service.value.errors["date"])


def test_the_api_judges_not_in_the_future_by_each_athletes_date(maya, integration):
    """One bulk request, two athletes an ocean apart: each item by its own athlete's today."""
    lives_in(maya, AUCKLAND)
    other = Case.objects.get(athlete=maya.athlete_profile)
    api = APIClient()
    api.force_authenticate(integration)
    with time_machine.travel(utc(TODAY, 16, 41), tick=False):
        response = api.post(
            "/api/v1/daily-logs/bulk/",
            {"items": [{"athlete": other.athlete_id, "date": NEXT.isoformat(), "pain_rest": 1}]},
            format="json",
        )
    assert response.status_code in (200, 201, 207), response.content
    assert response.json()["results"][0]["status"] == "created"
    lives_in(maya, PAGO_PAGO)
    with time_machine.travel(utc(TODAY, 9), tick=False):
        response = api.post(
            "/api/v1/daily-logs/bulk/",
            {"items": [{"athlete": other.athlete_id, "date": TODAY.isoformat(), "pain_rest": 1}]},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "items.0.date": ["20 Nov 2026 is after today (19 Nov 2026)."]
    }


def test_a_samples_date_is_the_day_where_the_athlete_lives(maya):
    athlete = lives_in(maya, AUCKLAND)
    with time_machine.travel(utc(NEXT, 12), tick=False):
        device_metrics_ingest(
            athlete=athlete,
            submitted_by=maya,
            samples=[
                {
                    "metric": "steps",
                    "value": 9000,
                    "recorded_at": utc(TODAY, 12),  # 01:00 on the 21st in Auckland
                    "source": "watch",
                    "external_id": "s-1",
                }
            ],
        )
    assert DeviceMetric.objects.get(external_id="s-1").date == NEXT


# --- set from the phone ----------------------------------------------------------------------


def test_the_phone_sets_the_time_zone_and_learns_its_today(client, maya):
    client.force_login(maya)
    url = reverse("athlete:time_zone")
    with time_machine.travel(utc(TODAY, 16, 41), tick=False):
        response = client.post(url, {"time_zone": AUCKLAND})
        again = client.post(url, {"time_zone": AUCKLAND})
    assert response.status_code == 200
    assert response.json() == {"time_zone": AUCKLAND, "today": "2026-11-21", "changed": True}
    assert again.json()["changed"] is False
    maya.athlete_profile.refresh_from_db()
    assert maya.athlete_profile.time_zone == AUCKLAND


def test_a_name_that_is_not_a_time_zone_is_refused_and_nothing_changes(client, maya):
    lives_in(maya, AUCKLAND)
    client.force_login(maya)
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "x" * 200):
        response = client.post(reverse("athlete:time_zone"), {"time_zone": bad})
        assert response.status_code == 400
        assert "time_zone" in response.json()["errors"]
    maya.athlete_profile.refresh_from_db()
    assert maya.athlete_profile.time_zone == AUCKLAND


def test_only_an_athlete_sets_their_own_time_zone(client, clinician, maya):
    client.force_login(clinician)
    assert client.post(reverse("athlete:time_zone"), {"time_zone": AUCKLAND}).status_code == 404
    assert client.get(reverse("athlete:time_zone")).status_code == 405
    maya.athlete_profile.refresh_from_db()
    assert maya.athlete_profile.time_zone == ""


def test_progress_says_which_time_the_app_follows(client, maya, today):
    client.force_login(maya)
    assert "Europe/London (your clinic" in client.get(reverse("athlete:progress")).content.decode()
    lives_in(maya, AUCKLAND)
    assert (
        "Your time: <span data-zone-name>Pacific/Auckland</span>."
        in client.get(reverse("athlete:progress")).content.decode()
    )


# --- reminders and evaluations --------------------------------------------------------------


def test_the_1900_reminder_comes_at_1900_where_each_athlete_lives(maya, ben):
    from django.core import mail

    lives_in(maya, AUCKLAND)
    assert send_log_reminders(utc(TODAY, 6).isoformat()) == 1  # 19:00 in Auckland, 06:00 here
    assert [m.to[0] for m in mail.outbox] == [maya.email]
    assert ReminderPreference.objects.get(user=maya).last_sent_on == TODAY  # her 20th
    assert send_log_reminders(utc(TODAY, 19).isoformat()) == 1  # 19:00 here: Ben
    assert [m.to[0] for m in mail.outbox] == [maya.email, ben.email]
    # 19:00 on the 21st in Auckland: her new day, her new reminder
    assert send_log_reminders(utc(NEXT, 6).isoformat()) == 1
    assert ReminderPreference.objects.get(user=maya).last_sent_on == NEXT


def test_no_reminder_when_her_own_today_is_logged(maya):
    lives_in(maya, AUCKLAND)
    daily_log_record(
        athlete=maya.athlete_profile,
        date=NEXT,
        submitted_by=maya,
        fields={"pain_rest": 0},
        today=NEXT,
    )
    # 19:30 on the 21st in Auckland (06:30 on the 21st here): logged, no reminder
    assert send_log_reminders(utc(NEXT, 6, 30).isoformat()) == 0


def test_evaluations_are_for_each_athletes_today(maya, ben, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    lives_in(maya, AUCKLAND)
    mine = Case.objects.get(athlete=maya.athlete_profile).pk
    his = Case.objects.get(athlete=ben.athlete_profile).pk
    with time_machine.travel(utc(TODAY, 16, 41), tick=False):
        assert cases_by_today([mine, his]) == {NEXT: [mine], TODAY: [his]}
        assert cases_evaluate(case_ids=[mine, his]) == 2
    assert CaseEvaluation.objects.get(case_id=mine).evaluated_for == NEXT
    assert CaseEvaluation.objects.get(case_id=his).evaluated_for == TODAY
    with time_machine.travel(utc(TODAY, 23, 30), tick=False):  # the nightly run, 23:30 here
        evaluate_active_cases()
    assert CaseEvaluation.objects.get(case_id=mine).evaluated_for == NEXT
    assert CaseEvaluation.objects.get(case_id=his).evaluated_for == TODAY
