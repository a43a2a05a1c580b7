"""PostgreSQL restarts (or a failover, or an idle-connection reaper): the app recovers by itself.

A restart ends every server process of the database, so the app's open connections die under
it. We do exactly that, without stopping the shared server: ``pg_terminate_backend`` on every
backend of the test database. Then the next request and the next Celery task must succeed, on
persistent connections (``CONN_MAX_AGE`` as in production) thanks to ``CONN_HEALTH_CHECKS``.
The last test shows the check is what does it: without it, the first request after the restart
fails.
"""

from __future__ import annotations

import contextlib

import celery.contrib.testing.tasks  # noqa: F401 — registers celery.ping for start_worker
import psycopg
import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from rehab.celery import app
from tests.factories import CareTeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def restart_postgres_for_us() -> int:
    """End every backend of the test database but our own: what a restart does to the app.
    Returns how many were ended."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.pop("server_side_binding", None)
    with psycopg.connect(**{**params, "autocommit": True}) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        ).fetchone()[0]
    return ended


@pytest.fixture
def persistent(monkeypatch):
    """Connections kept between requests and tasks, as in production (CONN_MAX_AGE=60)."""
    connections.close_all()
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    yield
    connections.close_all()


@pytest.fixture
def dana(db):
    user = UserFactory(username="dana", kind="clinician")
    CareTeamMemberFactory(user=user, role="lead_clinician")
    return user


def _backend_pid() -> int:
    """The backend serving this thread's connection (the one the last request used)."""
    return connection.connection.info.backend_pid


class App:
    """Requests through Django's real WSGI handler: unlike the test client, it runs the
    request_started / request_finished signals that recycle connections, as gunicorn does."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        self.handler = WSGIHandler()

    def get(self, path: str) -> int:
        environ = RequestFactory()._base_environ(
            PATH_INFO=path, REQUEST_METHOD="GET", HTTP_COOKIE=self.cookie
        )
        statuses: list[str] = []
        response = self.handler(
            environ, lambda status, headers, exc_info=None: statuses.append(status)
        )
        b"".join(response)
        response.close()  # request_finished
        return int(statuses[0].split()[0])


def test_the_next_request_after_a_restart_succeeds(persistent, dana):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    app = App(dana)
    assert app.get(reverse("clinic:cases")) == 200
    before = _backend_pid()  # the request's connection stayed open (persistent)

    assert restart_postgres_for_us() >= 1

    assert app.get(reverse("clinic:cases")) == 200
    assert _backend_pid() != before  # a new connection, opened after the health check failed
    assert app.get(reverse("healthz")) == 200


def test_the_next_task_after_a_restart_succeeds(persistent, dana):
    """A worker keeps its connection between tasks and checks it before the next task uses it
    (``rehab.celery``: as Django does around requests), so a restart between tasks leaves
    nothing dead behind; one during a task raises OperationalError, which the tasks retry
    (``monitoring.evaluation.tasks.TRANSIENT``)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("This test needs Redis: run it with REDIS_URL set (make test does).")
    from monitoring.evaluation.tasks import TRANSIENT, evaluate_active_cases

    assert OperationalError in TRANSIENT
    with _worker():
        assert evaluate_active_cases.delay().get(timeout=30) >= 0
        restart_postgres_for_us()
        assert evaluate_active_cases.delay().get(timeout=30) >= 0
        restart_postgres_for_us()
        assert evaluate_active_cases.delay().get(timeout=30) >= 0


@shared_task(name="tests.ops.close_connections")
def close_connections() -> None:
    connections.close_all()


@contextlib.contextmanager
def _worker():
    """A worker in a thread of this process; its kept connection is closed before it stops
    (the thread's connection would otherwise stay open, and keep the test database)."""
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
        try:
            yield
        finally:
            close_connections.delay().get(timeout=30)


@shared_task(name="tests.ops.backend_pid")
def backend_pid() -> int:
    """The PostgreSQL backend serving the worker's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _worker_pids(count: int) -> list[int]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("This test needs Redis: run it with REDIS_URL set (make test does).")
    with _worker():
        return [backend_pid.delay().get(timeout=30) for _ in range(count)]


def test_a_worker_keeps_its_connection_between_tasks(persistent, dana):
    """With CONN_MAX_AGE (production: 60 s) a worker's tasks share one connection, not one
    each (Celery's Django fixup alone would close it after every task)."""
    first, second, third = _worker_pids(3)
    assert first == second == third


def test_without_conn_max_age_each_task_has_a_connection_of_its_own(monkeypatch, dana):
    """The control: with CONN_MAX_AGE 0 (development, tests) the connection closes after each
    task, as after each request."""
    connections.close_all()
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    first, second = _worker_pids(2)
    assert first != second
    connections.close_all()


def test_without_the_health_check_the_first_request_would_fail(monkeypatch, persistent, dana):
    """The control: the same restart, with CONN_HEALTH_CHECKS off, breaks one request."""
    monkeypatch.setitem(connections.settings["default"], "CONN_HEALTH_CHECKS", False)
    connections.close_all()  # the setting is read when a connection opens
    app = App(dana)
    assert app.get(reverse("clinic:cases")) == 200
    assert restart_postgres_for_us() >= 1
    assert app.get(reverse("clinic:cases")) == 500
    # Django drops a connection that raised, so the one after recovers even then.
    assert app.get(reverse("clinic:cases")) == 200
