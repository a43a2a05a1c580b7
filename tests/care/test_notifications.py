"""E-mails for a note addressed to someone and for overdue reviews, respecting each person's
notification settings (opt-out per kind); the settings page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from monitoring.care import services as care_services
from monitoring.care import tasks as care_tasks
from monitoring.models.care import NotificationSetting, Review

from .conftest import TODAY

pytestmark = pytest.mark.django_db

LATER = TODAY + dt.timedelta(days=5)


def _note(case, team, audience="team", to="coach", body="Please keep runs on grass."):
    return care_services.note_create(
        case=case, author=team["clinician"], audience=audience, body=body, addressed_to=team[to]
    )


def test_a_note_addressed_to_someone_is_queued_after_commit(
    case, team, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(care_tasks.send_note_email, "delay", lambda *a: queued.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        note = _note(case, team)
        assert queued == []  # not before the commit: a worker would not find the note
    assert queued == [(note.pk,)]
    with django_capture_on_commit_callbacks(execute=True):
        care_services.note_create(case=case, author=team["clinician"], audience="team", body="x")
    assert queued == [(note.pk,)]  # nobody addressed: no e-mail


def test_the_addressee_gets_the_note_by_email(case, team):
    note = _note(case, team)
    assert care_tasks.send_note_email(note.pk) == 1
    (message,) = mail.outbox
    assert message.to == [team["coach"].email]
    assert "Please keep runs on grass." in message.body
    assert f"/care/cases/{case.pk}/#note-{note.pk}" in message.body


def test_a_clinical_note_is_announced_not_copied(case, team):
    note = _note(case, team, audience="clinical", to="physio", body="MRI: cortical line.")
    assert care_tasks.send_note_email(note.pk) == 1
    assert "MRI: cortical line." not in mail.outbox[0].body
    assert "clinical staff only" in mail.outbox[0].body


def test_an_opted_out_addressee_gets_no_email(case, team):
    care_services.notification_settings_update(user=team["coach"], note_addressed=False)
    note = _note(case, team)
    assert care_tasks.send_note_email(note.pk) == 0
    assert mail.outbox == []


def test_someone_who_left_the_care_team_gets_no_email(case, team):
    note = _note(case, team)
    case.care_team.filter(user=team["coach"]).delete()
    assert care_tasks.send_note_email(note.pk) == 0


def _overdue(case, team):
    return care_services.review_schedule(
        case=case, by=team["clinician"], kind="visit", due_on=TODAY, today=TODAY
    )


def test_overdue_reviews_are_emailed_once_to_the_clinical_team(case, team, plan):
    review = _overdue(case, team)
    assert care_tasks.send_overdue_review_emails(TODAY.isoformat()) == 0  # due today: not yet
    assert care_tasks.send_overdue_review_emails(LATER.isoformat()) == 1
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([team["clinician"].email, team["physio"].email])
    assert team["coach"].email not in message.to
    assert "Overdue review" in message.subject
    assert care_tasks.send_overdue_review_emails(LATER.isoformat()) == 0  # once per review
    review.refresh_from_db()
    assert review.overdue_notified_on == LATER


def test_overdue_emails_respect_the_opt_out(case, team, plan):
    _overdue(case, team)
    care_services.notification_settings_update(user=team["physio"], review_overdue=False)
    care_tasks.send_overdue_review_emails(LATER.isoformat())
    assert mail.outbox[0].to == [team["clinician"].email]


def test_a_done_review_is_not_emailed(case, team, plan):
    review = _overdue(case, team)
    Review.objects.filter(pk=review.pk).update(status="done", done_on=TODAY)
    assert care_tasks.send_overdue_review_emails(LATER.isoformat()) == 0


def test_the_settings_page_turns_kinds_off_and_on(client, team):
    coach = team["coach"]
    client.force_login(coach)
    url = reverse("care:settings")
    html = client.get(url).content.decode()
    assert "A note addressed to me" in html and "checked" in html
    assert client.post(url, {"review_overdue": "on"}).status_code == 302
    setting = NotificationSetting.objects.get(user=coach)
    assert (setting.note_addressed, setting.review_overdue) == (False, True)
    assert care_services.wants([coach.pk, team["physio"].pk], "note_addressed") == {
        team["physio"].pk
    }
    client.force_login(team["athlete"])
    html = client.get(url).content.decode()  # on the athlete's own layout, their kinds only
    assert "A message from my care team" in html and "overdue review" not in html
    assert client.post(url, {}).status_code == 302
    setting = NotificationSetting.objects.get(user=team["athlete"])
    assert (setting.note_addressed, setting.review_overdue) == (False, True)


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("care:settings"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_tasks_are_registered_and_scheduled():
    from rehab.celery import app

    app.loader.import_default_modules()
    assert {"monitoring.tasks.send_note_email", "monitoring.tasks.send_overdue_review_emails"} <= (
        set(app.tasks)
    )
    entry = app.conf.beat_schedule["send-overdue-review-emails"]
    assert entry["task"] == "monitoring.tasks.send_overdue_review_emails"
