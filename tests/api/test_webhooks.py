"""Webhooks, end to end: an integration account registers an endpoint over the API; a change on
its case is delivered by the Celery task to a real HTTP receiver on 127.0.0.1, which verifies
the Standard Webhooks signature with ``standardwebhooks.Webhook.verify``. The receiver's first
answer is a 500: the delivery waits its back-off, the sweep sends it again, the second answer is
a 200. Payloads carry the summary view only (no diagnosis); an endpoint that keeps failing is
disabled and its owner e-mailed; another account's endpoint is a 404.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from athletes.models import User
from monitoring.care.services.lifecycle import case_discharge
from monitoring.evaluation.flags import flag_resolve
from monitoring.models import Flag, WebhookDelivery, WebhookEndpoint
from monitoring.webhooks import policy, tasks
from protocols.services.transitions import transition_decide
from tests.factories import UserFactory
from tests.return_to_play import record_return_decision

from .conftest import TODAY

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"
DIAGNOSIS = "Navicular stress fracture, grade 4"


class Receiver:
    """An HTTP server on 127.0.0.1 that answers the next of ``statuses`` (the last one again
    once they run out) and verifies each request's signature as a receiver would."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.secret: str | None = None
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    payload = Webhook(receiver.secret).verify(body, dict(self.headers))
                    verified = True
                except WebhookVerificationError:
                    payload, verified = json.loads(body), False
                receiver.received.append(
                    {"headers": dict(self.headers), "body": body, "payload": payload,
                     "verified": verified}
                )  # fmt: skip
                statuses = receiver.statuses
                status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver(statuses=(500, 200))
    yield found
    found.close()


@pytest.fixture
def sent_now(monkeypatch):
    """Queued tasks run at once, as a worker would after the commit (the test's transaction
    never commits: its on-commit callbacks run when they are queued)."""
    for task in (
        tasks.deliver_webhook,
        tasks.webhook_transition,
        tasks.send_webhook_disabled_email,
    ):
        monkeypatch.setattr(task, "delay", lambda *a, _t=task: _t(*a))
    monkeypatch.setattr("django.db.transaction.on_commit", lambda f, *a, **k: f())


@pytest.fixture
def endpoint(api, integration, receiver, plan):
    """The integration account's endpoint, registered over the API (its secret told once)."""
    integration.email = "ops@wearable.example.org"
    integration.save()
    response = api(integration).post(
        HOOKS,
        {"url": receiver.url, "events": list(policy.EVENTS), "description": "Wearable sync"},
        format="json",
    )
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    assert receiver.secret.startswith("whsec_")
    return WebhookEndpoint.objects.get(pk=response.json()["id"])


@pytest.fixture
def red_flag(case, plan):
    """A red flag whose clinical title and message name the diagnosis."""
    case.site = "navicular"
    case.save()
    return Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind=Flag.Kind.RED_FLAG,
        title=f"{DIAGNOSIS}: night pain",
        message=f"Night pain over the {DIAGNOSIS}; MRI advised.",
        coach_message="Under review by the medical team; no impact training until cleared.",
        evaluation={"why": DIAGNOSIS},
    )


def test_a_500_is_retried_after_its_back_off_and_the_200_is_signed(
    endpoint, receiver, red_flag, clinician, sent_now, api, integration
):
    flag_resolve(flag=red_flag, by=clinician, resolution=f"Seen; {DIAGNOSIS} healing.")

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.event, delivery.status, delivery.attempts) == ("flag.resolved", "pending", 1)
    assert delivery.status_code == 500 and delivery.response_ms is not None
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 0.8 * 30 - 2 <= wait <= 1.2 * 30  # the first back-off: 30 s ± 20 %

    assert tasks.retry_webhooks() == 0  # not due yet
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        assert tasks.retry_webhooks() == 1  # due: queued (and sent at once here)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("succeeded", 2, 200)
    assert [a["status_code"] for a in delivery.attempt_log] == [500, 200]
    assert all(a["response_ms"] >= 0 for a in delivery.attempt_log)
    # Both attempts verified with the endpoint's secret, one message id, one body
    assert [r["verified"] for r in receiver.received] == [True, True]
    assert {r["headers"]["webhook-id"] for r in receiver.received} == {delivery.msg_id}
    assert receiver.received[0]["body"] == receiver.received[1]["body"]
    payload = receiver.received[1]["payload"]
    assert payload["type"] == "flag.resolved"
    assert payload["data"]["flag"]["id"] == red_flag.pk
    assert payload["data"]["flag"]["status"] == "resolved"
    # The delivery log, over the API
    log = api(integration).get(f"{HOOKS}{endpoint.pk}/deliveries/").json()["results"]
    assert [(d["status"], d["status_code"], d["attempts"]) for d in log] == [("succeeded", 200, 2)]
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (0, None)


def test_no_diagnosis_reaches_an_integration(
    endpoint, receiver, red_flag, clinician, sent_now, case
):
    """The flag's title and message, the case's site, the resolution and the discharge summary
    all name the diagnosis; none of it is in what the integration account receives."""
    receiver.statuses = [200]
    flag_resolve(flag=red_flag, by=clinician, resolution=f"Seen; {DIAGNOSIS} healing.")
    record_return_decision(case, clinician, today=TODAY)
    case_discharge(
        case=case, by=clinician, returned_on=TODAY, outcome="full",
        summary=f"Back to running after the {DIAGNOSIS}.", before_plan_end=True,
    )  # fmt: skip
    events = [r["payload"]["type"] for r in receiver.received]
    assert events == ["flag.resolved", "case.discharged"]
    for request in receiver.received:
        text = request["body"].decode().lower()
        assert "navicular" not in text and "fracture" not in text and "mri" not in text
    flag = receiver.received[0]["payload"]["data"]["flag"]
    assert set(flag) == {
        "id", "case", "kind", "status", "coach_message", "raised_at", "updated_at", "resolved_at"
    }  # fmt: skip
    discharged = receiver.received[1]["payload"]["data"]["case"]
    assert discharged["status"] == "returned" and "site" not in discharged


def test_sessions_and_transitions_are_told(endpoint, receiver, sent_now, api, integration, plan,
                                           clinician, case):  # fmt: skip
    receiver.statuses = [200]
    response = api(integration).post(
        "/api/v1/sessions/bulk/",
        {"items": [{"athlete": case.athlete_id, "date": str(TODAY), "external_id": "run-1",
                    "activity": "run", "minutes": 30, "rpe": 4, "pain_during": 2}]},
        format="json",
    )  # fmt: skip
    assert response.status_code in (200, 201, 207), response.content
    transition_decide(
        plan=plan, kind="advance", decided_by=clinician, reason="Criteria met.",
        effective_on=TODAY, overridden=True,
    )  # fmt: skip
    payloads = [r["payload"] for r in receiver.received]
    assert [p["type"] for p in payloads] == ["session.created", "plan.transitioned"]
    assert payloads[0]["data"]["session"]["external_id"] == "run-1"
    assert "pain_during" not in payloads[0]["data"]["session"]
    moved = payloads[1]["data"]["transition"]
    assert (moved["kind"], moved["case"]) == ("advance", case.pk)
    assert "reason" not in moved


def test_nothing_is_sent_before_the_commit(
    endpoint, receiver, red_flag, clinician, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", lambda *a: sent.append(a))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        flag_resolve(flag=red_flag, by=clinician, resolution="Seen.")
    assert sent == [] and receiver.received == []
    for callback in callbacks:
        callback()
    assert sent == [(WebhookDelivery.objects.get().pk,)]


def test_an_endpoint_failing_ten_deliveries_in_a_row_is_disabled_and_its_owner_told(
    endpoint, receiver, red_flag, clinician, sent_now, api, integration
):
    receiver.statuses = [503]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=9)
    flag_resolve(flag=red_flag, by=clinician, resolution="Seen.")
    delivery = WebhookDelivery.objects.get()
    for _ in range(policy.MAX_ATTEMPTS - 1):  # each retry once its back-off has passed
        with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False):
            tasks.retry_webhooks()
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", policy.MAX_ATTEMPTS)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.consecutive_failures == 10
    assert "10 deliveries in a row failed" in endpoint.disabled_reason
    assert [m.to for m in mail.outbox] == [["ops@wearable.example.org"]]
    assert endpoint.url in mail.outbox[0].body
    # Disabled: told of nothing more; turned on again over the API, failures cleared
    receiver.received.clear()
    client = api(integration)
    assert client.post(f"{HOOKS}{endpoint.pk}/test/").status_code == 400
    response = client.patch(f"{HOOKS}{endpoint.pk}/", {"is_active": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["consecutive_failures"] == 0 and response.json()["is_active"]


def test_a_day_of_failing_disables_too(endpoint, receiver, red_flag, clinician, sent_now):
    receiver.statuses = [500]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - dt.timedelta(hours=25)
    )
    flag_resolve(flag=red_flag, by=clinician, resolution="Seen.")
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "24 hours" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get().status == "failed"  # its retries given up
    assert len(mail.outbox) == 1


def test_the_test_event_and_the_rotated_secret(endpoint, receiver, sent_now, api, integration):
    receiver.statuses = [200]
    client = api(integration)
    old = receiver.secret
    assert "secret" not in client.get(f"{HOOKS}{endpoint.pk}/").json()  # shown once only
    response = client.post(f"{HOOKS}{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    new = response.json()["secret"]
    assert new.startswith("whsec_") and new != old
    response = client.post(f"{HOOKS}{endpoint.pk}/test/")
    assert response.status_code == 202, response.content
    assert receiver.received[-1]["verified"] is False  # the receiver still holds the old one
    receiver.secret = new
    assert client.post(f"{HOOKS}{endpoint.pk}/test/").status_code == 202
    assert receiver.received[-1]["verified"] is True
    assert receiver.received[-1]["payload"]["type"] == "webhook.test"


def test_another_account_cannot_see_or_manage_an_endpoint(endpoint, api, integration, case):
    other = UserFactory(username="rival", kind=User.Kind.INTEGRATION)
    client = api(other)
    assert client.get(HOOKS).json()["results"] == []
    url = f"{HOOKS}{endpoint.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"events": ["flag.opened"]}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get(f"{url}deliveries/").status_code == 404
    assert client.post(f"{url}test/").status_code == 404
    assert client.post(f"{url}rotate-secret/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert [e["id"] for e in api(integration).get(HOOKS).json()["results"]] == [endpoint.pk]


def test_an_account_not_on_the_case_is_told_nothing(
    receiver, red_flag, clinician, sent_now, api, foreign_case
):
    """An integration account with an endpoint but no access to the case gets no delivery."""
    rival = UserFactory(username="rival", kind=User.Kind.INTEGRATION)
    response = api(rival).post(HOOKS, {"url": receiver.url, "events": ["flag.resolved"]},
                               format="json")  # fmt: skip
    assert response.status_code == 201
    flag_resolve(flag=red_flag, by=clinician, resolution="Seen.")
    assert WebhookDelivery.objects.count() == 0 and receiver.received == []


def test_a_clinic_administrator_manages_the_clinics_endpoints(api, clinician, coach, receiver):
    from athletes.models import Clinic

    clinic = Clinic.objects.create(name="Harbour Clinic")
    User.objects.filter(pk__in=[clinician.pk, coach.pk]).update(clinic=clinic)
    User.objects.filter(pk=clinician.pk).update(is_clinic_admin=True)
    response = api(clinician).post(HOOKS, {"url": receiver.url, "events": ["case.discharged"]},
                                   format="json")  # fmt: skip
    assert response.status_code == 201
    assert response.json()["clinic"] == clinic.pk and response.json()["owner"] is None
    assert api(coach).get(HOOKS).status_code == 403
    assert api(coach).get(f"{HOOKS}{response.json()['id']}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hooks", "https://127.0.0.1/hooks", "https://10.0.0.8/",
     "https://[::1]/", "https://169.254.169.254/latest/meta-data", "ftp://example.org/"],
)  # fmt: skip
def test_private_addresses_are_refused_in_production(url, api, integration, settings, case):
    settings.REHAB_WEBHOOKS_ALLOW_PRIVATE = False
    response = api(integration).post(HOOKS, {"url": url, "events": ["flag.opened"]}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["errors"]


def test_a_public_https_address_is_accepted(api, integration, settings, monkeypatch, case):
    settings.REHAB_WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(
        "socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.215.14", 443))]
    )
    response = api(integration).post(
        HOOKS, {"url": "https://hooks.example.org/rehab", "events": ["flag.opened"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content


def test_unknown_events_and_fields_are_a_400(api, integration, case):
    client = api(integration)
    response = client.post(HOOKS, {"url": "https://x.example.org/", "events": ["flag.eaten"]},
                           format="json")  # fmt: skip
    assert response.status_code == 400 and "events.0" in response.json()["errors"]
    response = client.post(HOOKS, {"url": "https://x.example.org/", "events": ["flag.opened"],
                                   "secret": "mine"}, format="json")  # fmt: skip
    assert response.status_code == 400 and "secret" in response.json()["errors"]
