"""The athlete's watch files: the upload form on Progress and /me/files/ make a session of a FIT,
GPX or TCX file through the same service as the API; the same file again adds nothing; a file
that cannot be read is a form error (400), never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ActivityFile, ActivitySession

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activity"


def post(client, name: str, data: bytes | None = None):
    data = (FIXTURES / name).read_bytes() if data is None else data
    return client.post(reverse("athlete:files"), {"file": SimpleUploadedFile(name, data)})


def test_progress_offers_the_upload_form(client, maya, today):
    client.force_login(maya)
    html = client.get(reverse("athlete:progress")).content.decode()
    assert f'action="{reverse("athlete:files")}"' in html
    assert 'enctype="multipart/form-data"' in html and 'accept=".fit,.gpx,.tcx"' in html


def test_an_uploaded_file_becomes_a_session_once(client, maya, today):
    client.force_login(maya)
    response = post(client, "run.fit")
    assert response.status_code == 302 and response["Location"] == reverse("athlete:files")
    session = ActivitySession.objects.get()
    assert (session.source, session.activity, session.minutes) == ("device", "run", 30)
    assert (session.cadence, session.ground_contact_ms) == (170, 245)
    assert session.submitted_by == maya
    page = client.get(reverse("athlete:files")).content.decode()
    assert "Added: Running 30 min" in page and "run.fit" in page and "170 steps/min" in page
    assert post(client, "run.fit").status_code == 302
    assert ActivitySession.objects.count() == ActivityFile.objects.count() == 1
    assert "Already added" in client.get(reverse("athlete:files")).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("run.tcx", (FIXTURES / "run.tcx").read_bytes()[:900], "not well-formed XML"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 not a watch file", "FIT, GPX or TCX"),
    ],
)
def test_a_bad_file_is_a_form_error(client, maya, today, name, data, words):
    client.force_login(maya)
    response = post(client, name, data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ActivitySession.objects.exists()


def test_no_file_is_a_form_error(client, maya, today):
    client.force_login(maya)
    response = client.post(reverse("athlete:files"), {})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_another_athlete_sees_only_their_own_files(client, maya, ben, today):
    client.force_login(maya)
    post(client, "run.gpx")
    client.force_login(ben)
    page = client.get(reverse("athlete:files")).content.decode()
    assert "run.gpx" not in page and "No files yet." in page
    post(client, "run.gpx")  # the same file is ben's own upload: a session of his
    assert ActivitySession.objects.filter(athlete__user=ben).count() == 1


def test_someone_without_an_athlete_record_gets_a_404(client, clinician, today):
    client.force_login(clinician)
    assert post(client, "run.fit").status_code == 404
    assert not ActivitySession.objects.exists()
