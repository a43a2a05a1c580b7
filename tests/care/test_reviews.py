"""Scheduled reviews: the next one on the timeline, the coach's restrictions card and the
athlete's Today; overdue ones in the clinician's inbox, appearing and disappearing with the
clock; booster reviews in the full-return phase on the clinician's schedule."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from monitoring.care import services as care_services
from monitoring.models.care import Review
from rehab.errors import ApplicationError
from tests.plans import running_plan

from .conftest import TODAY

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 11, 23)  # a Monday


def _at(day: dt.date):
    """The clock at noon (London) on ``day``."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC), tick=False)


def _schedule(client, case, **data):
    return client.post(reverse("care:review_new", kwargs={"case_id": case.pk}), data)


def test_a_clinician_sets_the_next_review_and_everyone_sees_it(client, case, team, plan):
    client.force_login(team["clinician"])
    response = _schedule(
        client,
        case,
        kind="visit",
        due_on=DUE.isoformat(),
        note="MRI of the navicular first",
        coach_note="No training that morning",
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.kind, review.due_on, review.scheduled_by) == ("visit", DUE, team["clinician"])

    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "Monday 23 November" in html and "clinic visit" in html
    assert "MRI of the navicular first" in html and "No training that morning" in html

    # The coach reads the date and the text written for them; the kind and the clinical note
    # are clinical (athletes.permissions.classification), on the card as on the timeline.
    client.force_login(team["coach"])
    card = client.get(reverse("coach:restrictions", kwargs={"case_id": case.pk}))
    assert card.status_code == 200
    body = card.content.decode()
    assert "Scheduled: a <strong>review</strong> on <strong>Monday 23 November" in body
    assert "No training that morning" in body
    timeline = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "No training that morning" in timeline
    for clinical in ("navicular", "MRI", "clinic visit", "Clinic visit"):
        assert clinical not in body and clinical not in timeline

    client.force_login(team["athlete"])
    today = client.get(reverse("athlete:today")).content.decode()
    assert "Your next check-in" in today and "Monday 23 November" in today


def test_overdue_reviews_appear_and_disappear_with_the_clock(client, case, team, plan):
    care_services.review_schedule(
        case=case, by=team["clinician"], kind="call", due_on=DUE, today=TODAY
    )
    inbox = reverse("clinic:inbox")
    with _at(DUE):  # due today: not overdue yet
        client.force_login(team["clinician"])  # (sessions expire: log in at each time)
        assert "No overdue review on your cases." in client.get(inbox).content.decode()
    with _at(DUE + dt.timedelta(days=1)):
        client.force_login(team["clinician"])
        html = client.get(inbox).content.decode()
        assert "1 day overdue" in html and str(case.athlete) in html
    with _at(DUE + dt.timedelta(days=3)):
        client.force_login(team["clinician"])
        assert "3 days overdue" in client.get(inbox).content.decode()
        review = Review.objects.get()
        done = client.post(
            reverse("care:review_done", kwargs={"case_id": case.pk, "review_id": review.pk})
        )
        assert done.status_code == 302
        assert "No overdue review on your cases." in client.get(inbox).content.decode()
    review.refresh_from_db()
    assert review.status == "done" and review.done_on == DUE + dt.timedelta(days=3)


def test_the_inbox_shows_only_the_viewers_clinical_cases(client, case, team, plan, outsider):
    care_services.review_schedule(
        case=case, by=team["clinician"], kind="call", due_on=DUE, today=TODAY
    )
    with _at(DUE + dt.timedelta(days=2)):
        client.force_login(outsider)
        assert (
            "No overdue review on your cases."
            in client.get(reverse("clinic:inbox")).content.decode()
        )


def test_a_review_in_the_past_is_refused_with_a_field_error(client, case, team, plan):
    client.force_login(team["clinician"])
    response = _schedule(client, case, kind="visit", due_on="2026-11-19")
    assert response.status_code == 400
    assert "Choose today (20 Nov 2026) or a later day." in response.content.decode()
    response = _schedule(client, case, kind="scan", due_on="soon")
    assert response.status_code == 400
    assert not Review.objects.exists()


@pytest.mark.parametrize("role", ["coach", "athlete", "nutritionist", "psychologist"])
def test_only_clinical_roles_schedule_reviews(role, client, case, team, plan):
    client.force_login(team[role])
    assert _schedule(client, case, kind="visit", due_on=DUE.isoformat()).status_code == 403
    assert not Review.objects.exists()


def test_boosters_wait_for_the_full_return_phase(case, team, frozen):
    plan = running_plan(case, team["clinician"], started_on=case.diagnosed_on, phase=3)
    with pytest.raises(ApplicationError) as refused:
        care_services.review_schedule(
            case=case, by=team["clinician"], kind="call", due_on=DUE, booster=True, repeat_weeks=6
        )
    assert "booster" in refused.value.errors
    # Advance to the last phase (full return): boosters are now on the clinician's schedule.
    from protocols import services as plan_services

    plan_services.transition_decide(
        plan=plan,
        kind="advance",
        decided_by=team["clinician"],
        reason="Signed off",
        effective_on=TODAY,
        to_phase=plan.phases.get(order=4),
    )
    first = care_services.review_schedule(
        case=case, by=team["clinician"], kind="call", due_on=DUE, booster=True, repeat_weeks=6
    )
    with _at(DUE):
        following = care_services.review_complete(review=first, by=team["clinician"])
    assert following is not None
    assert (following.due_on, following.booster, following.repeat_weeks) == (
        DUE + dt.timedelta(weeks=6),
        True,
        6,
    )
    # Completing the same review again changes nothing and schedules nothing more.
    with _at(DUE), pytest.raises(ApplicationError):
        care_services.review_complete(review=first, by=team["clinician"])
    assert Review.objects.filter(status="scheduled").count() == 1


def test_repeating_needs_a_booster(case, team, plan):
    with pytest.raises(ApplicationError) as refused:
        care_services.review_schedule(
            case=case, by=team["clinician"], kind="visit", due_on=DUE, repeat_weeks=4
        )
    assert "repeat_weeks" in refused.value.errors


def test_the_api_schedules_and_lists_reviews(case, team, plan):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def api(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    created = api(team["clinician"]).post(
        "/api/v1/reviews/", {"case": case.pk, "kind": "imaging", "due_on": "2026-12-01"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    assert api(team["coach"]).get("/api/v1/reviews/").json()["count"] == 1
    assert api(team["integration"]).get("/api/v1/reviews/").json()["count"] == 0
    refused = api(team["coach"]).post(
        "/api/v1/reviews/", {"case": case.pk, "kind": "visit", "due_on": "2026-12-01"},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400 and "case" in refused.json()["errors"]
    past = api(team["clinician"]).post(
        "/api/v1/reviews/", {"case": case.pk, "kind": "visit", "due_on": "2026-01-01"},
        format="json",
    )  # fmt: skip
    assert past.status_code == 400 and "due_on" in past.json()["errors"]
