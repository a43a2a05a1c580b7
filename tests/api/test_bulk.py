"""Bulk ingest: each item judged on its own, upserts by natural key, a repeat changes nothing
and says so, evaluations once per affected case, limits, throttling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import ScopedRateThrottle

from monitoring.models import ActivitySession, DailyLog, DeviceMetric

from .conftest import TODAY

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/daily-logs/bulk/"
SESSIONS = "/api/v1/sessions/bulk/"
METRICS = "/api/v1/device-metrics/bulk/"


def day(n: int) -> str:
    return str(TODAY - dt.timedelta(days=n))


def log(case, n, **fields):
    return {"athlete": case.athlete_id, "date": day(n), **fields}


def sample(case, n, **fields):
    return {
        "athlete": case.athlete_id,
        "metric": "steps",
        "value": 8000 + n,
        "recorded_at": f"{day(n)}T21:00:00+01:00",
        "source": "garmin",
        "external_id": f"steps-{n}",
        **fields,
    }


def session(case, n, **fields):
    return {
        "athlete": case.athlete_id,
        "date": day(n),
        "source": "device",
        "external_id": f"run-{n}",
        "activity": "walk_run",
        "minutes": 30,
        "rpe": 4,
        "surface": "track",
        **fields,
    }


@pytest.fixture
def queued(monkeypatch):
    """The case ids whose evaluation was queued (the Celery task's delay, recorded)."""
    calls: list[int] = []
    monkeypatch.setattr("monitoring.evaluation.tasks.evaluate_case.delay", calls.append)
    return calls


def test_mixed_items_store_the_valid_ones_and_report_the_rest_by_index(
    api, plan, case, integration
):
    items = [
        log(case, 1, pain_during=2, pain_character="dull"),
        log(case, -3, pain_during=1),  # the future
        log(case, 2, pain_during=11, fatigue=9),  # out of range twice
        log(case, 3, pain_durring=1),  # a typo is not silently dropped
        "not an object",
        {"athlete": 999999, "date": day(4)},  # nobody's athlete
        log(case, 5, sleep_hours="7.5", night_pain=False),
    ]
    response = api(integration).post(LOGS, {"items": items}, format="json")
    assert response.status_code == 207
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "created", "invalid", "invalid", "invalid", "invalid", "not_found", "created",
    ]  # fmt: skip
    assert (body["created"], body["updated"], body["unchanged"], body["invalid"]) == (2, 0, 0, 5)
    assert set(body["errors"]) == {
        "items.1.date",
        "items.2.pain_during",
        "items.2.fatigue",
        "items.3.pain_durring",
        "items.4.non_field_errors",
        "items.5.athlete",
    }
    assert body["results"][2]["errors"]["pain_during"] == [
        "Ensure this value is less than or equal to 10."
    ]
    assert body["results"][5]["errors"] == {
        "athlete": ["Not an athlete of an active case you may record data for."]
    }
    stored = DailyLog.objects.order_by("date")
    assert [(x.date.isoformat(), x.source) for x in stored] == [(day(5), "api"), (day(1), "api")]
    assert body["results"][0]["id"] == stored.get(date=day(1)).pk
    assert body["detail"] == (
        "Stored 2 items: 2 created, 0 updated, 0 unchanged. "
        "5 items invalid and not stored (see errors)."
    )


def test_repeating_a_request_changes_nothing_and_says_so(
    api, plan, case, integration, queued, django_capture_on_commit_callbacks
):
    items = [log(case, n, pain_during=n % 3, sleep_hours="7.0") for n in range(1, 8)]
    client = api(integration)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(LOGS, {"items": items}, format="json")
    assert first.status_code == 200 and first.json()["created"] == 7
    assert queued == [case.pk]
    stamps = dict(DailyLog.objects.values_list("pk", "updated_at"))
    history = DailyLog.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(LOGS, {"items": items}, format="json")
    body = again.json()
    assert again.status_code == 200
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 7)
    assert body["detail"] == "Nothing changed: 7 items already stored as sent."
    assert body["evaluations_queued"] == [] and queued == [case.pk]  # no second evaluation
    assert [r["id"] for r in body["results"]] == [r["id"] for r in first.json()["results"]]
    assert dict(DailyLog.objects.values_list("pk", "updated_at")) == stamps
    assert DailyLog.history.count() == history


def test_a_changed_item_is_updated_and_the_others_left_alone(api, plan, case, integration):
    client = api(integration)
    items = [log(case, n, pain_during=1) for n in range(1, 4)]
    client.post(LOGS, {"items": items}, format="json")
    items[1] = {**items[1], "pain_during": 4}
    body = client.post(LOGS, {"items": items}, format="json").json()
    assert [r["status"] for r in body["results"]] == ["unchanged", "updated", "unchanged"]
    assert DailyLog.objects.get(date=day(2)).pain_during == 4
    assert DailyLog.history.filter(date=day(2)).count() == 2  # created, then updated


def test_fields_left_out_keep_their_values(api, plan, case, athlete_user, integration):
    DailyLog.objects.create(
        athlete=case.athlete, date=day(1), pain_during=3, night_pain=True, submitted_by=athlete_user
    )
    body = api(integration).post(LOGS, {"items": [log(case, 1, steps=9000)]}, format="json").json()
    assert body["updated"] == 1
    stored = DailyLog.objects.get()
    assert (stored.pain_during, stored.night_pain, stored.steps) == (3, True, 9000)


def test_every_item_invalid_is_a_400_that_stores_nothing(api, plan, case, integration):
    response = api(integration).post(
        LOGS, {"items": [log(case, 1, pain_rest=-1), log(case, 2, swelling="maybe")]}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body == {
        "detail": "Nothing was stored: every item is invalid (see errors).",
        "code": "invalid",
        "errors": {
            "items.0.pain_rest": ["Ensure this value is greater than or equal to 0."],
            "items.1.swelling": ["Must be a valid boolean."],
        },
    }
    assert not DailyLog.objects.exists()


def test_the_same_key_twice_in_one_request_is_an_error_on_the_second(api, plan, case, integration):
    items = [log(case, 1, pain_during=1), log(case, 1, pain_during=2)]
    body = api(integration).post(LOGS, {"items": items}, format="json").json()
    assert body["results"][1]["errors"] == {"date": ["Item 0 has the same athlete and date."]}
    assert DailyLog.objects.get().pain_during == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"items": []}, "Send at least one item."),
        ({"items": {"athlete": 1}}, "Expected a list."),
        ({"rows": []}, "This field is required."),
        ([], "This field is required."),
    ],
)
def test_malformed_requests_get_the_shared_error_body(api, plan, integration, payload, message):
    response = api(integration).post(LOGS, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["errors"]["items"] == [message]


def test_up_to_a_thousand_items_in_one_request(api, plan, case, integration):
    client = api(integration)
    many = [sample(case, n % 20, external_id=f"hr-{n}", metric="heart_rate") for n in range(1001)]
    too_many = client.post(METRICS, {"items": many}, format="json")
    assert too_many.status_code == 400
    assert too_many.json()["errors"] == {"items": ["Send at most 1,000 items; split the rest."]}
    response = client.post(METRICS, {"items": many[:1000]}, format="json")
    assert response.status_code == 200 and response.json()["created"] == 1000
    assert DeviceMetric.objects.count() == 1000


def test_a_bulk_request_costs_the_same_queries_for_ten_items_or_two_hundred(
    api, plan, case, integration
):
    client = api(integration)

    def queries(n: int, prefix: str) -> int:
        items = [sample(case, i % 20, external_id=f"{prefix}-{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(METRICS, {"items": items}, format="json").status_code == 200
        return len(ctx)

    assert queries(10, "a") == queries(200, "b")


def test_evaluations_are_queued_once_per_affected_case(
    api, plan, case, team_integration, queued, django_capture_on_commit_callbacks
):
    """A team's athletes: 60 items for two athletes queue two evaluations, not 60."""
    from athletes.services import case_open
    from tests.factories import AthleteFactory

    clinician = case.care_team.get(role="lead_clinician").user
    teammate = AthleteFactory(team=case.athlete.team)
    other_case = case_open(
        athlete=teammate, site="fibula", diagnosed_on=TODAY, created_by=clinician
    )
    items = [sample(case, n % 10, external_id=f"a-{n}") for n in range(30)]
    items += [sample(case, n % 10, athlete=teammate.pk, external_id=f"b-{n}") for n in range(30)]
    with django_capture_on_commit_callbacks(execute=True):
        response = api(team_integration).post(METRICS, {"items": items}, format="json")
    assert response.status_code == 200
    assert sorted(queued) == sorted([case.pk, other_case.pk])
    assert response.json()["evaluations_queued"] == sorted([case.pk, other_case.pk])


def test_nothing_is_queued_before_the_commit_and_one_callback_per_request(
    api, plan, case, integration, queued, django_capture_on_commit_callbacks
):
    items = [log(case, n, pain_during=1) for n in range(1, 11)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api(integration).post(LOGS, {"items": items}, format="json")
        assert queued == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued == [case.pk]


def test_sessions_upsert_by_source_and_external_id(api, plan, case, clinician, integration):
    client = api(integration)
    body = client.post(SESSIONS, {"items": [session(case, 1), session(case, 2)]}, format="json")
    assert body.json()["created"] == 2
    again = client.post(
        SESSIONS, {"items": [session(case, 1), session(case, 2, rpe=6)]}, format="json"
    ).json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "updated"]
    stored = ActivitySession.objects.get(external_id="run-2")
    assert stored.load == 180 and stored.source == "device"
    listed = api(clinician).get("/api/v1/sessions/?external_id=run-2").json()["results"]
    assert [(s["id"], s["load"], s["access"]) for s in listed] == [(stored.pk, 180, "clinical")]


def test_a_session_needs_its_external_id(api, plan, case, integration):
    response = api(integration).post(
        SESSIONS,
        {"items": [session(case, 1, external_id="", minutes=0, activity="fly")]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "items.0.external_id",
        "items.0.minutes",
        "items.0.activity",
    }


def test_an_external_id_belongs_to_one_athlete(api, plan, case, team_integration):
    from athletes.services import case_open
    from tests.factories import AthleteFactory

    clinician = case.care_team.get(role="lead_clinician").user
    teammate = AthleteFactory(team=case.athlete.team)
    case_open(athlete=teammate, site="fibula", diagnosed_on=TODAY, created_by=clinician)
    client = api(team_integration)
    client.post(METRICS, {"items": [sample(case, 1)]}, format="json")
    body = client.post(
        METRICS, {"items": [sample(case, 1, athlete=teammate.pk)]}, format="json"
    ).json()
    assert body["errors"] == {
        "items.0.external_id": ["These source and external id belong to another athlete's sample."]
    }
    client.post(SESSIONS, {"items": [session(case, 1)]}, format="json")
    body = client.post(
        SESSIONS,
        {"items": [session(case, 1, athlete=teammate.pk), session(case, 2)]},
        format="json",
    ).json()
    assert body["results"][0]["errors"] == {
        "external_id": ["These source and external id belong to another athlete's session."]
    }
    assert body["results"][1]["status"] == "created"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"recorded_at": "2026-10-20T21:00:00"}, "recorded_at", "Give the time zone too"),
        ({"recorded_at": "2026-10-30T21:00:00Z"}, "recorded_at", "Samples cannot be from"),
        ({"recorded_at": "2026-10-20T12:99:00Z"}, "recorded_at", "Datetime has wrong format."),
        ({"recorded_at": "0058-01-01T00:00:00Z"}, "recorded_at", "Date too far in the past"),
        ({"unit": "km"}, "unit", "steps is recorded in count."),
        ({"value": -1}, "value", "Ensure this value is greater than or equal to 0."),
        ({"metric": "mood"}, "metric", '"mood" is not a valid choice.'),
        ({"source": ""}, "source", "This field may not be blank."),
    ],
)
def test_sample_validation(api, plan, case, integration, fields, field, message):
    items = [sample(case, 2), sample(case, 1, **fields)]
    body = api(integration).post(METRICS, {"items": items}, format="json").json()
    assert body["results"][0]["status"] == "created"
    assert body["results"][1]["errors"][field][0].startswith(message)
    assert body["errors"][f"items.1.{field}"] == body["results"][1]["errors"][field]


def test_a_revised_sample_is_updated(api, plan, case, integration):
    client = api(integration)
    client.post(METRICS, {"items": [sample(case, 1)]}, format="json")
    body = client.post(METRICS, {"items": [sample(case, 1, value=12000)]}, format="json").json()
    assert body["updated"] == 1 and DeviceMetric.objects.get().value == 12000


def test_one_item_upsert_answers_201_then_200(api, plan, case, integration):
    client = api(integration)
    first = client.post("/api/v1/device-metrics/", sample(case, 1), format="json")
    assert first.status_code == 201 and first["Upsert-Result"] == "created"
    again = client.post("/api/v1/device-metrics/", sample(case, 1), format="json")
    assert again.status_code == 200 and again["Upsert-Result"] == "unchanged"
    assert again.json()["id"] == first.json()["id"]
    bad = client.post("/api/v1/device-metrics/", sample(case, 1, value="x"), format="json")
    assert bad.status_code == 400
    assert bad.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"value": ["A valid number is required."]},
    }


def test_bulk_requests_are_throttled_per_account(
    api, plan, case, integration, clinician, monkeypatch
):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"bulk": "2/minute"})
    client = api(integration)
    for n in range(2):
        assert client.post(LOGS, {"items": [log(case, n + 1)]}, format="json").status_code == 200
    throttled = client.post(LOGS, {"items": [log(case, 3)]}, format="json")
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    assert throttled.json()["detail"].startswith("Request was throttled.")
    # Another account has its own allowance; reads are not the bulk scope.
    assert api(clinician).post(LOGS, {"items": [log(case, 3)]}, format="json").status_code == 200
    assert client.get("/api/v1/daily-logs/").status_code == 200


def test_a_sessions_pain_after_is_stored_and_shown_to_clinicians_only(
    api, plan, case, clinician, coach, integration
):
    """A wearable's pain ratings of a session reach the rules (the day's pain, clinical.md §11);
    like the pain during it, the pain after it is clinical data, hidden from coaches."""
    body = api(integration).post(
        SESSIONS, {"items": [session(case, 1, pain_during=3, pain_after=6)]}, format="json"
    )
    assert body.status_code == 200, body.json()
    stored = ActivitySession.objects.get(external_id="run-1")
    assert (stored.pain_during, stored.pain_after) == (3, 6)
    shown = api(clinician).get("/api/v1/sessions/?external_id=run-1").json()["results"][0]
    assert (shown["pain_during"], shown["pain_after"]) == (3, 6)
    to_coach = api(coach).get("/api/v1/sessions/?external_id=run-1").json()["results"][0]
    assert "pain_after" not in to_coach and "pain_during" not in to_coach
