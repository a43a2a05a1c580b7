"""The audience table: every role reads exactly the notes it may — on the timeline page, the
athlete's Today page, the case page's panel, the CSV export and the API — and writes only for
audiences it reads. Outsiders get 404 everywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes import permissions
from monitoring.care import services as care_services
from monitoring.models.care import CaseNote
from rehab.errors import ApplicationError

from .conftest import BODY, READS

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("role", sorted(READS))
def test_the_predicate_follows_the_table(role, case, team):
    assert permissions.note_audiences_for(team[role], case) == READS[role]


@pytest.mark.parametrize("role", ["clinician", "physio", "coach", "nutritionist", "psychologist"])
def test_the_timeline_shows_exactly_the_readable_notes(role, client, case, team, notes):
    client.force_login(team[role])
    response = client.get(reverse("care:timeline", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    for audience, body in BODY.items():
        assert (body in html) == (audience in READS[role]), (role, audience)


def test_the_athlete_reads_only_notes_written_for_them(client, case, team, notes):
    client.force_login(team["athlete"])
    for url in (reverse("care:timeline", kwargs={"case_id": case.pk}), reverse("athlete:today")):
        html = client.get(url).content.decode()
        assert BODY["athlete"] in html, url
        assert BODY["team"] not in html and BODY["clinical"] not in html, url


@pytest.mark.parametrize("role", ["clinician", "nutritionist", "psychologist"])
def test_the_case_page_panel_shows_exactly_the_readable_notes(role, client, case, team, notes):
    client.force_login(team[role])
    html = client.get(reverse("clinic:case", kwargs={"case_id": case.pk})).content.decode()
    for audience, body in BODY.items():
        assert (body in html) == (audience in READS[role]), (role, audience)


@pytest.mark.parametrize("role", sorted(READS))
def test_the_api_lists_exactly_the_readable_notes(role, case, team, notes):
    response = _api(team[role]).get("/api/v1/notes/", {"case": case.pk})
    assert response.status_code == 200
    seen = {row["audience"] for row in response.json()["results"]}
    assert seen == READS[role]
    for audience, note in notes.items():
        detail = _api(team[role]).get(f"/api/v1/notes/{note.pk}/")
        assert detail.status_code == (200 if audience in READS[role] else 404), (role, audience)


@pytest.mark.parametrize("role", ["clinician", "coach", "athlete"])
def test_the_csv_export_follows_the_table(role, client, case, team, notes):
    client.force_login(team[role])
    response = client.get(reverse("care:notes_csv", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    text = response.content.decode()
    for audience, body in BODY.items():
        assert (body in text) == (audience in READS[role]), (role, audience)


def test_outsiders_get_404_everywhere(client, case, team, notes, outsider):
    client.force_login(outsider)
    note = notes["team"]
    for url in (
        reverse("care:timeline", kwargs={"case_id": case.pk}),
        reverse("care:notes_csv", kwargs={"case_id": case.pk}),
    ):
        assert client.get(url).status_code == 404, url
    posted = client.post(
        reverse("care:note_new", kwargs={"case_id": case.pk}), {"audience": "team", "body": "x"}
    )
    assert posted.status_code == 404
    api = _api(outsider)
    assert api.get(f"/api/v1/notes/{note.pk}/").status_code == 404
    assert api.get("/api/v1/notes/", {"case": case.pk}).json()["results"] == []
    created = api.post(
        "/api/v1/notes/", {"case": case.pk, "audience": "team", "body": "x"}, format="json"
    )
    assert created.status_code == 400 and "case" in created.json()["errors"]
    assert not CaseNote.objects.filter(body="x").exists()


def test_the_integration_account_has_no_timeline(client, case, team, notes):
    client.force_login(team["integration"])
    assert client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).status_code == 404


def test_anonymous_is_sent_to_log_in(client, case):
    response = client.get(reverse("care:timeline", kwargs={"case_id": case.pk}))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert APIClient().get("/api/v1/notes/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("role", "audience", "allowed"),
    [
        ("clinician", "clinical", True),
        ("physio", "athlete", True),
        ("coach", "team", True),
        ("coach", "clinical", False),
        ("nutritionist", "clinical", False),
        ("psychologist", "athlete", True),
        ("athlete", "athlete", False),
        ("integration", "team", False),
    ],
)
def test_writers_write_only_for_audiences_they_read(role, audience, allowed, client, case, team):
    client.force_login(team[role])
    url = reverse("care:note_new", kwargs={"case_id": case.pk})
    response = client.post(url, {"audience": audience, "body": "Written by " + role})
    exists = CaseNote.objects.filter(body="Written by " + role).exists()
    assert exists == allowed
    if role == "integration":
        assert response.status_code == 404
    elif role == "athlete":
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if allowed else 400)


def test_a_note_is_addressed_only_to_someone_who_reads_it(case, team):
    with pytest.raises(ApplicationError) as refused:
        care_services.note_create(
            case=case,
            author=team["clinician"],
            audience="clinical",
            body="Please review",
            addressed_to=team["coach"],
        )
    assert "addressed_to" in refused.value.errors


def test_bad_input_is_a_400_with_field_errors(client, case, team):
    client.force_login(team["clinician"])
    url = reverse("care:note_new", kwargs={"case_id": case.pk})
    response = client.post(url, {"audience": "everyone", "body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html and "This field is required" in html
    api = _api(team["clinician"]).post(
        "/api/v1/notes/", {"case": case.pk, "audience": "team", "body": ""}, format="json"
    )
    assert api.status_code == 400 and "body" in api.json()["errors"]


def _night_pain_flag(case, plan, coach_message: str):
    from monitoring.models import Flag

    return Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="red_flag",
        title="Night pain reported",
        message="Night pain on 19 Nov.",
        coach_message=coach_message,
        evaluation={},
    )


def test_a_note_links_to_a_flag_of_its_case(client, case, team, plan):

    flag = _night_pain_flag(case, plan, "Under review.")
    client.force_login(team["clinician"])
    response = client.post(
        reverse("care:note_new", kwargs={"case_id": case.pk}),
        {"audience": "team", "body": "Called the athlete about the night pain.", "flag": flag.pk},
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.flag_id == flag.pk
    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert f'href="#flag-{flag.pk}"' in html and f'id="flag-{flag.pk}"' in html
    # The coach sees the note and which kind of flag it is about, never the clinical title.
    client.force_login(team["coach"])
    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "Called the athlete about the night pain." in html
    assert "Night pain reported" not in html and "Red flag" in html


@pytest.mark.parametrize("role", ["clinician", "athlete"])
def test_the_fhir_export_carries_exactly_the_readable_notes(role, case, team, notes):
    from fhir.resources.R4B.bundle import Bundle

    response = _api(team[role]).get(f"/api/v1/cases/{case.pk}/fhir/")
    assert response.status_code == 200
    bundle = response.json()
    Bundle.model_validate(bundle)
    sent = {
        e["resource"]["payload"][0]["contentString"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Communication"
    }
    assert sent == {BODY[a] for a in READS[role]}


def test_a_resolved_flag_tells_the_coach_it_was_reviewed_not_its_open_words(
    client, case, team, plan
):
    """Open, a red flag's coach message says what waits ("Under review: no impact work"); once
    a clinician resolves it, the coach's timeline says the medical team reviewed it, and when,
    never the clinical resolution."""
    from django.utils import timezone

    from monitoring.evaluation.flags import flag_resolve
    from monitoring.models import Flag

    flag = _night_pain_flag(
        case, plan, "Under review: no impact work until the medical team has reviewed it."
    )
    client.force_login(team["coach"])
    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "Under review: no impact work" in html
    flag_resolve(flag=flag, by=team["clinician"], resolution="Seen in clinic: a bruise.")
    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    day = timezone.localdate(Flag.objects.get(pk=flag.pk).resolved_at)
    assert f"Reviewed by the medical team on {day.day} {day:%b %Y}." in html
    assert "Raised; now resolved" in html  # the item stands at the raising, not the review
    assert "Under review: no impact work" not in html
    assert "a bruise" not in html and "Night pain" not in html
