"""The board's weekly loads, summed by the database, are ``metrics.weekly_loads`` of the
sessions: the same weeks, the same floats."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from monitoring import metrics
from monitoring.models import ActivitySession
from monitoring.surfaces.coach.facts import SPARK_WEEKS
from monitoring.surfaces.coach.queries import weekly_session_loads
from protocols.engine.records import SessionEntry
from protocols.models import Activity
from tests.factories import AthleteFactory

END = dt.date(2026, 11, 20)
WEEKS = SPARK_WEEKS


def _python(sessions: list[ActivitySession]) -> list[tuple[dt.date, float]]:
    entries = [SessionEntry(s.date, s.activity, s.minutes, s.rpe) for s in sessions]
    return metrics.weekly_loads(entries, END, WEEKS)


@pytest.mark.django_db
def test_the_database_sums_the_weeks_as_python_does():
    rng = random.Random(5)
    athletes = [AthleteFactory() for _ in range(6)]
    sessions = [
        ActivitySession(
            athlete=athlete,
            # From a week before the first week to a few days after the end: those are left out.
            date=END - dt.timedelta(days=rng.randint(-3, 7 * WEEKS + 7)),
            activity=rng.choice(Activity.values),
            minutes=rng.choice([1, 20, 45, 90, 600]),
            rpe=rng.choice([None, 0, 3, 7, 10]),  # no RPE: no known load
        )
        for athlete in athletes[:-1]  # the last athlete trains never
        for _ in range(rng.randint(0, 60))
    ]
    ActivitySession.objects.bulk_create(sessions)

    loads = weekly_session_loads([a.pk for a in athletes], END, WEEKS)

    for athlete in athletes:
        own = [s for s in sessions if s.athlete_id == athlete.pk]
        expected = _python(own)
        in_weeks = [s for s in own if expected[0][0] <= s.date <= END]
        if not in_weeks:
            assert athlete.pk not in loads
            continue
        assert loads[athlete.pk] == expected
        assert all(type(total) is float for _, total in loads[athlete.pk])
    assert [start for start, _ in _python([])] == [
        END - dt.timedelta(days=7 * WEEKS - 1 - 7 * w) for w in range(WEEKS)
    ]


@pytest.mark.django_db
def test_edges_of_the_weeks():
    athlete, other = AthleteFactory(), AthleteFactory()
    first = END - dt.timedelta(days=7 * WEEKS - 1)
    rows = [
        (athlete, first - dt.timedelta(days=1), 600, 10),  # the day before: left out
        (athlete, first, 30, 4),  # first day of the first week
        (athlete, first + dt.timedelta(days=6), 10, 1),  # last day of the first week
        (athlete, first + dt.timedelta(days=7), 600, 10),  # first day of the second week
        (athlete, END, 45, 5),  # today, twice
        (athlete, END, 15, 2),
        (athlete, END + dt.timedelta(days=1), 60, 6),  # tomorrow: left out
        (other, END, 30, None),  # a session without RPE: an athlete with weeks of 0
    ]
    ActivitySession.objects.bulk_create(
        ActivitySession(athlete=a, date=day, activity="bike", minutes=m, rpe=rpe)
        for a, day, m, rpe in rows
    )
    loads = weekly_session_loads([athlete.pk, other.pk], END, WEEKS)
    assert [total for _, total in loads[athlete.pk]] == [130.0, 6000.0, 0.0, 255.0]
    assert [total for _, total in loads[other.pk]] == [0.0] * WEEKS
    assert loads[athlete.pk][0][0] == first
