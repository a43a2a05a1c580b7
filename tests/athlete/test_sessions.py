"""A day holds several sessions (issue: the athlete's phone, item 1): the daily form records,
edits and removes each of the day's sessions by its key, the day's load is their sum, nothing is
chosen for the athlete, and a resend changes nothing; shoes are the athlete's own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.evaluation.selectors import case_snapshot
from monitoring.ingest.items import activity_session_record
from monitoring.ingest.shoes import shoe_add, shoe_distances
from monitoring.models import ActivitySession, DailyLog, Shoe, Source
from protocols.engine import series

from .conftest import TODAY, form_data

pytestmark = pytest.mark.usefixtures("today")
URL = reverse("athlete:log", args=[TODAY.isoformat()])
DAY = TODAY.isoformat()


def day_form(*sessions: dict, **overrides) -> dict:
    """The day's answers (``form_data`` without its one session) and session rows."""
    data = form_data(activity=None, minutes=None, rpe=None, **overrides)
    data["s-TOTAL_FORMS"] = str(len(sessions))
    data["s-INITIAL_FORMS"] = "0"
    for index, row in enumerate(sessions):
        for name, value in row.items():
            data[f"s-{index}-{name}"] = value
    return data


def row(token: str, activity: str = "walk_run", minutes: str = "30", rpe: str = "4", **more):
    return {
        "key": f"web-{DAY}-{token}",
        "activity": activity,
        "minutes": minutes,
        "rpe": rpe,
        **more,
    }


def sessions_of(maya):
    return list(
        ActivitySession.objects.filter(athlete=maya.athlete_profile, date=TODAY).order_by("id")
    )


def test_three_sessions_on_one_day_are_three_sessions_and_the_load_is_their_sum(client, maya):
    client.force_login(maya)
    walk_run = row("a", distance_km="4.2", surface="grass", pain_during="2", note="felt fine")
    cycle = row("b", "cycle", "45", "3")
    strength = row("c", "strength", "20", "5")
    response = client.post(URL, day_form(walk_run, cycle, strength))
    assert response.status_code == 302
    saved = sessions_of(maya)
    assert [(s.activity, s.minutes, s.rpe) for s in saved] == [
        ("walk_run", 30, 4),
        ("cycle", 45, 3),
        ("strength", 20, 5),
    ]
    first = saved[0]
    assert (str(first.distance_km), first.surface, first.pain_during, first.note) == (
        "4.20",
        "grass",
        2,
        "felt fine",
    )
    assert all(s.source == Source.WEB for s in saved)
    # 4 × 30 + 3 × 45 + 5 × 20 = 355 AU, the sum of the day's sessions (Foster 2001).
    case = maya.athlete_profile.cases.get()
    snapshot = case_snapshot(case.pk, TODAY).snapshot
    loads = [(s.day, s.load) for s in snapshot.sessions]
    assert series.day_totals(loads)[TODAY] == 355


def test_a_resend_of_the_same_day_changes_nothing(client, maya):
    """The phone's outbox may send a log twice (a lost answer): the keys make it one day."""
    client.force_login(maya)
    data = day_form(row("a"), row("b", "cycle", "45", "3"))
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert len(sessions_of(maya)) == 2
    assert DailyLog.objects.filter(athlete=maya.athlete_profile, date=TODAY).count() == 1


def test_a_session_is_edited_and_another_removed(client, maya):
    client.force_login(maya)
    client.post(URL, day_form(row("a"), row("b", "cycle", "45", "3")))
    edit = day_form(row("a", minutes="35"), {**row("b", "cycle", "45", "3"), "DELETE": "on"})
    assert client.post(URL, edit).status_code == 302
    assert [(s.activity, s.minutes) for s in sessions_of(maya)] == [("walk_run", 35)]


def test_a_device_session_of_the_day_is_left_alone(client, maya, clinician):
    """The form edits its own sessions; a watch's session of the same day stays."""
    activity_session_record(
        athlete=maya.athlete_profile,
        date=TODAY,
        submitted_by=maya,
        fields={"activity": "run", "minutes": 20, "rpe": 5},
        source=Source.DEVICE,
        external_id="watch-1",
        today=TODAY,
    )
    client.force_login(maya)
    page = client.get(URL).content.decode()
    assert "Also recorded for this day" in page and "Running 20 min" in page
    assert client.post(URL, day_form(row("a"))).status_code == 302
    assert sorted(s.source for s in sessions_of(maya)) == [Source.DEVICE, Source.WEB]
    client.post(URL, day_form(rest_day="on"))
    assert [s.source for s in sessions_of(maya)] == [Source.DEVICE]


def test_a_day_is_sessions_or_a_rest_day_never_neither(client, maya):
    client.force_login(maya)
    response = client.post(URL, day_form())
    assert response.status_code == 400
    assert "Add what you did today, or tap Rest day." in response.content.decode()
    both = client.post(URL, day_form(row("a"), rest_day="on"))
    assert both.status_code == 400
    assert "You marked a rest day and added sessions" in both.content.decode()
    assert not DailyLog.objects.exists() and not ActivitySession.objects.exists()
    rest = client.post(URL, day_form(rest_day="on", pain_during=None, pain_after=None))
    assert rest.status_code == 302
    assert not ActivitySession.objects.exists()
    # The rest day is shown as such when the day is opened again.
    assert 'name="rest_day" id="id_rest_day" checked' in client.get(URL).content.decode()


def test_an_empty_row_is_no_session_and_a_half_filled_one_says_what_is_missing(client, maya):
    client.force_login(maya)
    empty = {"key": f"web-{DAY}-e"}
    assert client.post(URL, day_form(row("a"), empty)).status_code == 302
    assert len(sessions_of(maya)) == 1
    half = client.post(URL, day_form(row("a"), {"key": f"web-{DAY}-h", "activity": "cycle"}))
    assert half.status_code == 400
    page = half.content.decode()
    assert "Session 2: Minutes" in page and "How many minutes?" in page
    assert "Session 2: How hard was it? (effort 0–10)" in page
    assert len(sessions_of(maya)) == 1  # nothing of the refused save was kept


@pytest.mark.parametrize("minutes", ["3030", "0", "-5", "thirty"])
def test_minutes_out_of_range_are_refused(client, maya, minutes):
    client.force_login(maya)
    response = client.post(URL, day_form(row("a", minutes=minutes)))
    assert response.status_code == 400
    assert "Session 1: Minutes" in response.content.decode()
    assert not ActivitySession.objects.exists()


@pytest.mark.parametrize(
    "key", ["web-2026-11-19-a", "device-1", "", "web-2026-11-20-" + "x" * 41, "web-2026-11-20-a b"]
)
def test_a_row_key_from_another_day_or_source_is_refused(client, maya, key):
    """A key names a session of this day's form only: another day's session is never moved."""
    client.force_login(maya)
    response = client.post(URL, day_form(row("a") | {"key": key}))
    assert response.status_code == 400
    assert not ActivitySession.objects.exists()


def test_the_same_row_twice_is_refused(client, maya):
    client.force_login(maya)
    response = client.post(URL, day_form(row("a"), row("a", "cycle")))
    assert response.status_code == 400
    assert "The same session is on the page twice" in response.content.decode()


def test_a_log_kept_by_the_earlier_page_is_recorded_as_meant(client, maya):
    """A phone that kept a log offline before the update sends the old fields: one session."""
    client.force_login(maya)
    assert client.post(URL, form_data()).status_code == 302
    (session,) = sessions_of(maya)
    assert session.external_id == f"web-{DAY}-1" and session.pain_during == 1
    assert client.post(URL, form_data(activity="rest")).status_code == 302
    assert not sessions_of(maya)


def test_sessions_pick_the_athletes_own_shoes_and_distance_adds_up(client, maya, ben):
    mine = shoe_add(athlete=maya.athlete_profile, name="Pegasus 41", km_before=12)
    theirs = shoe_add(athlete=ben.athlete_profile, name="Ghost")
    client.force_login(maya)
    page = client.get(URL).content.decode()
    assert f'<option value="{mine.pk}">Pegasus 41</option>' in page and "Ghost" not in page
    data = day_form(row("a", distance_km="5.5", shoe=str(mine.pk)), row("b", "cycle", "45", "3"))
    assert client.post(URL, data).status_code == 302
    walk_run = sessions_of(maya)[0]
    assert walk_run.shoe == mine
    (pair,) = shoe_distances(maya.athlete_profile)
    assert (pair.km, pair.sessions) == (17.5, 1)
    other = client.post(URL, day_form(row("a", shoe=str(theirs.pk))))
    assert other.status_code == 400
    assert sessions_of(maya)[0].shoe == mine


def test_the_shoes_page_adds_lists_and_retires_pairs(client, maya):
    client.force_login(maya)
    url = reverse("athlete:shoes")
    assert client.post(url, {"name": "  Pegasus   41 ", "km_before": "12"}).status_code == 302
    again = client.post(url, {"name": "pegasus 41"})
    assert again.status_code == 400 and "You already have a pair called" in again.content.decode()
    assert client.post(url, {"name": "", "km_before": "-3"}).status_code == 400
    shoe = Shoe.objects.get(athlete=maya.athlete_profile)
    assert shoe.name == "Pegasus 41"
    page = client.get(url).content.decode()
    assert "12.0 km" in page
    assert client.post(reverse("athlete:shoe", args=[shoe.pk]), {"retire": "1"}).status_code == 302
    shoe.refresh_from_db()
    assert shoe.retired_on == TODAY
    # A retired pair leaves the log's choices.
    assert ">Pegasus 41</option>" not in client.get(URL).content.decode()


def test_another_athletes_pair_cannot_be_retired(client, maya, ben):
    theirs = shoe_add(athlete=ben.athlete_profile, name="Ghost")
    client.force_login(maya)
    response = client.post(reverse("athlete:shoe", args=[theirs.pk]), {"retire": "1"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.retired_on is None


def test_the_next_day_offers_yesterdays_sessions_as_one_tap_suggestions(client, maya):
    client.force_login(maya)
    yesterday = TODAY - dt.timedelta(days=1)
    url = reverse("athlete:log", args=[yesterday.isoformat()])
    key = f"web-{yesterday.isoformat()}-y"
    data = day_form(row("y", "cycle", "45", "3") | {"key": key})
    assert client.post(url, data).status_code == 302
    page = client.get(URL).content.decode()
    assert 'data-activity="cycle" data-minutes="45"' in page and "(last time)" in page
