"""Optional menstrual-cycle logging on the athlete's phone (issue 29, item 2.4): off by
default, turned on with explicit consent and off again; a period start day in a tap; counts
feed the Triad menses item (a full year only) and the REDs screen's suggestions; only the
clinical team reads it, never a coach; turned off, it is hidden and no longer used."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from athletes.models import CycleConsent, PeriodStart
from monitoring.care.bone_facts import triad_suggestions
from monitoring.care.cycle import cycle_summary

from .conftest import TODAY

pytestmark = pytest.mark.django_db
URL = "/me/cycle/"


def turn(client, on: bool):
    return client.post(URL, {"given": "1" if on else "0"})


def log(client, day):
    return client.post(URL, {"started_on": day.isoformat() if hasattr(day, "isoformat") else day})


def test_off_by_default_nothing_is_logged(client, maya, today):
    client.force_login(maya)
    page = client.get(URL).content.decode()
    assert "Cycle log is off" in page and "I agree" in page
    response = log(client, TODAY)
    assert response.status_code == 400
    assert not PeriodStart.objects.exists()


def test_on_log_a_day_twice_is_one_entry_and_bad_days_are_refused(client, maya, today):
    client.force_login(maya)
    assert turn(client, True).status_code == 302
    consent = CycleConsent.objects.get(athlete=maya.athlete_profile)
    assert consent.given and consent.since == TODAY and consent.changed_by == maya

    assert log(client, TODAY).status_code == 302
    # The phone's outbox sends a kept day again after a lost answer: an update, not a second
    # entry, answered as the first was (back to the page, which the outbox reads as "sent").
    again = log(client, TODAY)
    assert again.status_code == 302 and again["Location"] == URL
    assert PeriodStart.objects.filter(athlete=maya.athlete_profile).count() == 1
    assert log(client, TODAY + dt.timedelta(days=1)).status_code == 400  # the future
    assert log(client, TODAY - dt.timedelta(days=500)).status_code == 400  # too long ago
    assert log(client, "not-a-day").status_code == 400
    assert PeriodStart.objects.count() == 1
    page = client.get(URL).content.decode()
    assert "1 period in the last 12 months" in page

    remove = client.post(URL, {"started_on": TODAY.isoformat(), "remove": "on"})
    assert remove.status_code == 302 and not PeriodStart.objects.exists()


def test_a_year_of_entries_feeds_the_triad_and_consent_off_stops_it(
    client, maya, clinician, coach, case, today
):
    """Maya turned logging on on 1 Nov 2025 and logged 5 periods since: the Triad menses
    item is pre-filled 2 (fewer than 6) for the nutritionist, the clinician sees the summary on
    the bone-health page, the coach does not reach it. Maya turns it off: the summary is gone
    from the page, the Triad item no longer pre-filled; on again, the entries come back."""
    client.force_login(maya)
    turn(client, True)
    athlete = maya.athlete_profile
    CycleConsent.objects.filter(athlete=athlete).update(since=dt.date(2025, 11, 1))
    for n in range(5):
        PeriodStart.objects.create(athlete=athlete, started_on=TODAY - dt.timedelta(days=60 * n))
    athlete.refresh_from_db()
    summary = cycle_summary(athlete, TODAY)
    assert summary.full_year and summary.periods == 5
    assert triad_suggestions(case, summary)["menses"][0] == 2

    client.force_login(clinician)
    page = client.get(reverse("care:bone_health", args=[case.pk])).content.decode()
    assert "5 periods logged in the last 12 months" in page
    timeline = client.get(reverse("care:timeline", args=[case.pk])).content.decode()
    client.force_login(coach)
    assert client.get(reverse("care:bone_health", args=[case.pk])).status_code == 404

    client.force_login(maya)
    turn(client, False)
    athlete.refresh_from_db()
    assert cycle_summary(athlete, TODAY) is None
    assert "menses" not in triad_suggestions(case, cycle_summary(athlete, TODAY))
    client.force_login(clinician)
    page = client.get(reverse("care:bone_health", args=[case.pk])).content.decode()
    assert "periods logged" not in page and "Menstrual cycle log" not in page
    assert PeriodStart.objects.count() == 5  # kept, hidden
    assert "Pre-filled from this injury" in timeline or "Pre-filled from" in timeline


def test_only_the_athlete_turns_it_on(client, clinician, case, athlete_user, today):
    from monitoring.care import services
    from rehab.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.cycle_consent_set(athlete=case.athlete, by=clinician, given=True)
    assert not CycleConsent.objects.exists()
