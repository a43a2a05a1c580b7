"""Hostile input: oversize bodies, too many items or fields, malformed and absurdly nested JSON.
Each is refused with a 4xx that says why; none reaches a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.ingest import bulk as ingest

pytestmark = pytest.mark.django_db

BULK = "/api/v1/daily-logs/bulk/"


@pytest.fixture
def api(clinician):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=clinician)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _post(api, body: bytes | str, url: str = BULK):
    return api.generic("POST", url, body, content_type="application/json")


def _log(athlete_id: int, n: int, note: str = "") -> dict:
    day = dt.date(2026, 1, 1) + dt.timedelta(days=n)
    return {"athlete": athlete_id, "date": day.isoformat(), "pain_during": 1, "note": note}


def test_an_oversize_body_is_refused_before_it_is_read(api, case):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    items = [_log(case.athlete_id, n, "x" * 2000) for n in range(limit // 2000 + 10)]
    body = json.dumps({"items": items})
    assert len(body) > limit
    response = _post(api, body)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_a_full_bulk_request_fits_under_the_limit(case):
    """1,000 logs, each with a note of 500 characters: the documented maximum fits."""
    items = [_log(case.athlete_id, n, "é" * 500) for n in range(ingest.MAX_ITEMS)]
    assert len(json.dumps({"items": items}).encode()) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_more_items_than_the_bulk_limit_are_refused(api, case):
    items = [_log(case.athlete_id, n) for n in range(ingest.MAX_ITEMS + 1)]
    response = _post(api, json.dumps({"items": items}))
    assert response.status_code == 400
    body = response.json()
    assert f"At most {ingest.MAX_ITEMS:,} items" in body["detail"]
    assert "split" in body["errors"]["items"][0]


def test_an_oversize_form_post_is_refused_too(client, clinician):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.generic(
        "POST", reverse("login"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_too_many_form_fields_are_a_400(client, clinician):
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.generic(
        "POST", reverse("login"), fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "not json",
        '{"items": "nope"}',
        '{"items": [1, 2, 3]}',
        "[" * 50_000 + "]" * 50_000,  # deeper than any parser should follow
        '{"items": [' + '{"a":' * 5_000 + "1" + "}" * 5_000 + "]}",
        "\udcff",
    ],
    ids=[
        "truncated",
        "text",
        "items-not-a-list",
        "items-not-objects",
        "deep-list",
        "deep-item",
        "lone-surrogate",
    ],
)
def test_malformed_json_is_a_400_with_a_message(api, case, body):
    response = _post(api, body.encode("utf-8", "surrogateescape"))
    assert response.status_code == 400, response.content[:300]
    assert response.json()["detail"].strip()


def test_a_wrong_content_type_is_a_415_with_a_message(api, case):
    response = api.generic("POST", BULK, b"<items/>", content_type="application/xml")
    assert response.status_code == 415
    assert response.json()["detail"].strip()


@pytest.mark.parametrize(
    "value", ["3336-07-06T04:47:03+16:17", "9999-12-31T23:59:59-15:00", "not-a-time"]
)
@pytest.mark.parametrize("url", ["/api/v1/daily-logs/", "/api/v1/sessions/"])
def test_a_time_postgresql_cannot_store_is_a_400(api, case, url, value):
    """Found by `make fuzz`: an offset beyond ±15:59 reached the database and was a 500."""
    response = api.get(url, {"updated_after": value})
    assert response.status_code == 400
    assert response.json()["errors"]["updated_after"]


HUGE_IDS = [2**63, 99999999999999999999, 0, -1]


@pytest.mark.parametrize("value", HUGE_IDS)
@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/daily-logs/", "athlete"),
        ("/api/v1/sessions/", "case"),
        ("/api/v1/cases/", "athlete"),
        ("/api/v1/plans/", "athlete"),
        ("/api/v1/flags/", "athlete"),
    ],
)
def test_an_id_no_row_can_have_is_a_field_error_in_a_filter(api, case, url, name, value):
    """An id is 1 to 2**63 - 1 (a bigint). Beyond it SQLite's driver raised OverflowError (a 500)
    and PostgreSQL matched nothing; now both say why, as a field error."""
    response = api.get(url, {name: value})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][name] == ["An id is from 1 to 9223372036854775807."]


@pytest.mark.parametrize("value", HUGE_IDS)
@pytest.mark.parametrize("url", [BULK, "/api/v1/sessions/bulk/"])
def test_an_id_no_row_can_have_is_an_item_error_in_a_bulk_request(api, case, url, value):
    good = {"athlete": case.athlete_id, "date": dt.date.today().isoformat(), "pain_rest": 0}
    bad = {"athlete": value, "date": good["date"], "pain_rest": 0}
    if "sessions" in url:
        good = {**good, "external_id": "a", "activity": "cycle", "minutes": 30, "rpe": 3}
        bad = {**bad, "external_id": "b", "activity": "cycle", "minutes": 30, "rpe": 3}
        del good["pain_rest"], bad["pain_rest"]
    response = _post(api, json.dumps({"items": [bad, bad]}, default=str), url)
    assert response.status_code == 400, response.content[:300]
    errors = response.json()["errors"]
    assert errors["items.0.athlete"] == ["An id is from 1 to 9223372036854775807."]
    assert errors["items.1.athlete"] == errors["items.0.athlete"]


def test_an_id_no_row_can_have_in_a_single_write_is_a_field_error(api, case):
    item = {"athlete": 2**64, "date": dt.date.today().isoformat(), "pain_rest": 0}
    response = _post(api, json.dumps(item), "/api/v1/daily-logs/")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"]["athlete"] == ["An id is from 1 to 9223372036854775807."]
