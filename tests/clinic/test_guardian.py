"""Guardian contact for adolescents (issue 29, item 3): required at intake for a new athlete
under 18 (a name and a phone or e-mail), on the athlete record, shown to the clinical team,
never to a coach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from athletes.models import Athlete, Case
from athletes.services import GUARDIAN_FIELDS, guardian_update
from rehab.errors import ApplicationError

from .test_forms import NEW_CASE

pytestmark = pytest.mark.django_db
TEEN = {**NEW_CASE, "date_of_birth": "2010-06-01"}  # 16 on 20 Nov 2026


def test_an_adolescent_needs_a_guardian_at_intake(client, clinician, frozen):
    client.force_login(clinician)
    missing = client.post(reverse("clinic:case_new"), TEEN)
    assert missing.status_code == 400
    assert "Required for an athlete under 18" in missing.content.decode()
    assert not Athlete.objects.filter(first_name="Ada").exists()

    with_guardian = {**TEEN, "guardian_name": "Ruth Quinn", "guardian_relationship": "Mother"}
    no_contact = client.post(reverse("clinic:case_new"), with_guardian)
    assert (
        no_contact.status_code == 400
        and "A phone number or an e-mail" in no_contact.content.decode()
    )
    ok = client.post(
        reverse("clinic:case_new"), {**with_guardian, "guardian_email": "ruth@example.org"}
    )
    assert ok.status_code == 302
    athlete = Athlete.objects.get(first_name="Ada", last_name="Quinn")
    assert (athlete.guardian_name, athlete.guardian_email) == ("Ruth Quinn", "ruth@example.org")
    adult = client.post(reverse("clinic:case_new"), {**NEW_CASE, "first_name": "Bea"})
    assert adult.status_code == 302  # an adult needs none


def test_the_clinical_team_sees_the_guardian_a_coach_never(
    client, case, clinician, coach, athlete_user, frozen
):
    case.athlete.date_of_birth = dt.date(2010, 6, 1)
    case.athlete.save()
    guardian_update(
        athlete=case.athlete,
        by=clinician,
        guardian_name="Gwen Guardianmarker",
        guardian_phone="+44 20 7946 0999",
    )
    client.force_login(clinician)
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Gwen Guardianmarker" in page and 'data-testid="growth-plate-note"' in page
    assert reverse("care:bone_health", args=[case.pk]) + "#guardian" in page  # the Edit link
    assert 'data-testid="under-18"' in page and "16 years · under 18" in page  # the header
    client.force_login(coach)
    for url in (
        reverse("coach:athlete", args=[case.pk]),
        reverse("coach:board"),
        reverse("care:timeline", args=[case.pk]),
    ):
        body = client.get(url).content.decode()
        assert "Guardianmarker" not in body and "7946 0999" not in body, url
    with pytest.raises(ApplicationError):
        guardian_update(athlete=case.athlete, by=coach, guardian_name="x")
    with pytest.raises(ApplicationError):
        guardian_update(athlete=case.athlete, by=clinician, guardian_email="not-an-email")
    assert Case.objects.get(pk=case.pk).athlete.guardian_name == "Gwen Guardianmarker"


def _teen(case, clinician):
    case.athlete.date_of_birth = dt.date(2010, 6, 1)  # 16 on the frozen day
    case.athlete.save()
    return guardian_update(
        athlete=case.athlete,
        by=clinician,
        guardian_name="Ruth Quinn",
        guardian_phone="+44 20 7946 0001",
    )


def test_an_adolescent_s_guardian_cannot_be_cleared_to_nothing(case, clinician, frozen):
    athlete = _teen(case, clinician)
    with pytest.raises(ApplicationError) as refused:
        guardian_update(athlete=athlete, by=clinician, guardian_name="", guardian_phone="")
    assert refused.value.errors == {
        "guardian_name": ["Required for an athlete under 18."],
        "guardian_phone": ["A phone number or an e-mail for the guardian."],
    }
    athlete.refresh_from_db()
    assert (athlete.guardian_name, athlete.guardian_phone) == ("Ruth Quinn", "+44 20 7946 0001")
    # swapping the phone for an e-mail keeps a way to reach them
    guardian_update(
        athlete=athlete, by=clinician, guardian_phone="", guardian_email="ruth@example.org"
    )
    athlete.refresh_from_db()
    assert (athlete.guardian_phone, athlete.guardian_email) == ("", "ruth@example.org")


def test_an_adult_s_guardian_may_be_cleared(case, clinician, frozen):
    case.athlete.date_of_birth = dt.date(1990, 6, 1)
    case.athlete.guardian_name = "Old Contact"
    case.athlete.save()
    guardian_update(athlete=case.athlete, by=clinician, guardian_name="", guardian_phone="")
    case.athlete.refresh_from_db()
    assert case.athlete.guardian_name == ""


# --- the bone-health page's edit form ------------------------------------------------------------


def _edit(case):
    return reverse("care:guardian_edit", args=[case.pk])


def test_a_clinician_corrects_the_guardian_on_the_bone_health_page(client, case, clinician, frozen):
    _teen(case, clinician)
    client.force_login(clinician)
    page = client.get(reverse("care:bone_health", args=[case.pk])).content.decode()
    assert 'data-testid="guardian-edit"' in page and 'value="Ruth Quinn"' in page
    assert _edit(case) in page

    saved = client.post(
        _edit(case),
        {
            "guardian_name": "Tom Quinn",
            "guardian_relationship": "Father",
            "guardian_phone": "",
            "guardian_email": "tom@example.org",
        },
        follow=True,
    )
    assert saved.redirect_chain[-1][0].endswith("/bone-health/screens/#guardian")
    body = saved.content.decode()
    assert "Guardian contact saved." in body and "tom@example.org" in body
    case.athlete.refresh_from_db()
    assert (case.athlete.guardian_name, case.athlete.guardian_phone) == ("Tom Quinn", "")
    # The record of changes says who changed the guardian's details, and from what to what.
    record = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    entry = record.split("Guardian&#x27;s contact details changed", 1)[1].split("</ul>", 1)[0]
    assert str(clinician) in entry
    assert "Guardian: “Ruth Quinn” → “Tom Quinn”" in entry
    assert "Guardian&#x27;s e-mail: (empty) → “tom@example.org”" in entry


def test_clearing_an_adolescent_s_guardian_on_the_page_shows_the_field_errors(
    client, case, clinician, frozen
):
    _teen(case, clinician)
    client.force_login(clinician)
    blank = dict.fromkeys(GUARDIAN_FIELDS, "")
    refused = client.post(_edit(case), blank)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Required for an athlete under 18." in body
    assert "A phone number or an e-mail for the guardian." in body
    assert '<details data-testid="guardian-edit" open>' in body
    bad = client.post(_edit(case), {**blank, "guardian_name": "X", "guardian_email": "nope"})
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()
    case.athlete.refresh_from_db()
    assert case.athlete.guardian_name == "Ruth Quinn"


def test_an_adult_s_guardian_may_be_cleared_on_the_page(client, case, clinician, frozen):
    case.athlete.date_of_birth = dt.date(1990, 6, 1)
    case.athlete.guardian_name = "Old Contact"
    case.athlete.save()
    client.force_login(clinician)
    done = client.post(_edit(case), dict.fromkeys(GUARDIAN_FIELDS, ""))
    assert done.status_code == 302
    case.athlete.refresh_from_db()
    assert case.athlete.guardian_name == ""


def test_only_the_clinical_team_edits_the_guardian_on_the_page(
    client, case, clinician, physio, coach, nutritionist, athlete_user, outsider, frozen
):
    _teen(case, clinician)
    change = {"guardian_name": "Hacked", "guardian_phone": "1"}
    assert client.post(_edit(case), change).status_code == 302  # anonymous: to the login
    assert "/login" in client.post(_edit(case), change)["Location"]
    for who, status in ((coach, 404), (outsider, 404), (athlete_user, 404), (nutritionist, 403)):
        client.force_login(who)
        assert client.post(_edit(case), change).status_code == status, who.username
    client.force_login(nutritionist)  # reads the bone-health page, neither sees nor edits this
    page = client.get(reverse("care:bone_health", args=[case.pk])).content.decode()
    assert "Ruth Quinn" not in page and "guardian-edit" not in page
    client.force_login(clinician)
    assert client.get(_edit(case)).status_code == 405
    case.athlete.refresh_from_db()
    assert case.athlete.guardian_name == "Ruth Quinn"
    client.force_login(physio)
    assert client.post(_edit(case), {**change, "guardian_name": "Ruth Q."}).status_code == 302
