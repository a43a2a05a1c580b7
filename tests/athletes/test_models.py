"""Case invariants and the care-team services."""

import datetime as dt

import pytest
from django.db import IntegrityError

from athletes.models import CareTeamMember, Case
from athletes.services import care_team_add, care_team_remove, case_open
from rehab.errors import ApplicationError
from tests.factories import AthleteFactory, UserFactory


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", kind="clinician")


def test_risk_follows_the_site(dana):
    athlete = AthleteFactory()
    navicular = case_open(
        athlete=athlete, site="navicular", diagnosed_on=dt.date(2026, 9, 1), created_by=dana
    )
    tibia = case_open(
        athlete=athlete,
        site="posteromedial_tibia",
        diagnosed_on=dt.date(2026, 9, 1),
        created_by=dana,
    )
    assert (navicular.risk, tibia.risk) == ("high", "low")


def test_a_clinician_may_raise_but_never_lower_the_risk(dana):
    athlete = AthleteFactory()
    raised = case_open(
        athlete=athlete,
        site="fibula",
        risk="high",
        diagnosed_on=dt.date(2026, 9, 1),
        created_by=dana,
    )
    assert raised.risk == "high"
    with pytest.raises(ApplicationError) as err:
        case_open(
            athlete=athlete,
            site="navicular",
            risk="low",
            diagnosed_on=dt.date(2026, 9, 1),
            created_by=dana,
        )
    assert "risk" in err.value.errors


def test_unknown_site_and_bad_grade_are_field_errors(dana):
    athlete = AthleteFactory()
    with pytest.raises(ApplicationError) as err:
        case_open(athlete=athlete, site="elbow", diagnosed_on=dt.date(2026, 9, 1), created_by=dana)
    assert "site" in err.value.errors
    with pytest.raises(ApplicationError) as err:
        case_open(
            athlete=athlete,
            site="fibula",
            grade=9,
            diagnosed_on=dt.date(2026, 9, 1),
            created_by=dana,
        )
    assert "grade" in err.value.errors
    assert not Case.objects.exists()


def test_grade_is_checked_by_the_database_too(dana):
    case = case_open(
        athlete=AthleteFactory(), site="fibula", diagnosed_on=dt.date(2026, 9, 1), created_by=dana
    )
    with pytest.raises(IntegrityError):
        Case.objects.filter(pk=case.pk).update(grade=7)


def test_opening_a_case_puts_creator_and_athlete_on_the_care_team(dana):
    maya = UserFactory(username="maya", kind="athlete")
    case = case_open(
        athlete=AthleteFactory(user=maya),
        site="fibula",
        diagnosed_on=dt.date(2026, 9, 1),
        created_by=dana,
    )
    roles = dict(case.care_team.values_list("user__username", "role"))
    assert roles == {"dana": "lead_clinician", "maya": "athlete"}


def test_one_role_per_user_per_case(dana):
    case = case_open(
        athlete=AthleteFactory(), site="fibula", diagnosed_on=dt.date(2026, 9, 1), created_by=dana
    )
    with pytest.raises(IntegrityError):
        CareTeamMember.objects.create(case=case, user=dana, role="coach")


def test_care_team_changes_need_a_clinician_and_keep_one(dana):
    case = case_open(
        athlete=AthleteFactory(), site="fibula", diagnosed_on=dt.date(2026, 9, 1), created_by=dana
    )
    coach = UserFactory(username="alex", kind="coach")
    care_team_add(case=case, user=coach, role="coach", added_by=dana)
    care_team_add(case=case, user=coach, role="coach", added_by=dana)  # repeated: harmless
    assert case.care_team.filter(user=coach).count() == 1
    with pytest.raises(ApplicationError):
        care_team_add(case=case, user=UserFactory(), role="coach", added_by=coach)
    with pytest.raises(ApplicationError):
        care_team_remove(case=case, user=dana, removed_by=dana)
    care_team_remove(case=case, user=coach, removed_by=dana)
    assert not case.care_team.filter(user=coach).exists()


def test_risk_factors_come_from_the_bone_health_fields(dana):
    case = case_open(
        athlete=AthleteFactory(),
        site="sacrum",
        diagnosed_on=dt.date(2026, 9, 1),
        created_by=dana,
        red_s_screen="positive",
        prior_bsi_count=1,
        vitamin_d_nmol_l=50,
        menstrual_status="amenorrhea",
    )
    assert len(case.bone_health_flags) == 4
    assert case.has_risk_factors
