"""Guardian contact for adolescents (issue 29, item 3): required at intake for a new athlete
under 18 (a name and a phone or e-mail), on the athlete record, shown to the clinical team,
never to a coach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from athletes.models import Athlete, Case
from athletes.services import guardian_update
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
