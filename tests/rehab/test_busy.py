"""A write that cannot get the database's lock is a 503 with Retry-After, in the API's JSON shape
or as a page; any other database error is still a server error (tests/rehab/test_sqlite.py
shows the lock on a real SQLite file)."""

import sys

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from rehab.busy import DatabaseBusyMiddleware, handler500

LOCKED = OperationalError("database is locked")


@pytest.fixture
def middleware():
    return DatabaseBusyMiddleware(lambda request: None)


@pytest.mark.django_db
def test_a_locked_database_under_the_api_is_a_json_503(middleware):
    request = RequestFactory().post("/api/v1/daily-logs/bulk/")
    response = middleware.process_exception(request, LOCKED)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert b"nothing was saved" in response.content


@pytest.mark.django_db
def test_a_locked_database_on_a_page_is_a_503_page(middleware, clinician):
    request = RequestFactory().post("/me/log/")
    request.user = clinician
    response = middleware.process_exception(request, LOCKED)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Busy for a moment" in response.content


def test_other_errors_are_left_to_django(middleware):
    request = RequestFactory().post("/api/v1/daily-logs/bulk/")
    assert middleware.process_exception(request, OperationalError("disk I/O error")) is None
    assert middleware.process_exception(request, ValueError("database is locked")) is None


@pytest.mark.django_db
def test_the_500_handler_answers_503_for_a_lock_raised_outside_a_view():
    request = RequestFactory().get("/api/v1/cases/")
    try:
        raise LOCKED
    except OperationalError:
        assert sys.exc_info()[1] is LOCKED
        response = handler500(request)
    assert response.status_code == 503
    try:
        raise OperationalError("no such table: x")
    except OperationalError:
        response = handler500(request)
    assert response.status_code == 500
