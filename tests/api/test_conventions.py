"""The API's conventions, route by route (rehab.api_conventions, docs/api.md "Conventions"): an
unknown query parameter is a 400 naming it, every error has a machine-readable code, a read has
an ETag that answers 304, clinical data is never stored by a cache, the rate limit is told, the
request id is echoed, a creation says where the new object lives, and every list takes
``updated_after``, which a flag's acknowledgement moves."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import override_settings
from django.urls import path as url_path

from monitoring.evaluation import flags as flag_services
from monitoring.models import Flag
from rehab.api_urls import router

from .conftest import TODAY

pytestmark = pytest.mark.django_db

# Every route that lists (a resource read one at a time, such as a case's bone health, has none).
LISTS = [f"/api/v1/{prefix}/" for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]
READER = {"/api/v1/webhooks/": "integration"}  # an integration's own endpoints; else the lead


@pytest.fixture
def client(api, clinician, plan):
    return api(clinician)


@pytest.fixture
def reader(request, api, clinician, integration, plan):
    return lambda url: api(request.getfixturevalue(READER.get(url, "clinician")))


@pytest.mark.parametrize("url", LISTS)
def test_every_list_refuses_an_unknown_query_parameter_by_name(reader, url):
    client = reader(url)
    response = client.get(url, {"dat": "2026-12-01"})
    assert response.status_code == 400, response.content[:200]
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["dat"]
    assert "Unknown query parameter" in body["errors"]["dat"][0]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_takes_updated_after_and_answers_a_read_once_then_304(reader, url):
    client = reader(url)
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).isoformat()
    response = client.get(url, {"updated_after": since, "limit": 5})
    assert response.status_code == 200, response.content[:300]
    assert response["Cache-Control"] == (
        "private, no-cache" if url == "/api/v1/templates/" else "no-store"
    )
    etag = response["ETag"]
    again = client.get(url, {"updated_after": since, "limit": 5}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    bad = client.get(url, {"updated_after": "yesterday"})
    assert bad.status_code == 400 and "updated_after" in bad.json()["errors"]


def test_the_anonymous_still_get_their_401_before_any_parameter_check(api):
    response = api().get("/api/v1/flags/", {"nonsense": 1})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_errors_carry_a_code_whichever_layer_answers(client):
    assert client.get("/api/v1/nowhere/").json()["code"] == "not_found"
    assert client.get("/api/v1/flags/999999/").json()["code"] == "not_found"
    wrong = client.delete("/api/v1/flags/")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    bad = client.post("/api/v1/notes/", {"case": "x"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def fails(request):
    raise RuntimeError("a bug")


urlpatterns = [url_path("api/v1/boom/", fails)]
handler500 = "rehab.busy.handler500"


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_json_with_its_code_and_the_request_id(client, caplog):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/", HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert response["X-Request-ID"] == "trace-42"


def test_the_request_id_is_echoed_made_when_missing_and_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="rehab.api"):
        response = client.get("/api/v1/flags/", HTTP_X_REQUEST_ID="sync-2026-12-06.1")
    assert response["X-Request-ID"] == "sync-2026-12-06.1"
    assert any(r.request_id == "sync-2026-12-06.1" for r in caplog.records)
    made = client.get("/api/v1/flags/", HTTP_X_REQUEST_ID="no spaces <or> tags")["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()


def test_the_rate_limit_is_told_and_counts_down(client):
    first = client.get("/api/v1/flags/")
    second = client.get("/api/v1/flags/")
    limit = int(first["RateLimit-Limit"])
    assert limit > 0 and first["RateLimit-Policy"].startswith(f"{limit};w=")
    assert int(second["RateLimit-Remaining"]) == int(first["RateLimit-Remaining"]) - 1
    assert 0 < int(first["RateLimit-Reset"]) <= int(first["RateLimit-Policy"].split("w=")[1])


def test_a_creation_is_201_with_the_new_objects_location(client, case):
    response = client.post(
        "/api/v1/notes/",
        {"case": case.pk, "audience": "clinical", "body": "Bone scan booked."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == f"http://testserver/api/v1/notes/{response.json()['id']}/"
    assert client.get(response["Location"]).status_code == 200


def test_acknowledging_and_resolving_a_flag_move_its_updated_at(client, case, clinician, plan):
    flag = Flag.objects.create(
        case=case, phase=plan.current_phase, kind="red_flag", title="Red flag", message="…",
        evaluation={},
    )  # fmt: skip
    Flag.objects.filter(pk=flag.pk).update(updated_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    since = dt.datetime(2026, 10, 20, tzinfo=dt.UTC).isoformat()

    def ids():
        response = client.get("/api/v1/flags/", {"updated_after": since})
        return [f["id"] for f in response.json()["results"]]

    assert flag.pk not in ids()
    flag_services.flag_acknowledge(flag=flag, by=clinician)
    assert flag.pk in ids()
    Flag.objects.filter(pk=flag.pk).update(updated_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    flag.refresh_from_db()
    flag_services.flag_resolve(flag=flag, by=clinician, resolution="Settled on rest.")
    assert flag.pk in ids()
    assert TODAY.isoformat() in client.get(f"/api/v1/flags/{flag.pk}/").json()["updated_at"]


def test_range_filters_take_their_suffixed_names_not_the_bare_one(client):
    for url, name in (("/api/v1/daily-logs/", "date"), ("/api/v1/flags/", "raised")):
        assert client.get(url, {f"{name}_after": "2026-10-01"}).status_code == 200
        assert client.get(url, {f"{name}_before": "2026-10-21"}).status_code == 200
        bare = client.get(url, {name: "2026-10-20"})  # would filter nothing: named, refused
        assert bare.status_code == 400 and name in bare.json()["errors"]
