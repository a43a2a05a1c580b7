"""Whose value wins (issue 27, item 6): what the athlete entered is never overwritten by a device
or club system; the other source fills only what the athlete left blank; a value set aside is
kept for the clinician (case page) and named in the API's answer; mistaken sessions and samples
are deleted by the source that sent them, and by no one else.

A story in dates: on Tuesday 20 October 2026 Maya logs her day on the phone (pain during her
walk-run 2/10, no sleep hours); that evening her watch's sync sends the same day with pain 0
(its own guess) and 7.5 hours of sleep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.ingest.items import daily_log_record
from monitoring.models import ActivitySession, DailyLog, DeviceMetric, Source, ValueConflict

from .conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = TODAY - dt.timedelta(days=1)  # Tuesday 20 October 2026
LOGS = "/api/v1/daily-logs/bulk/"


@pytest.fixture
def logged(case, athlete_user, plan):
    log, _ = daily_log_record(
        athlete=case.athlete,
        date=DAY,
        submitted_by=athlete_user,
        source=Source.WEB,
        fields={"pain_rest": 0, "pain_during": 2, "pain_after": 1},
        today=TODAY,
    )
    return log


def watch_day(case, **values):
    return {"athlete": case.athlete_id, "date": str(DAY), **values}


def test_the_athletes_entry_wins_the_watch_fills_the_blanks(api, case, integration, logged):
    response = api(integration).post(
        LOGS, {"items": [watch_day(case, pain_during=0, sleep_hours=7.5)]}, format="json"
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    assert (result["status"], result["kept"]) == ("updated", ["pain_during"])
    log = DailyLog.objects.get(pk=logged.pk)
    assert log.pain_during == 2  # Maya's, kept
    assert float(log.sleep_hours) == 7.5  # the blank, filled
    assert (log.source, log.submitted_by_id) == (Source.WEB, logged.submitted_by_id)
    (conflict,) = ValueConflict.objects.all()
    assert (conflict.field, conflict.kept, conflict.offered) == ("pain_during", "2", "0")
    assert conflict.submitted_by == integration

    # The same sync again: nothing changes, the set-aside value is kept once.
    again = api(integration).post(
        LOGS, {"items": [watch_day(case, pain_during=0, sleep_hours=7.5)]}, format="json"
    )
    (result,) = again.json()["results"]
    assert (result["status"], result["kept"]) == ("unchanged", ["pain_during"])
    assert ValueConflict.objects.count() == 1

    # A null from the watch never clears what Maya said.
    api(integration).post(LOGS, {"items": [watch_day(case, pain_after=None)]}, format="json")
    assert DailyLog.objects.get(pk=logged.pk).pain_after == 1


def test_the_clinician_sees_what_was_set_aside(api, client, case, clinician, integration, logged):
    api(integration).post(LOGS, {"items": [watch_day(case, pain_during=0)]}, format="json")
    client.force_login(clinician)
    page = client.get(reverse("clinic:case", kwargs={"case_id": case.pk})).content.decode()
    section = page[page.index('id="value-conflicts"') :]
    section = section[: section.index("</section>")]
    assert "Values other sources sent, not used" in section
    assert "Pain during" in section and "<td>2</td><td>0</td>" in section


def test_the_athlete_corrects_their_own_day_through_the_api(api, case, athlete_user, logged):
    response = api(athlete_user).post(
        LOGS, {"items": [watch_day(case, pain_during=1)]}, format="json"
    )
    (result,) = response.json()["results"]
    assert result["status"] == "updated" and "kept" not in result
    assert DailyLog.objects.get(pk=logged.pk).pain_during == 1
    assert not ValueConflict.objects.exists()


def test_a_day_the_athlete_did_not_log_is_the_devices_until_they_do(
    api, case, athlete_user, integration, plan
):
    api(integration).post(LOGS, {"items": [watch_day(case, sleep_hours=6)]}, format="json")
    log = DailyLog.objects.get(athlete=case.athlete, date=DAY)
    assert log.source == Source.API
    # the watch may still change its own value
    api(integration).post(LOGS, {"items": [watch_day(case, sleep_hours=6.5)]}, format="json")
    assert float(DailyLog.objects.get(pk=log.pk).sleep_hours) == 6.5
    # then Maya logs the day herself: her answers stand
    daily_log_record(
        athlete=case.athlete,
        date=DAY,
        submitted_by=athlete_user,
        fields={"pain_rest": 0, "pain_during": 3, "pain_after": 1, "sleep_hours": 8},
        today=TODAY,
    )
    assert float(DailyLog.objects.get(pk=log.pk).sleep_hours) == 8


def test_a_mistaken_session_or_sample_is_deleted_by_its_source_only(
    api, case, integration, clinician, outsider, plan
):
    session = api(integration).post(
        "/api/v1/sessions/",
        {
            "athlete": case.athlete_id,
            "date": str(DAY),
            "activity": "walk_run",
            "minutes": 30,
            "rpe": 4,
            "external_id": "garmin-1",
        },
        format="json",
    )
    assert session.status_code == 201, session.content
    sample = api(integration).post(
        "/api/v1/device-metrics/",
        {
            "athlete": case.athlete_id,
            "metric": "steps",
            "value": 9000,
            "recorded_at": f"{DAY}T20:00:00+01:00",
            "source": "garmin",
            "external_id": "steps-1",
        },
        format="json",
    )
    assert sample.status_code == 201, sample.content
    for kind, body, model in (
        ("sessions", session.json(), ActivitySession),
        ("device-metrics", sample.json(), DeviceMetric),
    ):
        url = f"/api/v1/{kind}/{body['id']}/"
        refused = api(clinician).delete(url)  # sees it, did not send it
        assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
        assert api(outsider).delete(url).status_code == 404
        assert model.objects.filter(pk=body["id"]).exists()
        assert api(integration).delete(url).status_code == 204
        assert not model.objects.filter(pk=body["id"]).exists()


def test_a_clinicians_push_completes_the_athletes_day_too(api, case, clinician, logged):
    """Whoever sends it, another's request never rewrites the athlete's self-report."""
    response = api(clinician).post(
        LOGS, {"items": [watch_day(case, pain_during=None, steps=9999)]}, format="json"
    )
    (result,) = response.json()["results"]
    assert (result["status"], result["kept"]) == ("updated", ["pain_during"])
    log = DailyLog.objects.get(pk=logged.pk)
    assert (log.pain_during, log.steps, log.source) == (2, 9999, Source.WEB)


def test_the_web_source_is_the_athletes_own(api, case, integration, plan):
    response = api(integration).post(
        "/api/v1/sessions/",
        {
            "athlete": case.athlete_id,
            "date": str(DAY),
            "activity": "walk_run",
            "minutes": 30,
            "source": "web",
            "external_id": "web-2026-10-20-0060a4355dae",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "athlete's own phone" in response.json()["errors"]["source"][0]
