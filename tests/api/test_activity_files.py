"""POST /api/v1/sessions/files/: a watch's FIT, GPX or TCX file, sent as multipart, becomes a
device session; the same file again answers with that session; a file that cannot be read is a
400 with a sentence; an athlete the caller may not record for is a 404."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.models import ActivityFile, ActivitySession

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activity"
URL = "/api/v1/sessions/files/"


@pytest.fixture
def clock():
    """The day after the fixtures' run (20 November 2026, 07:30 UTC)."""
    with time_machine.travel(dt.datetime(2026, 11, 21, 11, 0, tzinfo=dt.UTC), tick=True):
        yield dt.date(2026, 11, 21)


def upload(client, athlete_id: int, name: str, data: bytes | None = None):
    data = (FIXTURES / name).read_bytes() if data is None else data
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(URL, {"athlete": athlete_id, "file": file}, format="multipart")


@pytest.mark.parametrize("name", ["run.fit", "run.gpx", "run.tcx"])
def test_an_integration_uploads_a_file_and_the_same_file_again_adds_nothing(
    api, plan, integration, case, name
):
    client = api(integration)
    first = upload(client, case.athlete_id, name)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["date"] == "2026-11-20" and body["minutes"] == 30
    assert body["source"] == "device" and body["activity"] == "run"
    assert body["cadence"] == 170 and body["pace_min_per_km"] == pytest.approx(6.0, abs=0.1)
    assert body["started_at"].startswith("2026-11-20T07:30")
    assert "pain_during" not in body  # an integration reads the load view
    again = upload(client, case.athlete_id, name)
    assert again.status_code == 200 and again["Upsert-Result"] == "unchanged"
    assert again.json()["id"] == body["id"]
    assert ActivitySession.objects.count() == 1
    stored = ActivityFile.objects.get()
    assert (stored.format, stored.uploaded_by, stored.session_id) == (
        name[-3:],
        integration,
        body["id"],
    )
    assert len(stored.sha256) == 64 and stored.size == len((FIXTURES / name).read_bytes())


def test_fit_running_dynamics_reach_the_session(api, plan, clinician, case):
    response = upload(api(clinician), case.athlete_id, "run.fit")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["ground_contact_ms"], body["vertical_oscillation_mm"]) == (245, 82)
    assert (body["avg_heart_rate"], body["max_heart_rate"], body["steps"]) == (136, 141, 5100)
    assert body["access"] == "clinical"


def test_another_clinics_athlete_is_a_404(api, plan, integration, clinician, foreign_case):
    for user in (integration, clinician):
        response = upload(api(user), foreign_case.athlete_id, "run.gpx")
        assert response.status_code == 404
    assert upload(api(integration), 10**9, "run.gpx").status_code == 404
    assert not ActivityFile.objects.exists() and not ActivitySession.objects.exists()


def test_a_coach_may_not_upload(api, plan, coach, case):
    assert upload(api(coach), case.athlete_id, "run.fit").status_code == 404


def test_anonymous_is_401(api, plan, case):
    assert upload(api(), case.athlete_id, "run.fit").status_code == 401


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("run.fit", (FIXTURES / "run.fit").read_bytes()[:200], "could not be read"),
        ("run.gpx", b"<gpx><trk>", "not well-formed"),
        ("evil.gpx", b'<!DOCTYPE gpx [<!ENTITY a "b">]><gpx>&a;</gpx>', "DTD or entities"),
        ("notes.txt", b"just some words", "FIT, GPX or TCX"),
        ("empty.fit", b"", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_with_a_sentence(
    api, plan, integration, case, name, data, words
):
    response = upload(api(integration), case.athlete_id, name, data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert words in " ".join(body["errors"]["file"])
    assert not ActivitySession.objects.exists()


def test_an_oversized_file_is_a_400(api, plan, integration, case, monkeypatch):
    from monitoring.ingest import files

    monkeypatch.setattr(files, "MAX_BYTES", 100)
    response = upload(api(integration), case.athlete_id, "run.fit")
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"]["file"][0]


def test_a_json_body_is_refused(api, plan, integration, case):
    response = api(integration).post(URL, {"athlete": case.athlete_id}, format="json")
    assert response.status_code == 415
