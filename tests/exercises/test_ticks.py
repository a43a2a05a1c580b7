"""Ticking an exercise on Today: one completion per exercise and day whatever the taps or the
phone's outbox replays, un-ticking, only the athlete's own current exercises; and who sees what
(the coach a percentage only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.exercises.services import exercise_tick
from monitoring.models import ExerciseCompletion

from .conftest import TODAY

pytestmark = pytest.mark.django_db
TICK = reverse("athlete:exercise_tick")
JSON = {"HTTP_ACCEPT": "application/json"}


def test_today_shows_the_exercises_with_diagram_dose_and_how_to(client, athlete_user, plan):
    client.force_login(athlete_user)
    body = client.get(reverse("athlete:today")).content.decode()
    assert "Today&#x27;s exercises" in body or "Today's exercises" in body
    assert "Single-leg calf raise" in body and "3 × 12 reps each side" in body
    assert "/static/exercises/calf-raise-single.svg" in body and 'alt="A person standing' in body
    assert "How to do it" in body and "Slowly." in body
    assert "3 × 30 s each side" in body


def test_a_double_tap_and_a_replayed_outbox_record_one_completion(client, athlete_user, plan):
    client.force_login(athlete_user)
    data = {"exercise": "calf-raise-single", "day": TODAY.isoformat(), "done": "1"}
    first = client.post(TICK, data, **JSON)
    assert first.status_code == 200 and first.json()["week_line"] == "1 of 3 this week"
    client.post(TICK, data, **JSON)  # the second tap
    client.post(TICK, data)  # the outbox replays it, and a form post without JavaScript
    assert ExerciseCompletion.objects.filter(case=plan.case).count() == 1
    client.post(TICK, {**data, "done": "0"}, **JSON)  # un-tick
    client.post(TICK, {**data, "done": "0"}, **JSON)  # replayed: nothing to undo
    assert not ExerciseCompletion.objects.exists()


def test_concurrent_ticks_leave_one(athlete_user, plan):
    for _ in range(3):
        exercise_tick(case=plan.case, exercise_key="split-squat", by=athlete_user)
    assert ExerciseCompletion.objects.count() == 1


def test_a_tick_of_an_exercise_not_prescribed_or_too_old_is_refused(client, athlete_user, plan):
    client.force_login(athlete_user)
    wrong = client.post(TICK, {"exercise": "plank", "day": TODAY.isoformat()}, **JSON)
    assert wrong.status_code == 400 and "not in the current phase" in wrong.json()["detail"]
    old = (TODAY - dt.timedelta(days=7)).isoformat()
    late = client.post(TICK, {"exercise": "split-squat", "day": old}, **JSON)
    assert late.status_code == 400 and "done_on" in late.json()["errors"]
    bad = client.post(TICK, {"exercise": "split-squat", "day": "yesterday"}, **JSON)
    assert bad.status_code == 400
    assert not ExerciseCompletion.objects.exists()


def test_another_athlete_ticks_only_their_own_case(client, ben, athlete_user, plan):
    client.force_login(ben)
    client.post(TICK, {"exercise": "split-squat", "day": TODAY.isoformat()}, **JSON)
    assert not ExerciseCompletion.objects.filter(case=plan.case).exists()
    assert ExerciseCompletion.objects.filter(case__athlete__user=ben).count() == 1


@pytest.mark.parametrize("who", ["clinician", "coach", "physio"])
def test_staff_cannot_tick_for_the_athlete(request, plan, who):
    from rehab.errors import ApplicationError

    with pytest.raises(ApplicationError):
        exercise_tick(case=plan.case, exercise_key="split-squat", by=request.getfixturevalue(who))


def _tick_some(plan, user):
    for day in (TODAY, TODAY - dt.timedelta(days=2)):
        exercise_tick(case=plan.case, exercise_key="calf-raise-single", by=user, on=day)


def test_progress_and_the_case_page_show_adherence(client, athlete_user, clinician, plan):
    _tick_some(plan, athlete_user)
    client.force_login(athlete_user)
    progress = client.get(reverse("athlete:progress")).content.decode()
    # this week: calf 2 of 3, balance 0 of 5, split squat 0 of 2 → 2 of 10
    assert "Exercises done" in progress and "2 of 10 (20%)" in progress
    client.force_login(clinician)
    case_page = client.get(reverse("clinic:case", kwargs={"case_id": plan.case_id}))
    body = case_page.content.decode()
    assert "Exercises of this phase" in body and "Single-leg calf raise" in body
    assert "2 of 10" in body


def test_the_coach_sees_a_percentage_only(client, coach, athlete_user, plan):
    _tick_some(plan, athlete_user)
    client.force_login(coach)
    body = client.get(reverse("coach:athlete", kwargs={"case_id": plan.case_id})).content
    body = body.decode()
    assert "Rehab exercises done" in body and "20%" in body
    for clinical in ("Single-leg calf raise", "calf-raise-single", "Slowly.", "Split squat"):
        assert clinical not in body
    assert client.get(reverse("clinic:case", kwargs={"case_id": plan.case_id})).status_code == 404
