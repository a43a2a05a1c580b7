"""Every coach page as a permission table: anonymous, the coach on the case, a coach not on it,
the case's clinician and its athlete; then what each page shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.coach.conftest import D0, TODAY

PEOPLE = ["anonymous", "coach", "other_coach", "clinician", "athlete_user"]
CASE_PAGES = ["coach:athlete", "coach:restrictions"]
LIST_PAGES = ["coach:board", "coach:board_csv"]


def _url(name, case):
    return reverse(name, args=[case.pk]) if name in CASE_PAGES else reverse(name)


def _client(request, client, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


# who -> (status of a case page, does a list page show the case's athlete)
EXPECTED = {
    "anonymous": (302, False),
    "coach": (200, True),
    "other_coach": (404, False),
    "clinician": (404, False),
    "athlete_user": (404, False),
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("name", CASE_PAGES)
def test_case_pages_by_person(request, client, coached, case, other_coach, who, name):
    # A name nobody else here has: the pages show the signed-in person's own (generated) name,
    # which may be the athlete's by chance.
    case.athlete.last_name = "Zebrowski-Quillfeather"
    case.athlete.save(update_fields=["last_name"])
    response = _client(request, client, who).get(_url(name, case))
    status, _ = EXPECTED[who]
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))
    if status == 404:
        assert case.athlete.last_name.encode() not in response.content


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_by_person(request, client, coached, case, other_coach, who, name):
    response = _client(request, client, who).get(_url(name, case))
    status, shows = EXPECTED[who]
    if who == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        return
    if who in {"clinician", "athlete_user"}:  # the team board is a coach's: sent home
        assert response.status_code == 302 and response.url == reverse("home")
        return
    assert response.status_code == 200
    assert (case.athlete.full_name.encode() in response.content) is shows


def test_a_coach_sees_only_the_cases_they_coach(client, coached, case, other_coach):
    client.force_login(other_coach)
    body = client.get(reverse("coach:board")).content.decode()
    assert "Ola Other" in body
    assert case.athlete.full_name not in body


def test_a_case_that_does_not_exist_is_a_404_like_a_foreign_one(client, coached, coach):
    client.force_login(coach)
    for name in CASE_PAGES:
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_closed_cases_leave_the_board_and_their_pages(client, coached, case, coach):
    case.status = "returned"
    case.save()
    client.force_login(coach)
    assert case.athlete.full_name not in client.get(reverse("coach:board")).content.decode()
    assert client.get(reverse("coach:restrictions", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("name", LIST_PAGES + CASE_PAGES)
def test_pages_are_read_only(client, coached, case, coach, name):
    client.force_login(coach)
    assert client.post(_url(name, case)).status_code == 405


def test_board_row(client, coached, case, coach):
    client.force_login(coach)
    response = client.get(reverse("coach:board"))
    body = response.content.decode()
    assert "Riverside Athletics" in body  # grouped by team
    assert "Walk-run" in body and "Phase 2 of 4" in body
    assert f"day {(TODAY - D0).days + 1}" in body
    assert "Restrictions card" in body
    assert reverse("coach:restrictions", args=[case.pk]) in body
    assert reverse("coach:athlete", args=[case.pk]) in body
    assert 'class="spark"' in body  # the load trend, server-rendered
    # No log in 13 days: amber, with the reason in coach language.
    assert "light-amber" in body and "No daily log in this phase yet." in body


def test_board_load_counts_every_session_of_a_day(client, coached, case, coach):
    from monitoring.models import ActivitySession

    for activity, minutes, rpe in (("run", 30, 4), ("cycle", 20, 3)):  # twice on one day
        ActivitySession.objects.create(
            athlete=case.athlete, date=TODAY, activity=activity, minutes=minutes, rpe=rpe
        )
    client.force_login(coach)
    body = client.get(reverse("coach:board")).content.decode()
    assert "180 AU in the last 7 days" in body


def test_board_with_no_athletes(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="new-coach", kind="coach"))
    body = client.get(reverse("coach:board")).content.decode()
    assert "None of your athletes is in a return plan" in body


def test_restrictions_card_is_derived_from_the_phase(client, coached, case, coach):
    client.force_login(coach)
    body = client.get(reverse("coach:restrictions", args=[case.pk])).content.decode()
    phase = coached.current_phase
    assert phase.name == "Walk-run"
    assert "Walk-run" in body and "up to 30" in body and "Conversational" in body
    assert "Moderate impact" in body
    assert "Jumping, hopping, bounding or plyometrics" in body  # higher impact than allowed
    assert "Continuous running (not in this phase yet)" in body
    assert "Pain-free training rule" in body
    # When this phase ends: its typical end (21 typical days), not a scheduled review.
    review = D0 + dt.timedelta(days=phase.typical_days)
    assert review.strftime("%A") in body and f"{review.day} {review:%B}" in body
    assert "@media print" in _coach_css()
    assert "data-print" in body and "js/print.js" in body  # no inline handler (CSP)


def test_athlete_view(client, coached, case, coach):
    client.force_login(coach)
    body = client.get(reverse("coach:athlete", args=[case.pk])).content.decode()
    assert "Phase ladder" in body
    assert "Protected loading" in body and "Running progression" in body and "Full return" in body
    assert "step-done" in body and "step-current" in body and "step-upcoming" in body
    assert "This week" in body
    assert "plotly.min.js" in body and "Training load" in body
    assert "/clinic/" not in body  # no way into the clinical pages


def _coach_css() -> str:
    from django.conf import settings

    return (settings.BASE_DIR / "static" / "css" / "coach.css").read_text()


def test_an_athlete_without_a_started_plan(client, case, coach, team):
    """An active case whose plan has not started: on the board, amber, with nothing to plan
    around yet; its pages say so instead of failing."""
    client.force_login(coach)
    body = client.get(reverse("coach:board")).content.decode()
    assert case.athlete.full_name in body and "No plan yet" in body
    assert "The medical team has not started a return plan yet." in body
    card = client.get(reverse("coach:restrictions", args=[case.pk])).content.decode()
    assert "has not started a return plan yet" in card and "Allowed now" not in card
    view = client.get(reverse("coach:athlete", args=[case.pk])).content.decode()
    assert "No plan yet." in view and "Phase ladder" in view
    assert "Training load" in view  # load is the athlete's, with or without a plan


def test_team_filter_lists_the_coachs_teams(client, coached, case, coach, other_coach):
    from tests.factories import TeamFactory

    staff_only = TeamFactory(name="Juniors")
    staff_only.staff.add(coach)
    TeamFactory(name="Not mine")
    client.force_login(coach)
    body = client.get(reverse("coach:board")).content.decode()
    assert ">Riverside Athletics</option>" in body and ">Juniors</option>" in body
    assert "Not mine" not in body
    assert (
        case.athlete.full_name
        in client.get(reverse("coach:board"), {"team": case.athlete.team_id}).content.decode()
    )
    filtered = client.get(reverse("coach:board"), {"team": staff_only.pk}).content.decode()
    assert case.athlete.full_name not in filtered and "No athlete matches these filters" in filtered


def test_junk_parameters_are_ignored(client, coached, case, coach):
    client.force_login(coach)
    response = client.get(reverse("coach:board"), {"team": "x'--", "sort": "<b>", "light": "1"})
    assert response.status_code == 200
    assert case.athlete.full_name in response.content.decode()


def test_board_facts_of_a_lazy_user_are_those_of_the_user(coached, coach):
    """A request's user is lazy; the board resolves it once and decides as for the user."""
    from django.utils.functional import SimpleLazyObject

    from athletes import permissions
    from monitoring.surfaces.coach import board

    lazy = SimpleLazyObject(lambda: type(coach).objects.get(pk=coach.pk))
    assert board.board_facts(lazy, today=TODAY) == board.board_facts(coach, today=TODAY)
    facts = board.board_facts(lazy, today=TODAY)
    assert facts and facts[0].visible == permissions.COACH_VISIBLE_CASE_FIELDS
