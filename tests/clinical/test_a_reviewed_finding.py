"""A finding a clinician reviewed and resolved is not raised again from the same data, and the
athlete's stop is lifted: the system recommends, a clinician decides (brief; clinical.md §7).

Before, a red flag resolved at 10:00 ("seen in clinic, bruise") opened again at the next
evaluation (the next log, or the night) while the painful day stayed in the rule's window, and
the athlete's Today still said stop after the clinician had reviewed her. New data (another
painful day) are a new finding: the flag opens again and the athlete is told to stop again.

Stories on fixed dates through the services the app uses, each write at its own moment.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from monitoring.evaluation import flags as flag_services
from monitoring.models import Flag
from monitoring.surfaces.athlete import view_models as athlete_pages
from tests.clinical.test_the_rules_see_all_the_data import (
    day,
    evaluate_on,
    log,
    open_flags,
    session,
)
from tests.plans import running_plan

D0 = day(0)  # Monday 2 November 2026: the walk-run phase starts


def at(n: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def walk_run(case, clinician, physio, coach, athlete_user):
    """The walk-run phase (impact work) since D0; the red pain limit is the plan's 5/10."""
    return running_plan(case, clinician, started_on=D0, phase=2)


def _painful_run(case, user, n: int, pain: int) -> None:
    with time_machine.travel(at(n, 8), tick=False):
        log(case, user, n, pain_during=pain, pain_after=pain - 1)
        session(case, user, n, activity="walk_run", minutes=20, pain_during=pain)


def _stop_shown(user) -> bool:
    ctx = athlete_pages.context_for(user)
    return athlete_pages.stop_notice(ctx, athlete_pages.day_log(ctx.athlete, ctx.today)) is not None


def test_a_resolved_red_flag_stays_resolved_until_new_data(walk_run, case, athlete_user, clinician):
    """Day 5, 08:00: a walk-run at 7/10, a red flag and a stop. 10:00: the clinician sees her
    and resolves it. The evaluations of 12:00 and of the night (same data) raise nothing again,
    and her Today shows the plan. Day 6, 08:00, another run at 7/10: a new finding, a new red
    flag, and stop again."""
    for n in range(5):
        with time_machine.travel(at(n, 20), tick=False):
            log(case, athlete_user, n, pain_during=0, pain_after=0)
    _painful_run(case, athlete_user, 5, pain=7)
    with time_machine.travel(at(5, 8), tick=False):
        evaluate_on(case, 5)
        assert "red_flag" in open_flags(case)
        assert _stop_shown(athlete_user)
    red = open_flags(case)["red_flag"]

    with time_machine.travel(at(5, 10), tick=False):
        flag_services.flag_resolve(flag=red, by=clinician, resolution="Seen in clinic; bruise.")
    with time_machine.travel(at(5, 12), tick=False):
        evaluate_on(case, 5)
        assert "red_flag" not in open_flags(case)
        assert not _stop_shown(athlete_user)
        ctx = athlete_pages.context_for(athlete_user)
        assert athlete_pages.reviewed_on(ctx) == day(5)  # Today says the team reviewed it
    with time_machine.travel(at(6, 1), tick=False):  # the night: day 5 still in the window
        evaluate_on(case, 6)
        assert "red_flag" not in open_flags(case)
    assert Flag.objects.filter(case=case, kind="red_flag").count() == 1

    _painful_run(case, athlete_user, 6, pain=7)
    with time_machine.travel(at(6, 8), tick=False):
        evaluate_on(case, 6)
        again = open_flags(case)["red_flag"]
        assert again.pk != red.pk and "7/10" in again.message
        assert _stop_shown(athlete_user)
    with time_machine.travel(at(8, 12), tick=False):  # two days on, no word of the old review
        flag_services.flag_resolve(flag=again, by=clinician, resolution="Seen again.")
        assert athlete_pages.reviewed_on(athlete_pages.context_for(athlete_user)) == day(8)
    with time_machine.travel(at(10, 12), tick=False):
        assert athlete_pages.reviewed_on(athlete_pages.context_for(athlete_user)) is None


def test_a_red_flag_resolved_by_the_evaluation_is_no_review(walk_run, case, athlete_user):
    """Only a person's resolution counts as a review: a flag of the old phase that the
    evaluation closed does not keep the same finding from opening in the new one."""
    from monitoring.evaluation import selectors

    _painful_run(case, athlete_user, 1, pain=7)
    with time_machine.travel(at(1, 8), tick=False):
        evaluate_on(case, 1)
    red = open_flags(case)["red_flag"]
    Flag.objects.filter(pk=red.pk).update(
        status="resolved", resolution="Resolved by the evaluation"
    )
    assert selectors.reviewed_findings([case.pk]) == {}
    with time_machine.travel(at(1, 12), tick=False):
        evaluate_on(case, 1)
    assert "red_flag" in open_flags(case)


def test_today_tells_the_athlete_the_team_reviewed_it(
    walk_run, case, athlete_user, clinician, client
):
    """The athlete's Today after the review: no stop, the plan, and a word that the team has
    reviewed what she reported; what the clinician wrote stays with the team."""
    from django.urls import reverse

    _painful_run(case, athlete_user, 5, pain=7)
    with time_machine.travel(at(5, 8), tick=False):
        evaluate_on(case, 5)
    red = open_flags(case)["red_flag"]
    with time_machine.travel(at(5, 10), tick=False):
        flag_services.flag_resolve(flag=red, by=clinician, resolution="Bruise; private note.")
    client.force_login(athlete_user)
    with time_machine.travel(at(5, 12), tick=False):
        page = client.get(reverse("athlete:today")).content.decode()
    assert 'data-testid="reviewed"' in page and "has reviewed what you reported" in page
    assert "private note" not in page and "Stop: no running" not in page
