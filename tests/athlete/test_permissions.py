"""An athlete sees and changes only their own data: no page takes an athlete or a log id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.models import ActivitySession, DailyLog

from .conftest import TODAY, form_data, log

pytestmark = pytest.mark.usefixtures("today")


def test_an_athlete_never_sees_another_athletes_logs(client, maya, ben):
    # a name no factory gives anyone else on the page (a random "John" could be a clinician's)
    maya.first_name = maya.athlete_profile.first_name = "Marisol"
    maya.save()
    maya.athlete_profile.save()
    log(maya, TODAY, pain_during=7, pain_location="MAYA-SECRET-SPOT", pain_character="sharp")
    log(ben, TODAY, pain_during=1)
    client.force_login(ben)
    for url in (
        reverse("athlete:today"),
        reverse("athlete:next"),
        reverse("athlete:progress"),
        reverse("athlete:log"),
        reverse("athlete:logged", args=[TODAY.isoformat()]),
    ):
        page = client.get(url).content.decode()
        assert "MAYA-SECRET-SPOT" not in page
        assert "sharp</strong>" not in page
        assert maya.first_name not in page
    # ben's own form shows ben's day, not maya's
    page = client.get(reverse("athlete:log")).content.decode().replace("required ", "")
    assert 'value="1" id="id_pain_during_1" checked' in page


def test_posting_a_day_writes_only_the_posters_own_log(client, maya, ben):
    log(maya, TODAY, pain_during=7)
    client.force_login(ben)
    client.post(reverse("athlete:log", args=[TODAY.isoformat()]), form_data(pain_during="0"))
    assert DailyLog.objects.get(athlete=maya.athlete_profile).pain_during == 7
    assert DailyLog.objects.get(athlete=ben.athlete_profile).pain_during == 0
    assert not ActivitySession.objects.filter(athlete=maya.athlete_profile).exists()


def test_extra_fields_cannot_redirect_a_write_to_another_athlete(client, maya, ben):
    client.force_login(ben)
    data = form_data(athlete=str(maya.athlete_profile.pk), athlete_id=str(maya.athlete_profile.pk))
    client.post(reverse("athlete:log"), data)
    assert not DailyLog.objects.filter(athlete=maya.athlete_profile).exists()
    assert DailyLog.objects.filter(athlete=ben.athlete_profile).count() == 1


def test_this_morning_only_ever_touches_the_posters_own_yesterday(client, maya, ben):
    yesterday = TODAY - dt.timedelta(days=1)
    log(maya, yesterday)
    client.force_login(ben)
    client.post(reverse("athlete:log"), form_data(this_morning="8"))
    assert DailyLog.objects.get(athlete=maya.athlete_profile).pain_next_morning is None


def test_the_care_team_has_no_athlete_pages_of_its_own(client, maya, clinician, coach):
    log(maya, TODAY)
    for user in (clinician, coach):
        client.force_login(user)
        assert client.get(reverse("athlete:today")).status_code == 404
        assert client.get(reverse("athlete:progress")).status_code == 404
        response = client.post(reverse("athlete:log"), form_data())
        assert response.status_code == 404
        assert client.post(reverse("athlete:reminder"), {"enabled": "off"}).status_code == 404
    assert DailyLog.objects.count() == 1


def test_an_athlete_removed_from_the_care_team_cannot_log(client, maya, case):
    case.care_team.filter(user=maya).delete()
    client.force_login(maya)
    page = client.get(reverse("athlete:log")).content.decode()
    assert "nothing to log" in page
    client.post(reverse("athlete:log"), form_data())
    assert not DailyLog.objects.exists()
