"""Snapshot builders use a constant number of queries whatever the amount of data."""

import datetime as dt

import pytest

from monitoring.evaluation import selectors
from monitoring.ingest import items
from tests.factories import AthleteFactory, CaseFactory, UserFactory
from tests.plans import published_template, running_plan

TODAY = dt.date(2026, 11, 20)


def fill(case, user, days):
    for n in range(days):
        date = TODAY - dt.timedelta(days=n)
        items.daily_log_record(
            athlete=case.athlete,
            date=date,
            submitted_by=user,
            fields={"pain_during": n % 3},
            today=TODAY,
        )
        items.activity_session_record(
            athlete=case.athlete,
            date=date,
            submitted_by=user,
            fields={"activity": "cycle", "minutes": 30, "rpe": 3},
            today=TODAY,
        )


@pytest.fixture
def make_cases(db):
    dana = UserFactory(username="dana-q", kind="clinician")
    template = published_template(dana)

    def make(n, days):
        ids = []
        for _ in range(n):
            case = CaseFactory(athlete=AthleteFactory())
            case.care_team.create(user=dana, role="lead_clinician")
            running_plan(case, dana, started_on=TODAY - dt.timedelta(days=days), template=template)
            fill(case, dana, days)
            items.assessment_record(
                case=case,
                test="single_leg_hop",
                value=10,
                date=TODAY,
                assessed_by=dana,
                today=TODAY,
            )
            ids.append(case.pk)
        return ids

    return make


@pytest.mark.parametrize("days", [3, 40])
def test_one_case_snapshot_is_five_queries(make_cases, days, django_assert_num_queries):
    (case_id,) = make_cases(1, days)
    # plans+case+athlete+phase, logs, sessions, assessments, test batteries
    with django_assert_num_queries(5):
        ctx = selectors.case_snapshot(case_id, TODAY)
    assert len(ctx.snapshot.logs) == days


@pytest.mark.parametrize("cases", [1, 6])
def test_a_chunk_snapshot_is_five_queries_whatever_its_size(
    make_cases, cases, django_assert_num_queries
):
    ids = make_cases(cases, 10)
    with django_assert_num_queries(5):
        contexts = selectors.chunk_snapshots(ids, TODAY)
    assert len(contexts) == cases
