"""The daily-log reminder: once a day after the chosen time, never when logged or opted out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from athletes.models import Case
from monitoring import reminders
from monitoring.evaluation.tasks import send_log_reminders
from monitoring.models import ReminderPreference
from rehab.celery import app

from .conftest import TODAY, at, log


def run(hour: int, minute: int = 0, day: dt.date = TODAY) -> int:
    return send_log_reminders(at(day, hour, minute).isoformat())


def test_the_task_runs_every_15_minutes_from_beat():
    entry = app.conf.beat_schedule["send-log-reminders"]
    assert entry["task"] == "monitoring.tasks.send_log_reminders"
    assert entry["schedule"].minute == {0, 15, 30, 45}


def test_reminds_once_after_the_default_time_not_twice(maya, ben):
    assert run(18, 45) == 0  # before 19:00
    assert run(19, 0) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([maya.email, ben.email])
    assert run(19, 15) == 0 and run(23, 45) == 0
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert "still missing" in message.subject
    assert "/me/log/" in message.body or "Log today" in message.body
    # a new day, a new reminder
    assert run(19, 0, TODAY + dt.timedelta(days=1)) == 2


def test_no_reminder_when_today_is_logged(maya, ben):
    log(maya, TODAY)
    assert run(20) == 1
    assert [m.to[0] for m in mail.outbox] == [ben.email]


def test_no_reminder_when_opted_out(maya, ben):
    reminders.reminder_preference_update(user=maya, enabled=False, time_of_day=dt.time(19))
    assert run(21) == 1
    assert [m.to[0] for m in mail.outbox] == [ben.email]


def test_the_chosen_time_is_respected(maya):
    reminders.reminder_preference_update(user=maya, enabled=True, time_of_day=dt.time(7, 30))
    assert run(7, 15) == 0
    assert run(7, 30) == 1
    assert ReminderPreference.objects.get(user=maya).last_sent_on == TODAY


def test_changing_the_time_after_a_reminder_does_not_send_a_second(maya):
    assert run(19) == 1
    reminders.reminder_preference_update(user=maya, enabled=True, time_of_day=dt.time(20))
    assert run(20, 15) == 0
    assert len(mail.outbox) == 1


def test_no_reminder_without_an_active_plan_or_an_email(maya, case, ben):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETURNED)
    ben.email = ""
    ben.save()
    assert run(22) == 0
    assert mail.outbox == []


def test_staff_are_never_reminded(clinician, coach, maya):
    assert run(22) == 1
    assert [m.to[0] for m in mail.outbox] == [maya.email]


def test_a_claim_is_taken_once(maya):
    assert reminders.reminder_claim(user_id=maya.pk, today=TODAY) is True
    assert reminders.reminder_claim(user_id=maya.pk, today=TODAY) is False
    assert reminders.reminder_claim(user_id=maya.pk, today=TODAY + dt.timedelta(days=1)) is True


def test_a_failed_send_releases_the_claim(maya, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        run(19)
    assert not ReminderPreference.objects.filter(user=maya, last_sent_on=TODAY).exists()
    monkeypatch.undo()
    assert run(19, 15) == 1


def test_the_athlete_sets_the_reminder_on_the_progress_page(client, maya, today):
    client.force_login(maya)
    page = client.get(reverse("athlete:progress")).content.decode()
    assert 'value="on"' in page and 'value="19:00"' in page
    response = client.post(reverse("athlete:reminder"), {"enabled": "off", "time_of_day": "07:45"})
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=maya)
    assert (pref.enabled, pref.time_of_day) == (False, dt.time(7, 45))
    page = client.get(response.url).content.decode()
    # said in the reminder's card, where the page opens, not above the fold
    card = page[page.index('id="reminder"') :]
    assert "Daily reminder turned off." in card[: card.index("</section>")]
    assert page.count("Daily reminder turned off.") == 1
    assert "Daily reminder is off." in client.get(reverse("athlete:today")).content.decode()
    # the times offered are the quarters of an hour the reminders go out at, 24-hour clock
    options = card[: card.index("</section>")]  # the reminder's card (a CSRF token may hold "PM")
    assert '<option value="13:45">13:45</option>' in options
    assert " PM<" not in options and " AM<" not in options
    for wrong in ("late", "07:20", "25:00"):
        response = client.post(reverse("athlete:reminder"), {"enabled": "on", "time_of_day": wrong})
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
