"""A real Celery worker on Redis runs a task and returns its result."""

import celery.contrib.testing.tasks  # noqa: F401 — registers celery.ping for start_worker
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from rehab.celery import app, ping

pytestmark = pytest.mark.worker


@pytest.fixture
def celery_worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("Worker tests need Redis: run them with REDIS_URL set (make test does).")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_worker_runs_ping_through_redis(celery_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
