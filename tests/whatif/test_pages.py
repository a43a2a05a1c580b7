"""The projection timeline on the case page and on the athlete's "What's next"."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def case_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["clinician", "physio"])
def test_the_clinical_team_sees_the_timeline_and_the_replay_link(client, case, plan, team, who):
    body = case_page(client, team[who], case)
    assert 'id="projection-timeline"' in body
    assert "A projection, not a prediction of healing." in body
    assert "Earliest: each phase ends the day its minimum days allow" in body
    assert "Pooled return for the posteromedial tibia" in body
    assert reverse("whatif:case_replay", kwargs={"case_id": case.pk}) in body


@pytest.mark.parametrize("who", ["nutritionist", "psychologist"])
def test_others_on_the_case_see_neither(client, case, plan, team, who):
    body = case_page(client, team[who], case)
    assert 'id="projection-timeline"' not in body
    assert reverse("whatif:case_replay", kwargs={"case_id": case.pk}) not in body


def test_no_timeline_without_an_active_plan(client, case, team):
    body = case_page(client, team["clinician"], case)
    assert 'id="projection-timeline"' not in body


def test_a_case_running_long_says_so(client, case, plan, team):
    import datetime as dt

    case.diagnosed_on = dt.date(2026, 7, 1)
    case.save()
    body = case_page(client, team["clinician"], case)
    assert "Running longer than usual." in body
    assert "longer than the usual range" in body


def test_the_athlete_sees_the_timeline_in_plain_words(client, case, plan, team):
    import datetime as dt

    case.diagnosed_on = dt.date(2026, 7, 1)
    case.save()
    client.force_login(team["athlete"])
    response = client.get(reverse("athlete:next"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your plan on a timeline" in body
    assert "A projection, not a prediction of healing." in body
    assert "taking longer than usual" in body
    assert "Running longer than usual." not in body  # the clinician's wording stays there
