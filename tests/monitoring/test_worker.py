"""The loop end to end with a real Celery worker on Redis: a log is written, a flag appears."""

import datetime as dt
import time

import celery.contrib.testing.tasks  # noqa: F401 — registers celery.ping for start_worker
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from monitoring.evaluation import tasks
from monitoring.ingest import items
from monitoring.models import Flag
from rehab.celery import app
from tests.plans import running_plan

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("Worker tests need Redis: run them with REDIS_URL set (make test does).")
    app.control.purge()  # messages left by earlier tests that wrote data without a worker
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as w:
        yield w


def wait_for(query, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if query.exists():
            return True
        time.sleep(0.2)
    return False


def test_writing_a_log_produces_the_flag(worker, case, clinician, athlete_user):
    today = timezone.localdate()
    running_plan(case, clinician, started_on=today - dt.timedelta(days=3), phase=2)
    items.daily_log_record(
        athlete=case.athlete,
        date=today,
        submitted_by=athlete_user,
        fields={"pain_during": 1, "night_pain": True},
    )
    assert wait_for(Flag.objects.filter(case=case, kind="red_flag")), "no red flag raised"
    flag = Flag.objects.get(case=case, kind="red_flag")
    assert "night" in flag.message.lower()


def test_the_nightly_run_fans_out_and_evaluates(worker, case, clinician):
    today = timezone.localdate()
    running_plan(case, clinician, started_on=today - dt.timedelta(days=5), phase=1)
    result = tasks.evaluate_active_cases.delay(today.isoformat())
    assert result.get(timeout=20) == 1
    assert wait_for(Flag.objects.filter(case=case, kind="missing_logs"))
