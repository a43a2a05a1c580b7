"""Validation of the clinic's forms: new case, filters, assessments, decisions, flags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.http import QueryDict

from athletes.forms import NewCaseForm
from athletes.models import Athlete, Team
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.forms import (
    AssessmentForm,
    CaseFilterForm,
    DecisionForm,
    FlagResolveForm,
)
from tests.factories import AthleteFactory, CaseFactory

from .conftest import TODAY, raise_red_flag

NEW_CASE = {
    "athlete_mode": "new",
    "first_name": "Ada",
    "last_name": "Quinn",
    "sex": "female",
    "site": "posteromedial_tibia",
    "side": "left",
    "grade": "2",
    "grading_system": "fredericson",
    "imaging": "mri",
    "diagnosed_on": "2026-11-10",
    "red_s_screen": "negative",
    "menstrual_status": "regular",
    "prior_bsi_count": "0",
}


def new_case_form(data, athletes=None, teams=None):
    return NewCaseForm(
        data,
        athletes=athletes if athletes is not None else Athlete.objects.none(),
        teams=teams if teams is not None else Team.objects.none(),
        today=TODAY,
    )


# --- new athlete and case ------------------------------------------------------------------------


def test_a_complete_new_case_is_valid_and_splits_into_athlete_and_case(db):
    form = new_case_form({**NEW_CASE, "vitamin_d_nmol_l": "62.5", "raise_risk": "on"})
    assert form.is_valid(), form.errors
    assert form.athlete_data()["first_name"] == "Ada"
    case = form.case_data()
    assert case["grade"] == 2 and str(case["vitamin_d_nmol_l"]) == "62.5"
    assert case["risk"] == "high"  # raised by the clinician


def test_the_risk_follows_the_site_unless_raised(db):
    form = new_case_form(NEW_CASE)
    assert form.is_valid()
    assert form.case_data()["risk"] is None  # case_open takes the site's class


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Required for a new athlete."),
        ({"last_name": "  "}, "last_name", "Required for a new athlete."),
        ({"site": ""}, "site", "This field is required."),
        ({"site": "elbow"}, "site", "Select a valid choice."),
        ({"diagnosed_on": ""}, "diagnosed_on", "This field is required."),
        ({"diagnosed_on": "2026-11-21"}, "diagnosed_on", "cannot be in the future"),
        ({"imaging_on": "2027-01-01"}, "imaging_on", "cannot be in the future"),
        ({"date_of_birth": "2026-11-20"}, "date_of_birth", "must be in the past"),
        ({"grade": "6"}, "grade", "Select a valid choice."),
        ({"vitamin_d_nmol_l": "501"}, "vitamin_d_nmol_l", "less than or equal to 500"),
        ({"vitamin_d_nmol_l": "-1"}, "vitamin_d_nmol_l", "greater than or equal to 0"),
        ({"prior_bsi_count": "-1"}, "prior_bsi_count", "greater than or equal to 0"),
        ({"red_s_screen": "maybe"}, "red_s_screen", "Select a valid choice."),
        ({"athlete_mode": "existing"}, "existing_athlete", "Choose the athlete."),
    ],
)
def test_new_case_errors_name_the_field(db, change, field, message):
    form = new_case_form({**NEW_CASE, **change})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_an_existing_athlete_must_be_one_of_mine(db):
    mine, theirs = AthleteFactory(), AthleteFactory()
    data = {**NEW_CASE, "athlete_mode": "existing", "first_name": "", "last_name": ""}
    ok = new_case_form({**data, "existing_athlete": mine.pk}, Athlete.objects.filter(pk=mine.pk))
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["existing_athlete"] == mine
    bad = new_case_form({**data, "existing_athlete": theirs.pk}, Athlete.objects.filter(pk=mine.pk))
    assert not bad.is_valid() and "existing_athlete" in bad.errors


def test_a_new_athlete_ignores_a_chosen_existing_athlete(db):
    mine = AthleteFactory()
    form = new_case_form({**NEW_CASE, "existing_athlete": mine.pk}, Athlete.objects.all())
    assert form.is_valid() and form.cleaned_data["existing_athlete"] is None


def test_sites_are_grouped_by_risk(db):
    html = str(new_case_form(None)["site"])
    assert '<optgroup label="High risk for healing complications">' in html
    assert html.index("Navicular") < html.index("Low risk") < html.index("Posteromedial tibia")


# --- case list filters ---------------------------------------------------------------------------


def test_filters_default_to_active_cases(db):
    assert CaseFilterForm(QueryDict("")).filters() == {
        "status": "active",
        "flag_kind": "",
        "team_id": None,
        "search": "",
    }


def test_filters_parse_and_ignore_nonsense(db):
    team = Team.objects.create(name="Harriers")
    data = QueryDict(f"status=all&flag=red_flag&team={team.pk}&q=+ada+")
    assert CaseFilterForm(data, teams=[team]).filters() == {
        "status": "",
        "flag_kind": "red_flag",
        "team_id": team.pk,
        "search": "ada",
    }
    form = CaseFilterForm(QueryDict("status=nope&flag=lol&team=x"), teams=[team])
    assert form.filters()["flag_kind"] == "" and form.filters()["team_id"] is None
    assert form.filters()["status"] == "active"


# --- assessments ---------------------------------------------------------------------------------


def test_assessment_form_offers_only_the_allowed_tests(db):
    form = AssessmentForm(tests=["bone_health_cra"], today=TODAY)
    assert [c for c, _ in form.fields["test"].choices] == ["bone_health_cra"]
    assert form.ranges == [("Triad cumulative risk score (0–12)", 0, 12, True)]
    form = AssessmentForm(
        {"test": "tsk11", "value": "20", "date": "2026-11-20"},
        tests=["bone_health_cra"],
        today=TODAY,
    )
    assert not form.is_valid() and "test" in form.errors


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": ""}, "value"),
        ({"value": "ten"}, "value"),
        ({"pain": "11"}, "pain"),
        ({"pain": "-1"}, "pain"),
        ({"date": ""}, "date"),
        ({"test": "vo2max"}, "test"),
    ],
)
def test_assessment_form_errors(db, change, field):
    data = {"test": "single_leg_hop", "value": "12", "pain": "1", "date": "2026-11-20", **change}
    form = AssessmentForm(data, today=TODAY)
    assert not form.is_valid() and field in form.errors


# --- flags ---------------------------------------------------------------------------------------


def test_resolving_a_flag_needs_a_note(db):
    assert not FlagResolveForm({"resolution": "   "}).is_valid()
    assert FlagResolveForm({"resolution": "   "}).errors["resolution"] == [
        "Say how the flag was resolved."
    ]
    assert FlagResolveForm({"resolution": "Reviewed in clinic; no bone pain."}).is_valid()


# --- decisions -----------------------------------------------------------------------------------


@pytest.fixture
def page(case, plan, team):
    raise_red_flag(case, team["clinician"])
    from athletes.selectors import case_for_user

    viewed = case_for_user(team["clinician"], case.pk)
    return clinic.case_page(team["clinician"], viewed, today=TODAY, with_charts=False)


def decision(page, **change):
    data = {
        "kind": "hold",
        "reason": "Waiting for the hop test.",
        "effective_on": TODAY.isoformat(),
        "evaluation": page.evaluation_token,
        "expected_phase_id": page.phase.pk,
        **change,
    }
    return DecisionForm(data, page=page)


def test_a_hold_with_a_reason_is_valid_and_carries_the_shown_evaluation(page):
    form = decision(page)
    assert form.is_valid(), form.errors
    assert form.shown_evaluation == page.evaluation.to_dict()
    assert form.to_phase_obj() is None


def test_the_decision_offers_what_the_phase_allows(page):
    form = DecisionForm(page=page)
    assert [c for c, _ in form.fields["kind"].choices] == ["advance", "regress", "hold"]
    first = page.phases[0]
    assert form.fields["to_phase"].choices == [(first.pk, f"1. {first.name}")]
    assert form.fields["to_phase"].initial == first.pk  # the regression flag's proposal
    assert form.fields["expected_phase_id"].initial == page.phase.pk


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": ""}, "reason", "Give a reason for the decision."),
        ({"kind": ""}, "kind", "This field is required."),
        ({"kind": "complete"}, "kind", "Select a valid choice."),  # not the last phase
        ({"kind": "start"}, "kind", "Select a valid choice."),
        ({"kind": "regress", "to_phase": ""}, "to_phase", "Choose the phase to step back to."),
        ({"kind": "advance"}, "override", "tick this box"),
        ({"effective_on": "2026-11-21"}, "effective_on", "cannot take effect in the future"),
        ({"expected_phase_id": ""}, "expected_phase_id", "This field is required."),
        ({"evaluation": ""}, "evaluation", "The evaluation shown is missing; reload the page."),
    ],
)
def test_decision_errors_name_the_field(page, change, field, message):
    form = decision(page, **change)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field]), form.errors


def test_stepping_back_is_only_to_an_earlier_phase(page):
    later = page.later_phases[0]
    form = decision(page, kind="regress", to_phase=later.pk)
    assert not form.is_valid() and "Select a valid choice" in form.errors["to_phase"][0]
    form = decision(page, kind="regress", to_phase=page.phases[0].pk)
    assert form.is_valid(), form.errors
    assert form.to_phase_obj() == page.phases[0]


def test_advancing_against_the_recommendation_needs_the_box_ticked(page):
    assert not page.evaluation.ready
    assert decision(page, kind="advance", override="on").is_valid()


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"case": 1, "phase": 1, "evaluation": {}}, salt="another salt"),
    ],
)
def test_a_forged_evaluation_is_refused(page, token):
    form = decision(page, evaluation=token)
    assert not form.is_valid()
    assert "could not be read" in form.non_field_errors()[0]


def test_an_evaluation_of_another_case_or_phase_is_refused(page, case):
    other = CaseFactory()
    token = clinic.sign_evaluation(other, page.phase, page.evaluation)
    assert "could not be read" in decision(page, evaluation=token).non_field_errors()[0]
    form = decision(page, expected_phase_id=page.phases[0].pk)
    assert "out of date" in form.non_field_errors()[0]


def test_an_evaluation_older_than_a_day_is_refused(page):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 21, 13, 0, tzinfo=dt.UTC), tick=False):
        form = decision(page, effective_on="2026-11-20")
        assert not form.is_valid()
    assert "more than a day old" in form.non_field_errors()[0]
