"""Concurrent and repeated submissions: one row per day, one open flag per kind."""

import datetime as dt
import threading

import pytest
from django.db import connection

from monitoring.evaluation import services
from monitoring.ingest import items
from monitoring.models import DailyLog, Flag

from .conftest import D0, log_days

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(target, n=2):
    """Run ``target`` in n threads released at the same moment; re-raise any error."""
    barrier = threading.Barrier(n)
    errors = []

    def worker():
        try:
            barrier.wait()
            target()
        except Exception as exc:  # collected and re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if errors:
        raise errors[0]


def test_the_same_log_posted_twice_at_once_keeps_one_row(walk_run, case, athlete_user, monkeypatch):
    monkeypatch.setattr("monitoring.evaluation.queue.enqueue_evaluations", lambda ids: None)

    def post():
        items.daily_log_record(
            athlete=case.athlete,
            date=D0,
            submitted_by=athlete_user,
            fields={"pain_during": 2},
            today=D0 + dt.timedelta(1),
        )

    for _ in range(5):
        run_together(post, n=3)
    assert DailyLog.objects.filter(athlete=case.athlete, date=D0).count() == 1


def test_two_evaluations_at_once_keep_one_open_flag_per_kind(
    walk_run, case, athlete_user, monkeypatch
):
    monkeypatch.setattr("monitoring.evaluation.queue.enqueue_evaluations", lambda ids: None)
    log_days(case, athlete_user, range(0, 5), pain_during=7, night_pain=True)

    def evaluate():
        services.case_evaluate(case_id=case.pk, today=D0 + dt.timedelta(4))

    for _ in range(3):
        run_together(evaluate, n=3)
    kinds = list(
        Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED).values_list("kind", flat=True)
    )
    assert sorted(kinds) == sorted(set(kinds))
    assert set(kinds) == {"red_flag", "regression"}
