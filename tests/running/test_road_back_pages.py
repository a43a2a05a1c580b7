"""The road back on the athlete's and the coach's pages (issue 28, item 2): the athlete sees
this week's running against the usual week before the injury, with the 50% and 75% marks in
plain words, and their cadence cue; a coach sees the same bar as a % only — no km, no baseline,
no basis, no gait checks, no diagnosis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import GaitCheck

from .conftest import TODAY, add_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def baseline(case, team, plan):
    case.pre_injury_km_week = Decimal("32")
    case.pre_injury_runs_week = Decimal("3")
    case.pre_injury_source = "computed"
    case.pre_injury_basis = "Mean of the 6 weeks 20 Aug 2026 – 30 Sep 2026: 18 running sessions."
    case.baseline_step_rate = 164
    case.cadence_goal_low_percent, case.cadence_goal_high_percent = 5, 10
    case.save()
    add_run(case, dt.date(2026, 12, 8), 6)
    add_run(case, dt.date(2026, 12, 8), 6)  # two runs on one day: summed
    add_run(case, TODAY, 4)
    GaitCheck.objects.create(
        case=case, date=TODAY, limp=True, pain_free_gait=False, notes="Crossover gait, left"
    )
    return case


@pytest.mark.parametrize("page", ["athlete:today", "athlete:progress"])
def test_the_athlete_sees_the_road_back_and_the_cadence_cue(client, team, baseline, page):
    client.force_login(team["athlete"])
    html = client.get(reverse(page)).content.decode()
    assert "Your road back to running" in html
    assert "<strong>16 km</strong> of your usual 32 km before the injury (50%)" in html
    assert "speed and hills" in html and "normal training" in html
    assert "aim for about <strong>172–180 steps a minute</strong>" in html
    assert "Crossover gait" not in html  # gait checks are the clinical team's


def test_a_week_with_a_run_without_distance_is_not_known(client, team, baseline):
    add_run(baseline, dt.date(2026, 12, 9), None)
    client.force_login(team["athlete"])
    html = client.get(reverse("athlete:today")).content.decode()
    assert "This week: <strong>not known yet</strong> — 1 run without a distance" in html


def test_without_a_baseline_or_goal_the_athlete_sees_no_bar(client, case, team, plan):
    client.force_login(team["athlete"])
    assert "road back" not in client.get(reverse("athlete:today")).content.decode().lower()


def test_the_coach_sees_the_bar_as_a_percent_and_nothing_clinical(client, team, baseline):
    client.force_login(team["coach"])
    html = client.get(reverse("coach:athlete", args=[baseline.pk])).content.decode()
    assert "Road back to running" in html
    assert "<strong>50%</strong> of the usual week before the break" in html
    for hidden in ("32 km", "16 km", " km", "Mean of the 6 weeks", "Crossover", "steps a minute"):
        assert hidden not in html, hidden
    assert baseline.get_site_display() not in html


def test_the_coach_gets_nothing_of_the_clinic_card(client, team, baseline):
    client.force_login(team["coach"])
    response = client.get(reverse("clinic:case", kwargs={"case_id": baseline.pk}))
    body = response.content.decode() if response.status_code == 200 else ""
    assert "Gait checks" not in body and "Crossover" not in body


@pytest.mark.parametrize("page", ["athlete:today", "athlete:progress"])
def test_no_cadence_cue_while_the_athlete_is_told_to_stop(client, team, baseline, page):
    """A red flag open: no run is due, so "when you run, aim for …" would contradict the stop;
    the road back (this week's running so far) stays."""
    from monitoring.models import Flag

    Flag.objects.create(
        case=baseline,
        phase=baseline.plans.get().current_phase,
        kind=Flag.Kind.RED_FLAG,
        title="Red flag: night pain",
        message="Night pain reported.",
        evaluation={},
    )
    client.force_login(team["athlete"])
    html = client.get(reverse(page)).content.decode()
    assert "Your road back to running" in html
    assert "steps a minute" not in html
