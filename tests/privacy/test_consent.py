"""An athlete's consent to share with each care-team role: recorded with who and when, enforced
by ``athletes.permissions`` on every page, API endpoint and export, restored on re-grant."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes import permissions
from athletes import services as athlete_services
from athletes.models import CareTeamMember, SharingConsent
from athletes.selectors import cases_for_user
from monitoring.evaluation.flags import notify_case
from monitoring.models import Flag, Notification
from monitoring.navigation import red_flag_count
from monitoring.surfaces.clinic import view_models as clinic
from rehab.errors import ApplicationError
from tests.factories import AthleteFactory, UserFactory

pytestmark = pytest.mark.django_db


def withdraw(athlete_user, case, role, given=False):
    return athlete_services.consent_set(
        athlete=case.athlete, role=role, given=given, changed_by=athlete_user
    )


def coach_view(client, coach, case) -> dict:
    """What the coach reaches of the case: status of each coach page, the API, and whether the
    athlete is on the board and in the CSV export."""
    client.force_login(coach)
    name = case.athlete.full_name
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=coach)[0].key}")
    listed = _results(api.get("/api/v1/cases/").json())
    sessions = _results(api.get("/api/v1/sessions/").json())
    return {
        "athlete": client.get(reverse("coach:athlete", args=[case.pk])).status_code,
        "restrictions": client.get(reverse("coach:restrictions", args=[case.pk])).status_code,
        "board": name in client.get(reverse("coach:board")).content.decode(),
        "csv": _in_csv(client.get(reverse("coach:board_csv")).content.decode(), case.athlete),
        "api_case": api.get(f"/api/v1/cases/{case.pk}/").status_code,
        "api_list": any(c["id"] == case.pk for c in listed),
        "api_sessions": sum(1 for s in sessions if s.get("athlete") == case.athlete_id),
    }


def _in_csv(text: str, athlete) -> bool:
    """Whether a row of the export names the athlete (a cell, not a substring of the file: a
    random last name such as "Day" or "Phase" can stand in a header)."""
    names = {athlete.full_name, athlete.last_name, athlete.first_name}
    return any(cell.strip() in names for row in csv.reader(io.StringIO(text)) for cell in row)


def _results(body):
    return body["results"] if isinstance(body, dict) else body


def test_withdrawing_consent_for_coaches_removes_the_coach_everywhere_and_regrant_restores(
    client, case, records, coach, athlete_user
):
    case.athlete.team.staff.add(coach)
    before = coach_view(client, coach, case)
    assert before == {
        "athlete": 200,
        "restrictions": 200,
        "board": True,
        "csv": True,
        "api_case": 200,
        "api_list": True,
        "api_sessions": 1,
    }

    withdraw(athlete_user, case, "coach")
    after = coach_view(client, coach, case)
    assert after["athlete"] == after["restrictions"] == after["api_case"] == 404
    assert not after["board"] and not after["csv"] and not after["api_list"]
    assert after["api_sessions"] == 0
    assert permissions.role_on(coach, case) is None
    assert not cases_for_user(coach).filter(pk=case.pk).exists()

    withdraw(athlete_user, case, "coach", given=True)
    assert coach_view(client, coach, case) == before


def test_the_lead_clinician_keeps_access_and_other_clinical_roles_lose_it(
    client, case, records, clinician, physio, athlete_user
):
    withdraw(athlete_user, case, "physio")
    url = reverse("clinic:case", args=[case.pk])
    client.force_login(physio)
    assert client.get(url).status_code == 404
    assert client.get(reverse("clinic:case_privacy", args=[case.pk])).status_code == 404
    client.force_login(clinician)
    assert client.get(url).status_code == 200
    with pytest.raises(ApplicationError):
        withdraw(athlete_user, case, "lead_clinician")


def test_a_withdrawn_clinical_role_gets_no_red_flags_inbox_or_notifications(
    case, records, clinician, physio, athlete_user
):
    withdraw(athlete_user, case, "physio")
    Flag.objects.create(
        case=case,
        phase=records["plan"].current_phase,
        kind="red_flag",
        title="Night pain",
        message="Night pain reported.",
        evaluation={},
    )
    assert red_flag_count(physio) == 0
    assert clinic.inbox_flags(physio) == []
    assert red_flag_count(clinician) == 1
    notify_case(list(Flag.objects.filter(kind="red_flag")), case)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert clinician.pk in recipients and physio.pk not in recipients


def test_only_the_athlete_changes_consent(case, clinician, athlete_user):
    with pytest.raises(ApplicationError):
        athlete_services.consent_set(
            athlete=case.athlete, role="coach", given=False, changed_by=clinician
        )
    with pytest.raises(ApplicationError):
        athlete_services.consent_set(
            athlete=case.athlete, role="integration", given=False, changed_by=athlete_user
        )
    assert not SharingConsent.objects.exists()


def test_case_opening_records_consent_given_for_the_roles_present(db):
    lead = UserFactory(username="lead-c", kind="clinician")
    login = UserFactory(username="kai", kind="athlete")
    athlete = AthleteFactory(user=login)
    case = athlete_services.case_open(
        athlete=athlete,
        site="posteromedial_tibia",
        diagnosed_on=dt.date(2026, 11, 1),
        created_by=lead,
    )
    # Lead clinician and athlete are not subject to consent: nothing to record yet.
    assert not SharingConsent.objects.filter(athlete=athlete).exists()
    coach = UserFactory(username="coach-c", kind="coach")
    athlete_services.care_team_add(case=case, user=coach, role="coach", added_by=lead)
    consent = SharingConsent.objects.get(athlete=athlete, role="coach")
    assert consent.given and consent.changed_by == lead
    assert consent.history.get().history_change_reason.startswith("Given when the role joined")

    # A withdrawal stays when someone else joins with that role.
    athlete_services.consent_set(athlete=athlete, role="coach", given=False, changed_by=login)
    second = UserFactory(username="coach-d", kind="coach")
    athlete_services.care_team_add(case=case, user=second, role="coach", added_by=lead)
    assert not SharingConsent.objects.get(athlete=athlete, role="coach").given
    assert permissions.role_on(second, case) is None
    assert CareTeamMember.objects.filter(case=case, user=second).exists()


def test_consent_history_keeps_who_and_when(case, athlete_user):
    withdraw(athlete_user, case, "coach")
    withdraw(athlete_user, case, "coach", given=True)
    withdraw(athlete_user, case, "coach", given=True)  # no change: nothing recorded
    rows = list(SharingConsent.history.filter(role="coach").order_by("history_id"))
    assert [r.given for r in rows] == [False, True]
    assert {r.history_user_id for r in rows} == {athlete_user.pk}
    assert [r.history_change_reason for r in rows] == [
        "Withdrawn by the athlete",
        "Given by the athlete",
    ]


def test_the_athlete_page_withdraws_and_gives_again(client, case, records, coach, athlete_user):
    client.force_login(athlete_user)
    url = reverse("athlete:sharing")
    page = client.get(url).content.decode()
    assert "Who sees my data" in page and "Stop sharing with coaches" in page
    assert str(coach) in page
    response = client.post(url, {"role": "coach", "given": "0"})
    assert response.status_code == 302
    assert not SharingConsent.objects.get(athlete=case.athlete, role="coach").given
    page = client.get(url).content.decode()
    assert "Share with coaches again" in page and "Not sharing" in page
    client.post(url, {"role": "coach", "given": "1"})
    assert SharingConsent.objects.get(athlete=case.athlete, role="coach").given


@pytest.mark.parametrize(
    "data", [{"role": "lead_clinician", "given": "0"}, {"role": "coach", "given": "x"}, {}]
)
def test_bad_input_on_the_athlete_page_is_a_400(client, case, athlete_user, data):
    client.force_login(athlete_user)
    response = client.post(reverse("athlete:sharing"), data)
    assert response.status_code == 400
    assert "Choose a role" in response.content.decode()
    assert not SharingConsent.objects.exists()


def test_people_without_an_athlete_profile_have_no_sharing_page(client, case, clinician, coach):
    for user in (clinician, coach):
        client.force_login(user)
        assert client.get(reverse("athlete:sharing")).status_code == 404


def test_the_clinician_sees_the_athletes_choices_on_the_case_page(
    client, case, records, clinician, athlete_user
):
    withdraw(athlete_user, case, "coach")
    client.force_login(clinician)
    assert 'id="privacy"' in client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    panel = client.get(reverse("clinic:case_privacy", args=[case.pk])).content.decode()
    assert "Who" in panel and 'class="consent is-withdrawn"' in panel
    assert panel.count('class="consent is-withdrawn"') == 1


def test_a_withdrawn_role_does_not_find_the_athlete_in_lists(
    client, case, records, physio, athlete_user
):
    client.force_login(physio)
    name = case.athlete.full_name
    assert name in client.get(reverse("clinic:cases"), {"status": "all"}).content.decode()
    withdraw(athlete_user, case, "physio")
    assert name not in client.get(reverse("clinic:cases"), {"status": "all"}).content.decode()
    assert case.athlete not in clinic.athletes_of(physio)
    assert not clinic.teams_of(physio).exists()
