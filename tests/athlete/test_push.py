"""Web Push to the athlete's phone, through a real local stand-in of a push service: it records
each request (headers and the encrypted body) and the test decrypts the body with the
subscriber's keys (RFC 8291, aes128gcm), as the phone would.

Stories on Friday 20 November 2026: Maya turns notifications on; at 19:00 her log is missing
and the reminder arrives as a push (no e-mail); Dana writes to her and the message arrives as
a push; her night pain raises a red flag and Dana's acknowledgement reaches her phone; a phone
that withdrew its subscription (410) is forgotten, and the e-mail is the fallback again."""

from __future__ import annotations

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from athletes.models import Case
from monitoring.care import tasks as care_tasks
from monitoring.care.services import message_send, note_create
from monitoring.evaluation.flags import flag_acknowledge
from monitoring.evaluation.tasks import send_log_reminders
from monitoring.models import Flag, PushSubscription

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService:
    """A push service on 127.0.0.1 that keeps what it is sent and answers ``status``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(service.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()


class Phone:
    """A browser's push keys: what it subscribes with, and what it decrypts with."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(public), "auth": b64(self.auth)}}

    def read(self, request: dict) -> dict:
        plain = http_ece.decrypt(
            request["body"], private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def service():
    found = PushService()
    yield found
    found.close()


@pytest.fixture
def vapid(settings):
    from io import StringIO

    out = StringIO()
    call_command("vapid_keys", stdout=out)
    keys = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.REHAB_VAPID_PUBLIC_KEY = keys["REHAB_VAPID_PUBLIC_KEY"]
    settings.REHAB_VAPID_PRIVATE_KEY = keys["REHAB_VAPID_PRIVATE_KEY"]
    settings.REHAB_PUSH_ALLOW_HTTP = True
    return keys


@pytest.fixture
def sent_now(monkeypatch):
    """Queued tasks run at once, as a worker would run them after the commit (the test's
    transaction never commits: its on-commit callbacks run when they are queued)."""
    for task in (care_tasks.send_push, care_tasks.send_note_email):
        monkeypatch.setattr(task, "delay", lambda *a, _t=task: _t(*a))
    monkeypatch.setattr("django.db.transaction.on_commit", lambda f, *a, **k: f())


@pytest.fixture
def phone(client, maya, service, vapid):
    phone = Phone(f"{service.url}/push/maya-phone")
    client.force_login(maya)
    response = client.post(
        reverse("athlete:push"),
        {"subscription": phone.subscription()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return phone


def test_progress_offers_notifications_only_when_the_server_can_push(client, maya, settings, today):
    client.force_login(maya)
    settings.REHAB_VAPID_PUBLIC_KEY = settings.REHAB_VAPID_PRIVATE_KEY = ""
    assert 'id="push"' not in client.get(reverse("athlete:progress")).content.decode()
    settings.REHAB_VAPID_PUBLIC_KEY, settings.REHAB_VAPID_PRIVATE_KEY = "pub", "priv"
    page = client.get(reverse("athlete:progress")).content.decode()
    assert 'id="push"' in page and 'data-key="pub"' in page and "js/push.js" in page


def test_a_subscription_is_kept_once_and_bad_ones_are_refused(client, maya, phone, settings):
    url = reverse("athlete:push")
    again = client.post(
        url, {"subscription": phone.subscription()}, content_type="application/json"
    )
    assert again.status_code == 201 and PushSubscription.objects.count() == 1
    for bad in (
        "not json",
        json.dumps([1]),
        json.dumps({"subscription": {"endpoint": "ftp://x", "keys": {"p256dh": "a", "auth": "b"}}}),
        json.dumps({"subscription": {"endpoint": "https://push.example/x", "keys": {}}}),
    ):
        response = client.post(url, bad, content_type="application/json")
        assert response.status_code == 400, bad
    settings.REHAB_PUSH_ALLOW_HTTP = False
    http = client.post(url, {"subscription": phone.subscription()}, content_type="application/json")
    assert http.status_code == 400 and "endpoint" in http.json()["errors"]
    off = client.post(url, {"unsubscribe": phone.endpoint}, content_type="application/json")
    assert off.json() == {"subscribed": False, "removed": 1}
    assert not PushSubscription.objects.exists()


def test_the_1900_reminder_arrives_as_a_push_not_an_e_mail(maya, phone, service, sent_now):
    assert send_log_reminders(at(TODAY, 19).isoformat()) == 1
    (request,) = service.requests
    assert request["path"] == "/push/maya-phone"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm" and headers["ttl"] == "86400"
    assert headers["authorization"].startswith("vapid t=")
    message = phone.read(request)
    assert message["title"] == "Your log for today is still missing"
    assert message["url"] == "/me/log/"
    assert mail.outbox == []


def test_a_message_from_the_team_arrives_as_a_push(maya, clinician, phone, service, sent_now):
    case = Case.objects.get(athlete=maya.athlete_profile)
    note = note_create(
        case=case,
        author=clinician,
        audience="athlete",
        body="How is the night pain?",
        addressed_to=maya,
    )
    (request,) = service.requests
    message = phone.read(request)
    # Who wrote and where to read it; the words stay off the locked screen.
    assert message["title"] == f"{clinician} wrote to you"
    assert message["body"] == "Open rehab to read the message."
    assert "night pain" not in json.dumps(message)
    assert message["url"] == f"/me/messages/#message-{note.pk}"
    assert mail.outbox == []
    # The team's own message from the thread, too
    message_send(case=case, author=clinician, body="Call me if it wakes you.")
    second = phone.read(service.requests[1])
    assert second["url"].startswith("/me/messages/#message-")
    assert "Call me" not in json.dumps(second)


def test_the_teams_response_to_a_red_flag_reaches_the_phone_without_clinical_detail(
    maya, clinician, phone, service, sent_now
):
    case = Case.objects.get(athlete=maya.athlete_profile)
    flag = Flag.objects.create(
        case=case,
        phase=case.plans.get().current_phase,
        kind=Flag.Kind.RED_FLAG,
        title="Night pain",
        message="Night pain reported",
        evaluation={},
    )
    flag_acknowledge(flag=flag, by=clinician)
    (request,) = service.requests
    message = phone.read(request)
    assert message["title"] == "Your care team has seen your report"
    assert "Night pain" not in json.dumps(message) and message["url"] == "/me/"
    flag_acknowledge(flag=flag, by=clinician)  # again: nothing new to say
    assert len(service.requests) == 1


def test_a_withdrawn_subscription_is_forgotten_and_e_mail_is_the_fallback(
    maya, phone, service, sent_now
):
    service.status = 410
    assert send_log_reminders(at(TODAY, 19).isoformat()) == 1
    assert len(service.requests) == 1 and not PushSubscription.objects.exists()
    assert (
        send_log_reminders(at(TODAY + __import__("datetime").timedelta(days=1), 19).isoformat())
        == 1
    )
    assert [m.to for m in mail.outbox] == [[maya.email]]
