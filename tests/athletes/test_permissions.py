"""The permission predicates as a table: role × own / foreign case × action."""

import pytest

from athletes import permissions as p
from athletes.selectors import case_for_user, cases_for_user

ROLES = [
    "clinician",
    "physio",
    "coach",
    "athlete_user",
    "nutritionist",
    "psychologist",
    "integration",
]

# action -> the roles (fixtures) allowed on their own case
TABLE = {
    p.can_view_case: set(ROLES),
    p.can_view_clinical: {"clinician", "physio", "athlete_user"},
    p.can_view_load: {"clinician", "physio", "coach", "athlete_user"},
    p.can_edit_plan: {"clinician", "physio"},
    p.can_decide_transition: {"clinician", "physio"},
    p.can_manage_flags: {"clinician", "physio"},
    p.can_manage_care_team: {"clinician"},
    p.can_log_for: {"clinician", "physio", "athlete_user", "integration"},
    p.can_record_assessment: {"clinician", "physio", "nutritionist", "psychologist"},
}


@pytest.mark.parametrize("predicate", list(TABLE), ids=lambda f: f.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_role_on_own_case(request, case, predicate, role):
    user = request.getfixturevalue(role)
    assert predicate(user, case) is (role in TABLE[predicate])


@pytest.mark.parametrize("predicate", list(TABLE), ids=lambda f: f.__name__)
def test_nobody_off_the_care_team_may_do_anything(case, outsider, predicate):
    assert predicate(outsider, case) is False


@pytest.mark.parametrize("predicate", list(TABLE), ids=lambda f: f.__name__)
def test_anonymous_and_inactive_users_may_do_nothing(case, clinician, predicate):
    from django.contrib.auth.models import AnonymousUser

    assert predicate(AnonymousUser(), case) is False
    assert predicate(None, case) is False
    clinician.is_active = False
    case.__dict__.pop("_role_cache", None)
    assert predicate(clinician, case) is False


def test_superuser_gets_nothing_from_being_superuser(case, db):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert not p.can_view_case(admin, case)


def test_athlete_role_on_someone_elses_case_sees_no_clinical_data(case, db):
    """An athlete login put on a case that is not theirs gets no clinical view and cannot log."""
    from athletes.models import CareTeamMember
    from tests.factories import UserFactory

    other = UserFactory(username="not-the-athlete", kind="athlete")
    CareTeamMember.objects.create(case=case, user=other, role="athlete")
    assert p.can_view_case(other, case)
    assert not p.can_view_clinical(other, case)
    assert not p.can_log_for(other, case)


def test_nutritionist_and_psychologist_record_only_their_own_tests(
    case, nutritionist, psychologist
):
    assert p.can_record_assessment(nutritionist, case, "bone_health_cra")
    assert not p.can_record_assessment(nutritionist, case, "single_leg_hop")
    assert p.can_record_assessment(psychologist, case, "readiness_iprrs")
    assert not p.can_record_assessment(psychologist, case, "bone_health_cra")


def test_nutritionist_sees_own_assessments_only(case, nutritionist, clinician):
    assert p.can_view_assessment(nutritionist, case, assessed_by_id=nutritionist.pk)
    assert not p.can_view_assessment(nutritionist, case, assessed_by_id=clinician.pk)
    assert p.can_view_assessment(clinician, case, assessed_by_id=nutritionist.pk)


def test_case_for_user_is_404_for_outsiders_and_for_missing_cases(case, clinician, outsider):
    from django.http import Http404

    assert case_for_user(clinician, case.pk) == case
    with pytest.raises(Http404):
        case_for_user(outsider, case.pk)
    with pytest.raises(Http404):
        case_for_user(clinician, 999_999)


def test_annotated_cases_answer_roles_without_queries(case, clinician, django_assert_num_queries):
    cases = list(cases_for_user(clinician))
    with django_assert_num_queries(0):
        assert p.can_edit_plan(clinician, cases[0])


def test_object_permissions_come_only_from_the_predicates(case, clinician):
    """No authentication backend answers object permissions: every check asks the predicates."""
    assert not clinician.has_perm("athletes.view_case", case)
    assert p.can_view_case(clinician, case)


# the clinic's pages: kind -> allowed, for the predicates decided by the person's kind
KIND_TABLE = {
    p.can_open_case: {"clinician", "physio"},
    p.can_share_contact: {"clinician", "physio"},
    p.can_use_account_pages: set(ROLES) - {"integration"},
    p.can_use_clinic: {"clinician", "physio", "nutritionist", "psychologist"},
    p.can_use_coach_pages: {"coach"},
}


@pytest.mark.parametrize("predicate", list(KIND_TABLE), ids=lambda f: f.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_kind_predicates(request, predicate, role):
    user = request.getfixturevalue(role)
    assert predicate(user) is (role in KIND_TABLE[predicate])


@pytest.mark.parametrize("role", ROLES)
def test_the_clinic_case_page_is_for_clinical_viewers_and_assessors(request, case, role):
    """Clinic staff on the case; not the athlete, whose own record is on their pages (/me/)."""
    user = request.getfixturevalue(role)
    expected = role in {"clinician", "physio", "nutritionist", "psychologist"}
    assert p.can_open_clinic_case_page(user, case) is expected
    assert p.is_bone_health_reviewer(user, case) is (role == "nutritionist")
    assert p.can_view_own_assessments(user, case) is (role in {"nutritionist", "psychologist"})


def test_nobody_off_the_care_team_has_the_clinic_case_page(case, outsider):
    assert not p.can_open_clinic_case_page(outsider, case)
