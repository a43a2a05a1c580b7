"""This week, planned against done, on Today and Progress.

Maya is on the walk-run stage (3 walk-runs a week, 30 min each) since Tuesday 10 November 2026;
today is Friday 20 November. A week runs Monday to Sunday in her own dates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.ingest.items import activity_session_record
from monitoring.models import Source
from monitoring.surfaces.athlete.view_models import context_for, weeks

from .conftest import TODAY

pytestmark = pytest.mark.django_db

MON, TUE, WED, THU = (dt.date(2026, 11, d) for d in (16, 17, 18, 19))
LAST_SUNDAY = dt.date(2026, 11, 15)


def session(user, day, activity="walk_run", minutes=30, more=None, **kw):
    activity_session_record(
        athlete=user.athlete_profile,
        date=day,
        submitted_by=user,
        fields={"activity": activity, "minutes": minutes, "rpe": 4, **(more or {})},
        today=TODAY,
        **kw,
    )


@pytest.fixture
def week_logged(maya):
    session(maya, LAST_SUNDAY)  # last week's
    session(maya, MON)
    session(maya, WED, minutes=20)  # two walk-runs on one day: one day of the three
    session(maya, WED, minutes=15)
    session(maya, THU, activity="cycle", minutes=40)
    return maya


def test_this_week_counts_the_days_a_prescribed_activity_was_logged(week_logged, today):
    (week,) = weeks(context_for(week_logged))
    assert (week.monday, week.last_day) == (MON, TODAY)
    (walk_run,) = week.planned
    assert (walk_run.done, walk_run.planned, walk_run.minutes) == (2, 3, 65)
    assert walk_run.words == "Walk-run: 2 of 3" and not walk_run.met
    (cycling,) = week.others
    assert cycling.words == "Cycling: 1 (not in your plan)"


def test_a_devices_session_counts_and_the_third_day_meets_the_plan(week_logged, today):
    session(week_logged, TODAY, minutes=32, source=Source.DEVICE, external_id="watch-1")
    (walk_run,) = weeks(context_for(week_logged))[0].planned
    assert (walk_run.done, walk_run.met) == (3, True)


def test_a_run_stopped_early_is_not_a_session_done(week_logged, today, client):
    """Thursday's walk-run was cut short by pain: it is not the third of three, and the week
    says so ("4 of 3" with a tick for a painful stopped run misled the athlete)."""

    def stopped(day, **kw):
        cut = {"pain_during": 6, "programme_stage": 2, "completion": "stopped_early"}
        session(week_logged, day, minutes=8, more=cut, **kw)

    stopped(THU)
    (walk_run,) = weeks(context_for(week_logged))[0].planned
    assert (walk_run.done, walk_run.stopped, walk_run.met) == (2, 1, False)
    assert walk_run.words == "Walk-run: 2 of 3, 1 stopped early"
    client.force_login(week_logged)
    card = client.get(reverse("athlete:today")).content.decode().split('id="this-week"', 1)[1]
    assert "2 of 3" in card and "1 stopped early, not counted" in card
    # a day with a completed session as well counts once, as done
    stopped(MON)
    (walk_run,) = weeks(context_for(week_logged))[0].planned
    assert (walk_run.done, walk_run.stopped) == (2, 1)


def test_today_shows_this_week(client, week_logged, today):
    client.force_login(week_logged)
    page = client.get(reverse("athlete:today")).content.decode()
    card = page[page.index('id="this-week"') :]
    assert "Walk-run" in card and "2 of 3" in card and "65 min logged" in card
    assert "Cycling" in card and "not in your plan" in card


def test_progress_shows_week_by_week_against_the_stage_of_each_week(client, week_logged, today):
    ctx = context_for(week_logged)
    found = weeks(ctx, count=4)
    # this week, and the week of 9 November (the stage began on Tuesday 10th); none before
    assert [w.monday for w in found] == [MON, dt.date(2026, 11, 9)]
    last = found[1]
    assert last.phase.name == "Walk-run" and last.stage_began == dt.date(2026, 11, 10)
    assert [(line.done, line.planned) for line in last.planned] == [(1, 3)]
    client.force_login(week_logged)
    page = client.get(reverse("athlete:progress")).content.decode()
    section = page[page.index('id="weeks"') :]
    assert "This week" in section and "Week of 9 Nov" in section
    assert "This stage began on Tuesday 10 November" in section


def test_a_week_that_began_in_the_stage_before_names_it(
    client, case, clinician, athlete_user, today
):
    """Walking (7 a week) until Wednesday 18 November, walk-run from Thursday 19th: Monday's
    and Tuesday's walks are in the earlier stage, not "not in your plan"."""
    from tests.plans import advance, running_plan

    plan = running_plan(case, clinician, started_on=dt.date(2026, 11, 2), phase=1)
    second = plan.phases.order_by("order")[1]
    advance(plan, clinician, on=THU, to_phase=second, reason="Pain-free walking for two weeks")
    session(athlete_user, MON, activity="walk", minutes=20)
    session(athlete_user, TUE, activity="walk", minutes=20)
    session(athlete_user, THU)
    (week,) = weeks(context_for(athlete_user))
    assert week.phase.name == "Walk-run" and week.stage_began == THU
    (walk,) = week.others
    first = plan.phases.order_by("order")[0].name
    assert walk.words == f"Walking: 2 (in your earlier stage, {first})"
    client.force_login(athlete_user)
    card = client.get(reverse("athlete:today")).content.decode().split('id="this-week"', 1)[1]
    assert f"in your earlier stage, {first}" in card and "not in your plan" not in card


def test_no_week_card_when_the_athlete_must_stop(client, maya, today):
    from .conftest import log

    log(maya, TODAY, pain_during=8, pain_rest=6, night_pain=True)
    client.force_login(maya)
    page = client.get(reverse("athlete:today")).content.decode()
    assert "Stop: no running" in page and 'id="this-week"' not in page
