"""PATCH /api/v1/athletes/{id}/: the clinical team corrects the guardian's contact, and only
that (other fields 400 by name); under 18 the contact cannot be cleared to nothing (intake's
rule, athletes.ages.guardian_missing). Anonymous, entitled, not entitled; a coach never reads
the guardian in a GET."""

from __future__ import annotations

import datetime as dt

import pytest

from athletes.models import Athlete
from athletes.services import guardian_update

pytestmark = pytest.mark.django_db

MARK = "Gwen Guardianmarker"


@pytest.fixture
def teen(case, clinician, clock):
    """The case's athlete at 16, with a guardian on record."""
    case.athlete.date_of_birth = dt.date(2010, 6, 1)
    case.athlete.save()
    guardian_update(
        athlete=case.athlete, by=clinician, guardian_name=MARK, guardian_phone="+44 20 7946 0999"
    )
    return case.athlete


def url(athlete: Athlete) -> str:
    return f"/api/v1/athletes/{athlete.pk}/"


def test_a_clinician_corrects_the_guardian(api, teen, clinician, physio):
    change = {"guardian_relationship": "Mother", "guardian_email": "gwen@example.org"}
    done = api(clinician).patch(url(teen), change, format="json")
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["access"] == "clinical" and body["guardian_name"] == MARK
    assert (body["guardian_relationship"], body["guardian_email"]) == ("Mother", "gwen@example.org")
    # the phone may go: the e-mail still reaches the guardian
    gone = api(physio).patch(url(teen), {"guardian_phone": ""}, format="json")
    assert gone.status_code == 200 and gone.json()["guardian_phone"] == ""
    teen.refresh_from_db()
    assert (teen.guardian_phone, teen.guardian_email) == ("", "gwen@example.org")


def test_bad_input_is_400_with_field_errors(api, teen, clinician):
    client = api(clinician)
    cleared = client.patch(url(teen), {"guardian_name": "", "guardian_phone": ""}, format="json")
    assert cleared.status_code == 400
    assert cleared.json()["errors"] == {
        "guardian_name": ["Required for an athlete under 18."],
        "guardian_phone": ["A phone number or an e-mail for the guardian."],
    }
    other = client.patch(
        url(teen), {"first_name": "Z", "date_of_birth": "2000-01-01"}, format="json"
    )
    assert other.status_code == 400
    assert set(other.json()["errors"]) == {"first_name", "date_of_birth"}
    email = client.patch(url(teen), {"guardian_email": "nope", "sex": "male"}, format="json")
    assert email.status_code == 400 and set(email.json()["errors"]) == {"guardian_email", "sex"}
    long = client.patch(url(teen), {"guardian_phone": "1" * 41}, format="json")
    assert long.status_code == 400 and "guardian_phone" in long.json()["errors"]
    empty = client.patch(url(teen), {}, format="json")
    assert empty.status_code == 400 and "non_field_errors" in empty.json()["errors"]
    assert client.put(url(teen), {"guardian_name": "X"}, format="json").status_code == 405
    before = (teen.first_name, teen.date_of_birth, teen.sex)
    teen.refresh_from_db()
    assert (teen.first_name, teen.date_of_birth, teen.sex) == before
    assert (teen.guardian_name, teen.guardian_email) == (MARK, "")


def test_an_adult_s_guardian_may_be_cleared(api, case, clinician, clock):
    case.athlete.date_of_birth = dt.date(1990, 6, 1)
    case.athlete.guardian_name = "Old Contact"
    case.athlete.save()
    blank = dict.fromkeys(("guardian_name", "guardian_phone", "guardian_email"), "")
    done = api(clinician).patch(url(case.athlete), blank, format="json")
    assert done.status_code == 200 and done.json()["guardian_name"] == ""


def test_who_may_correct_it(
    api, teen, coach, nutritionist, psychologist, athlete_user, integration, outsider
):
    change = {"guardian_name": "Not Allowed"}
    assert api().patch(url(teen), change, format="json").status_code == 401
    for who in (coach, nutritionist, psychologist, athlete_user, integration):
        refused = api(who).patch(url(teen), change, format="json")
        assert refused.status_code == 403, who.username
        assert "Not Allowed" not in str(refused.json()) and MARK not in str(refused.json())
    # a coach's bad input is still a 403: they learn nothing of what is valid
    assert api(coach).patch(url(teen), {"first_name": ""}, format="json").status_code == 403
    assert api(outsider).patch(url(teen), change, format="json").status_code == 404
    teen.refresh_from_db()
    assert teen.guardian_name == MARK


def test_a_coach_never_reads_the_guardian(api, teen, coach, clinician):
    for path in (url(teen), "/api/v1/athletes/"):
        seen = api(coach).get(path)
        assert seen.status_code == 200
        assert "guardian" not in str(seen.json()) and "Guardianmarker" not in str(seen.json())
        assert "7946 0999" not in str(seen.json())
    assert api(clinician).get(url(teen)).json()["guardian_name"] == MARK
