"""Identical bulk requests at the same moment: exactly one row per natural key, and between them
each item created once and found unchanged by the others."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from monitoring.models import ActivitySession, DailyLog, DeviceMetric

from .test_bulk import LOGS, METRICS, SESSIONS, log, sample, session

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(target, n: int) -> list:
    """Run ``target`` in n threads released at the same moment; return their results."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize(
    ("url", "model", "make"),
    [(LOGS, DailyLog, log), (SESSIONS, ActivitySession, session), (METRICS, DeviceMetric, sample)],
)
def test_identical_requests_at_once_leave_one_row_per_key(
    api, plan, case, integration, monkeypatch, url, model, make
):
    queued: list[int] = []
    monkeypatch.setattr("monitoring.evaluation.tasks.evaluate_case.delay", queued.append)
    items = [make(case, n) for n in range(1, 16)]
    items.append({**make(case, 16), "athlete": 0})  # invalid in every request
    clients = [api(integration) for _ in range(4)]
    for attempt in range(3):
        model.objects.all().delete()
        queued.clear()
        responses = run_together(
            lambda i: clients[i].post(url, {"items": items}, format="json"),
            n=4,
        )
        assert [r.status_code for r in responses] == [207] * 4
        bodies = [r.json() for r in responses]
        assert model.objects.count() == 15
        # Each key created by exactly one request; the others found it unchanged.
        for index in range(15):
            statuses = sorted(b["results"][index]["status"] for b in bodies)
            assert statuses == ["created", "unchanged", "unchanged", "unchanged"], attempt
            assert len({b["results"][index]["id"] for b in bodies}) == 1
        for body in bodies:
            assert body["errors"] == {
                "items.15.athlete": ["An id is from 1 to 9223372036854775807."]
            }
        assert sum(b["created"] for b in bodies) == 15
        # Only the requests that changed something asked for an evaluation.
        assert queued.count(case.pk) == sum(1 for b in bodies if b["created"])


def test_an_insert_that_loses_the_race_reads_again_and_compares(
    api, plan, case, integration, monkeypatch
):
    """Another transaction holds an uncommitted row of the same key: the request waits on the
    unique index, then rolls back to its savepoint, reads the committed row and compares."""
    import time

    from django.db import transaction
    from django.utils.dateparse import parse_datetime

    monkeypatch.setattr("monitoring.evaluation.tasks.evaluate_case.delay", lambda case_id: None)
    first, second = sample(case, 1), sample(case, 2)
    client = api(integration)
    assert client.get("/api/v1/device-metrics/").status_code == 200  # URLs and views loaded
    outcome: dict = {}

    def post() -> None:
        try:
            outcome["response"] = client.post(METRICS, {"items": [first, second]}, format="json")
        finally:
            connection.close()

    retries: list[str] = []
    monkeypatch.setattr(
        "monitoring.ingest.writer.logger.info",
        lambda message, *args: retries.append(message % args),
    )
    with transaction.atomic():
        DeviceMetric.objects.create(
            athlete=case.athlete,
            metric="steps",
            value=first["value"],
            unit="count",
            recorded_at=parse_datetime(first["recorded_at"]),
            date=parse_datetime(first["recorded_at"]).date(),
            source="garmin",
            external_id=first["external_id"],
        )
        thread = threading.Thread(target=post)
        thread.start()
        time.sleep(1.0)  # the request is now waiting on the unique index
        assert "response" not in outcome
    thread.join(30)
    body = outcome["response"].json()
    assert [r["status"] for r in body["results"]] == ["unchanged", "created"]
    assert DeviceMetric.objects.count() == 2
    assert retries == ["DeviceMetric: a concurrent request stored the same keys; reading again."]
