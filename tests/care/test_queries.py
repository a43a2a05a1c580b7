"""The timeline and the care panels take a constant number of queries, whatever the number of
notes, flags, assessments, reviews and goals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.ingest.items import daily_log_record
from monitoring.models import Assessment, Flag
from monitoring.models.care import CaseNote, Goal, Review

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _fill(case, team, plan, n: int) -> None:
    CaseNote.objects.bulk_create(
        CaseNote(case=case, author=team["clinician"], audience=a, body=f"{a} note {i}")
        for i in range(n)
        for a in ("clinical", "team", "athlete")
    )
    Flag.objects.bulk_create(
        Flag(
            case=case,
            phase=plan.current_phase,
            kind="load_spike",
            status="resolved",
            title=f"Spike {i}",
            message="…",
            evaluation={},
        )
        for i in range(n)
    )
    Assessment.objects.bulk_create(
        Assessment(case=case, date=TODAY, test="heel_raise", value=20, assessed_by=team["physio"])
        for _ in range(n)
    )
    Review.objects.bulk_create(
        Review(case=case, kind="call", due_on=TODAY + dt.timedelta(days=i), status=s)
        for i in range(n)
        for s in ("scheduled", "done")
    )
    Goal.objects.bulk_create(
        Goal(case=case, phase=plan.current_phase, text=f"Goal {i}") for i in range(n)
    )
    for i in range(min(n, 28)):
        daily_log_record(
            athlete=case.athlete,
            date=TODAY - dt.timedelta(days=i),
            submitted_by=team["athlete"],
            fields={"sleep_hours": 7, "pain_during": 1},
            today=TODAY,
        )


@pytest.mark.parametrize("n", [2, 30])
def test_the_clinicians_timeline_is_constant(
    n, client, case, team, plan, django_assert_num_queries
):
    _fill(case, team, plan, n)
    client.force_login(team["clinician"])
    # 1 session, 2 user, 3 the case with the viewer's role, 4 flags, 5 notes (author, addressee,
    # flag), 6 transitions, 7 assessments, 8 reviews, 9 the active plan and its phase, 10 the
    # plan's last phase, 11 goals, 12 the care team, 13 the sleep chart's logs, 14 nav count,
    # 15 the access log's one insert, 16 the athlete's cycle-log consent (the Triad's menses
    # item pre-filled from a consented log), 17-18 the bone-health work-up's latest BMD scans
    # and 25(OH)D, the Triad review's starting answers (monitoring.care.workup.review_initial).
    with django_assert_num_queries(18):
        response = client.get(reverse("care:timeline", kwargs={"case_id": case.pk}))
    assert response.content.decode().count('class="tl tl-note') == 3 * n


@pytest.mark.parametrize("n", [2, 30])
def test_the_coachs_timeline_reads_less_and_is_constant(
    n, client, case, team, plan, django_assert_num_queries
):
    _fill(case, team, plan, n)
    client.force_login(team["coach"])
    # session, user, case, flags, notes, transitions, reviews, care team (the note form).
    with django_assert_num_queries(8):
        response = client.get(reverse("care:timeline", kwargs={"case_id": case.pk}))
    html = response.content.decode()
    assert html.count('class="tl tl-note') == 2 * n and "clinical note" not in html


@pytest.mark.parametrize("n", [2, 30])
def test_the_notes_api_is_constant(n, case, team, plan, django_assert_num_queries):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    _fill(case, team, plan, n)
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=team["coach"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # token and user, the caller's cases, the count, the page of notes with their people.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/notes/")
    assert response.json()["count"] == 2 * n
