"""A care-team role is held only by a person of the matching kind, and an athlete's withdrawn
consent binds every role that person holds.

The story: a coach (alex) is on Maya's case. Someone tries to give alex the integration role
(which reads and writes data by API), or a clinician's role; the model, the service and the API
refuse. A membership that slipped past these checks before they existed (a coach recorded as an
integration account) does not survive Maya withdrawing consent for coaches.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes import permissions
from athletes import services as athlete_services
from athletes.models import CareTeamMember
from athletes.selectors import cases_for_user
from rehab.errors import ApplicationError

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize(
    ("kind", "role", "fits"),
    [
        ("coach", "coach", True),
        ("coach", "integration", False),
        ("coach", "clinician", False),
        ("integration", "integration", True),
        ("integration", "coach", False),
        ("clinician", "lead_clinician", True),
        ("physio", "lead_clinician", True),
        ("physio", "clinician", False),
        ("athlete", "coach", False),
        ("nutritionist", "psychologist", False),
        ("psychologist", "psychologist", True),
    ],
)
def test_each_role_is_for_one_kind_of_person(kind, role, fits):
    from tests.factories import UserFactory

    person = UserFactory(kind=kind)
    assert (CareTeamMember.role_error(person, role) is None) is fits


def test_the_model_refuses_a_coach_as_integration_account(case, coach):
    member = CareTeamMember.objects.get(case=case, user=coach)
    member.role = "integration"
    with pytest.raises(ValidationError) as refused:
        member.full_clean()
    assert "Coach accounts cannot hold the role integration account" in str(refused.value)


def test_the_service_refuses_and_keeps_the_role(case, clinician, coach):
    with pytest.raises(ApplicationError) as refused:
        athlete_services.care_team_add(
            case=case, user=coach, role="integration", added_by=clinician
        )
    assert "role" in refused.value.errors
    assert CareTeamMember.objects.get(case=case, user=coach).role == "coach"


def test_the_api_refuses_with_a_field_error(case, clinician, coach):
    response = token_client(clinician).post(
        "/api/v1/care-team-members/",
        {"case": case.pk, "username": coach.username, "role": "integration"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "cannot hold the role integration account" in response.json()["errors"]["role"][0]
    assert CareTeamMember.objects.get(case=case, user=coach).role == "coach"


def test_withdrawn_consent_binds_a_coach_whatever_role_they_were_given(
    case, clinician, coach, athlete_user
):
    # A membership written before the roles were checked: the coach as an integration account.
    CareTeamMember.objects.filter(case=case, user=coach).update(role="integration")
    assert cases_for_user(coach).filter(pk=case.pk).exists()

    athlete_services.consent_set(
        athlete=case.athlete, role="coach", given=False, changed_by=athlete_user
    )

    assert not cases_for_user(coach).filter(pk=case.pk).exists()
    case.__dict__.pop("_role_cache", None)
    assert permissions.role_on(coach, case) is None
    api = token_client(coach)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert api.get("/api/v1/daily-logs/", {"case": case.pk}).json().get("results", []) == []
    # The lead clinician is never withheld, though a clinician's consent is withdrawn too.
    athlete_services.consent_set(
        athlete=case.athlete, role="clinician", given=False, changed_by=athlete_user
    )
    assert cases_for_user(clinician).filter(pk=case.pk).exists()


def test_the_prefetched_care_team_answers_the_same(case, coach, athlete_user):
    CareTeamMember.objects.filter(case=case, user=coach).update(role="integration")
    athlete_services.consent_set(
        athlete=case.athlete, role="coach", given=False, changed_by=athlete_user
    )
    from athletes.models import Case

    prefetched = Case.objects.prefetch_related("care_team").get(pk=case.pk)
    assert permissions.role_on(coach, prefetched) is None
