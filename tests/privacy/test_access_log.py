"""Who looked: every look at a case's clinical data — a page, an API answer, an export, FHIR —
is a row of the access log (who, when, what, from where), one insert per request at most, shown
to the lead clinician on the record page and to the athlete on their sharing page, and kept for
REHAB_ACCESS_LOG_DAYS days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from athletes import services
from athletes.models import AccessRecord
from monitoring.models import DailyLog
from rehab.celery import app as celery_app

pytestmark = pytest.mark.django_db


def _rows(case):
    return list(AccessRecord.objects.filter(case=case).order_by("id"))


def test_a_clinician_opening_the_case_page_is_recorded(client, case, records, physio):
    client.force_login(physio)
    response = client.get(reverse("clinic:case", args=[case.pk]), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    [row] = _rows(case)
    assert (row.user, row.role, row.what, row.ip) == (physio, "physio", "case_page", "203.0.113.7")
    assert row.athlete_id == case.athlete_id and row.path == f"/clinic/cases/{case.pk}/"
    assert row.who == (physio.get_full_name() or physio.username)
    assert row.at == timezone.now()  # the clock is pinned


@pytest.mark.parametrize(
    ("name", "what", "method"),
    [
        ("clinic:case_record", "record", "get"),
        ("clinic:case_privacy", "privacy", "get"),
        ("clinic:case_export", "export", "post"),
        ("care:timeline", "timeline", "get"),
        ("care:notes_csv", "notes_csv", "get"),
        ("whatif:case_replay", "replay", "get"),
        ("plans:builder", "plan", "get"),
    ],
)
def test_each_clinical_page_and_export_is_recorded(
    client, case, records, clinician, name, what, method
):
    client.force_login(clinician)
    response = getattr(client, method)(reverse(name, args=[case.pk]))
    assert response.status_code in {200, 302}
    assert [r.what for r in _rows(case)] == [what]


def test_api_details_and_fhir_are_recorded_lists_and_summaries_are_not(
    api, case, records, clinician, coach
):
    dana = api(clinician)
    assert dana.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert dana.get(f"/api/v1/cases/{case.pk}/fhir/").status_code == 200
    log = DailyLog.objects.filter(athlete=case.athlete).first()
    assert dana.get(f"/api/v1/daily-logs/{log.pk}/").status_code == 200
    assert dana.get("/api/v1/daily-logs/").status_code == 200  # a list: not a look at one record
    assert [r.what for r in _rows(case)] == ["api", "fhir", "api"]
    assert _rows(case)[1].path == f"/api/v1/cases/{case.pk}/fhir/"

    # The coach's summary of the case carries no clinical data: nothing to record.
    assert api(coach).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert len(_rows(case)) == 3


def test_the_athlete_reading_their_own_record_is_not_recorded(
    client, api, case, records, athlete_user
):
    client.force_login(athlete_user)
    assert client.get(reverse("athlete:progress")).status_code == 200
    assert api(athlete_user).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert _rows(case) == []


def test_one_insert_per_request_whatever_it_calls(rf, case, records, clinician):
    request = rf.get("/clinic/cases/1/")
    request.user = clinician
    for what in ("case_page", "record", "api"):
        services.record_access(request, case, what)
    assert len(_rows(case)) == 1


def test_the_lead_clinician_sees_who_looked_with_the_address(
    client, case, records, clinician, physio
):
    client.force_login(physio)
    client.get(reverse("clinic:case", args=[case.pk]), REMOTE_ADDR="198.51.100.4")
    client.force_login(clinician)
    page = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    assert "Who looked" in page
    assert "Case page" in page and "198.51.100.4" in page and "Physiotherapist" in page
    # A physio reads the record of changes, not who looked.
    client.force_login(physio)
    page = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    assert "Who looked" not in page and "198.51.100.4" not in page


def test_the_athlete_sees_who_looked_on_the_sharing_page(
    client, case, records, athlete_user, physio
):
    client.force_login(physio)
    client.get(reverse("clinic:case", args=[case.pk]), REMOTE_ADDR="198.51.100.4")
    client.force_login(athlete_user)
    page = client.get(reverse("athlete:sharing")).content.decode()
    assert "Who looked at your record" in page
    assert physio.get_full_name() in page and "opened your case page" in page
    assert "198.51.100.4" not in page  # the address is for the clinic's audit


def test_the_athlete_sees_nobody_else_s_log(client, case, records, other, physio, athlete_user):
    client.force_login(other["lead"])
    client.get(reverse("clinic:case", args=[other["case"].pk]))
    client.force_login(athlete_user)
    page = client.get(reverse("athlete:sharing")).content.decode()
    assert "Nobody has looked yet." in page


def test_old_records_are_pruned_after_the_retention(case, records, clinician, settings):
    settings.REHAB_ACCESS_LOG_DAYS = 30
    now = timezone.now()
    for days in (31, 29):
        AccessRecord.objects.create(
            athlete=case.athlete,
            case=case,
            user=clinician,
            who="Dana",
            what="case_page",
            path="/",
            at=now - dt.timedelta(days=days),
        )
    assert services.prune_access_records() == 1
    assert [r.at for r in _rows(case)] == [now - dt.timedelta(days=29)]
    schedule = {e["task"] for e in celery_app.conf.beat_schedule.values()}
    assert "athletes.tasks.prune_access_records" in schedule


def test_a_busy_day_is_one_line_per_person_and_page(client, case, records, clinician, physio):
    client.force_login(physio)
    for _ in range(3):
        client.get(reverse("clinic:case", args=[case.pk]))
    client.get(reverse("care:timeline", args=[case.pk]))
    assert len(_rows(case)) == 4  # every look is kept
    client.force_login(clinician)
    page = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    section = page[page.index('id="access"') :]
    assert section.count('class="access-row"') == 3  # the physio's two pages, the lead's record
    assert "Case page · 3 times" in section


def test_the_case_page_s_sharing_panel_is_not_a_second_look(client, case, records, clinician):
    client.force_login(clinician)
    client.get(reverse("clinic:case", args=[case.pk]))
    client.get(reverse("clinic:case_privacy", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert [r.what for r in _rows(case)] == ["case_page"]
    page = client.get(reverse("clinic:case_privacy", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert "Who looked at this record" in page.content.decode()  # the lead's way to the list


def test_a_coach_reading_a_team_note_reads_no_clinical_data(api, case, records, clinician, coach):
    from monitoring.models import CaseNote

    note = CaseNote.objects.create(
        case=case, author=clinician, audience=CaseNote.Audience.TEAM, body="Easy week."
    )
    assert api(coach).get(f"/api/v1/notes/{note.pk}/").status_code == 200
    assert _rows(case) == []
    assert api(clinician).get(f"/api/v1/notes/{note.pk}/").status_code == 200
    assert [r.what for r in _rows(case)] == ["api"]


def test_the_athlete_s_export_does_not_carry_the_staff_s_addresses(client, case, records, physio):
    client.force_login(physio)
    client.get(reverse("clinic:case", args=[case.pk]), REMOTE_ADDR="198.51.100.4")
    rows = services.athlete_data(case.athlete)["athletes.accessrecord"]
    assert rows and all("ip" not in row for row in rows)
    assert rows[0]["who"] == physio.get_full_name()
