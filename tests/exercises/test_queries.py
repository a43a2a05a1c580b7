"""Today and the case page cost the same number of queries with 3 or 12 exercises and with a
few or many ticks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import ExerciseCompletion
from protocols.models import Exercise

from .conftest import STARTED, TODAY

pytestmark = pytest.mark.django_db


def _prescribe(phase, count: int) -> None:
    """``count`` exercises, each ticked on every day of the phase so far."""
    keys = list(
        Exercise.objects.filter(impact__in=["none", "low", "moderate"]).values_list(
            "key", flat=True
        )
    )[:count]
    phase.exercises = [
        {"exercise": k, "sets": 3, "reps": 10, "seconds": None, "per_week": 3, "notes": ""}
        for k in keys
    ]
    phase.save(update_fields=["exercises"])
    ExerciseCompletion.objects.all().delete()
    days = [STARTED + dt.timedelta(days=n) for n in range((TODAY - STARTED).days + 1)]
    by_key = {e.key: e for e in Exercise.objects.filter(key__in=keys)}
    ExerciseCompletion.objects.bulk_create(
        ExerciseCompletion(case=phase.plan.case, exercise=by_key[k], done_on=d)
        for k in keys
        for d in days
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("who", "page"), [("athlete_user", "today"), ("clinician", "case")])
def test_pages_do_not_grow_with_exercises_or_ticks(request, client, phase, who, page):
    client.force_login(request.getfixturevalue(who))
    url = (
        reverse("athlete:today")
        if page == "today"
        else reverse("clinic:case", kwargs={"case_id": phase.plan.case_id})
    )
    counts = []
    for n in (3, 12):
        _prescribe(phase, n)
        counts.append(_count(client, url))
    # the exercise card adds two queries: the phase's exercises, the ticks since it began
    assert counts[0] == counts[1]
