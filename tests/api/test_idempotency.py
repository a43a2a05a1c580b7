"""Writes that are not upserts are made safe to retry with an Idempotency-Key."""

from __future__ import annotations

import pytest

from monitoring.models import Assessment, Flag
from protocols.models import PhaseTransition

from .conftest import TODAY

pytestmark = pytest.mark.django_db

HOPS = {"test": "single_leg_hop", "value": 12, "pain": 0, "date": str(TODAY)}


def test_a_repeated_assessment_with_the_same_key_is_recorded_once(api, plan, case, clinician):
    client = api(clinician)
    body = {**HOPS, "case": case.pk}
    first = client.post("/api/v1/assessments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/assessments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json() == first.json()
    assert Assessment.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409(api, plan, case, clinician):
    client = api(clinician)
    client.post(
        "/api/v1/assessments/", {**HOPS, "case": case.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    response = client.post(
        "/api/v1/assessments/",
        {**HOPS, "case": case.pk, "value": 14},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This Idempotency-Key was used with a different request body.",
        "code": "conflict",
    }
    assert Assessment.objects.count() == 1


def test_keys_belong_to_one_account(api, plan, case, clinician, physio):
    body = {**HOPS, "case": case.pk}
    api(clinician).post("/api/v1/assessments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = api(physio).post("/api/v1/assessments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Assessment.objects.count() == 2


def test_without_a_key_each_request_counts(api, plan, case, clinician):
    client = api(clinician)
    for _ in range(2):
        client.post("/api/v1/assessments/", {**HOPS, "case": case.pk}, format="json")
    assert Assessment.objects.count() == 2


def test_a_refused_request_is_not_kept(api, plan, case, clinician):
    client = api(clinician)
    bad = client.post(
        "/api/v1/assessments/",
        {**HOPS, "case": case.pk, "value": 10.5},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert bad.status_code == 400
    fixed = client.post(
        "/api/v1/assessments/", {**HOPS, "case": case.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert fixed.status_code == 201


def test_a_retried_hold_decision_is_recorded_once(api, plan, clinician):
    client = api(clinician)
    url = f"/api/v1/plans/{plan.pk}/transitions/"
    body = {"kind": "hold", "reason": "One more week.", "effective_on": str(TODAY)}
    before = PhaseTransition.objects.count()
    for _ in range(3):
        response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="hold-1")
        assert response.status_code == 201
    assert PhaseTransition.objects.count() == before + 1


def test_a_retried_advance_with_expected_phase_moves_the_plan_once(api, plan, clinician):
    client = api(clinician)
    url = f"/api/v1/plans/{plan.pk}/transitions/"
    body = {
        "kind": "advance",
        "reason": "Hop test done in clinic; the logs are not all in yet.",
        "effective_on": str(TODAY),
        "expected_phase": plan.current_phase_id,
        "override": True,
    }
    assert client.post(url, body, format="json").status_code == 201
    retry = client.post(url, body, format="json")
    assert retry.status_code == 400
    assert retry.json()["detail"] == "The plan has changed since you looked at it; reload the page."
    plan.refresh_from_db()
    assert plan.current_phase.order == 3


def test_a_retried_resolve_with_a_key_answers_as_the_first_time(api, plan, case, clinician):
    flag = Flag.objects.create(
        case=case, phase=plan.current_phase, kind="red_flag", title="Red flag", message="…",
        evaluation={},
    )  # fmt: skip
    client = api(clinician)
    url = f"/api/v1/flags/{flag.pk}/resolve/"
    body = {"resolution": "Seen in clinic."}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r")
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "resolved"
    assert client.post(url, body, format="json").status_code == 400  # no key: already resolved


def test_an_over_long_key_is_a_400(api, plan, case, clinician):
    response = api(clinician).post(
        "/api/v1/assessments/",
        {**HOPS, "case": case.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="x" * 256,
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
