"""The new athlete and case page: one form, one transaction, what the risk factors imply."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from athletes.models import Athlete, CareTeamMember, Case
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.views import case_new as views
from rehab.errors import ApplicationError
from tests.factories import AthleteFactory, CaseFactory

from .test_forms import NEW_CASE


def _expected_next(case: Case) -> str:
    try:
        return reverse("plans:builder", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        return reverse("clinic:case", kwargs={"case_id": case.pk})


def test_a_new_athlete_and_case_are_opened_and_the_plan_builder_is_next(client, clinician, frozen):
    client.force_login(clinician)
    response = client.post(
        reverse("clinic:case_new"), {**NEW_CASE, "site": "navicular", "grading_system": "arendt"}
    )
    case = Case.objects.get(athlete__first_name="Ada", athlete__last_name="Quinn")
    assert response.status_code == 302 and response.url == _expected_next(case)
    assert case.risk == "high" and case.grade == 2 and case.created_by == clinician
    member = CareTeamMember.objects.get(case=case)
    assert member.user == clinician and member.role == "lead_clinician"


def test_a_low_risk_site_can_be_raised_to_high(client, clinician, frozen):
    client.force_login(clinician)
    client.post(reverse("clinic:case_new"), {**NEW_CASE, "raise_risk": "on"})
    assert Case.objects.get(athlete__first_name="Ada", athlete__last_name="Quinn").risk == "high"


def test_an_existing_athlete_of_mine_gets_a_second_case(client, case, clinician, frozen):
    client.force_login(clinician)
    athletes = Athlete.objects.count()
    data = {
        **NEW_CASE,
        "athlete_mode": "existing",
        "existing_athlete": case.athlete.pk,
        "first_name": "",
        "last_name": "",
        "site": "fibula",
        "grading_system": "arendt",  # Fredericson is a tibial scale
    }
    response = client.post(reverse("clinic:case_new"), data)
    assert response.status_code == 302
    assert Athlete.objects.count() == athletes
    assert case.athlete.cases.count() == 2


def test_somebody_elses_athlete_cannot_be_picked(client, clinician, frozen):
    stranger = AthleteFactory()
    CaseFactory(athlete=stranger)
    client.force_login(clinician)
    data = {**NEW_CASE, "athlete_mode": "existing", "existing_athlete": stranger.pk}
    response = client.post(reverse("clinic:case_new"), data)
    assert response.status_code == 400
    assert stranger.cases.count() == 1


def test_nothing_is_half_saved_when_the_case_is_refused(client, clinician, frozen, monkeypatch):
    def refuse(**kwargs):
        raise ApplicationError("Refused.", {"site": "Not this site, for the test."})

    monkeypatch.setattr(views, "case_open", refuse)
    client.force_login(clinician)
    before = Athlete.objects.count()
    response = client.post(reverse("clinic:case_new"), NEW_CASE)
    assert response.status_code == 400
    assert "Not this site, for the test." in response.content.decode()
    assert Athlete.objects.count() == before  # the athlete created first was rolled back


def test_a_service_error_on_a_field_shows_on_that_field(client, clinician, frozen, monkeypatch):
    def refuse(**kwargs):
        raise ApplicationError("Bad.", {"vitamin_d_nmol_l": "Check the unit."})

    monkeypatch.setattr(views, "case_open", refuse)
    client.force_login(clinician)
    response = client.post(reverse("clinic:case_new"), NEW_CASE)
    form = response.context["form"]
    assert form.errors["vitamin_d_nmol_l"] == ["Check the unit."]


def test_an_invalid_form_keeps_what_was_typed_and_saves_nothing(client, clinician, frozen):
    client.force_login(clinician)
    before = (Athlete.objects.count(), Case.objects.count())
    response = client.post(reverse("clinic:case_new"), {**NEW_CASE, "last_name": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Ada"' in html and "Required for a new athlete." in html
    assert (Athlete.objects.count(), Case.objects.count()) == before


def test_preview_shows_the_implications_without_saving(client, clinician, frozen):
    client.force_login(clinician)
    before = (Athlete.objects.count(), Case.objects.count())
    data = {**NEW_CASE, "site": "navicular", "grade": "3", "red_s_screen": "positive"}
    response = client.post(reverse("clinic:case_new"), {**data, "preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "High risk for healing complications" in html
    assert "Refer to the nutritionist" in html
    assert "errorlist" not in html
    # (the fixtures' athletes have random names: one may be a Quinn too)
    assert (Athlete.objects.count(), Case.objects.count()) == before


def test_the_implications_follow_the_form_as_it_is_filled_in(client, clinician):
    client.force_login(clinician)
    url = reverse("clinic:case_implications")
    low = client.get(url, {"site": "posteromedial_tibia", "red_s_screen": "negative"})
    assert "Low risk" in low.content.decode()
    assert "Standard progression" in low.content.decode()
    high = client.get(url, {"site": "navicular", "grade": "4"}).content.decode()
    assert "High risk" in high and "clinician sign-off" in high and "Grade 4" in high
    assert "Choose the injury site" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "titles"),
    [
        ({"site": "navicular"}, ["High risk for healing complications (a high-risk site)"]),
        (
            {"site": "fibula", "raise_risk": "on"},
            ["High risk for healing complications (chosen by the clinician)"],
        ),
        ({"site": "fibula", "grade": "3", "red_s_screen": "negative"}, ["Grade 3"]),
        (
            {"site": "fibula", "red_s_screen": "positive"},
            ["Bone-health risk factors", "Refer to the nutritionist"],
        ),
        (
            {"site": "fibula", "menstrual_status": "amenorrhea", "red_s_screen": "negative"},
            ["Bone-health risk factors", "Refer to the nutritionist"],
        ),
        (
            {"site": "fibula", "vitamin_d_nmol_l": "50", "red_s_screen": "negative"},
            ["Refer to the nutritionist"],
        ),
        ({"site": "sacrum", "red_s_screen": "negative"}, ["Trabecular site"]),
        ({"site": "fibula"}, ["RED-S / Triad screen not done"]),
        ({"site": "fibula", "red_s_screen": "negative"}, ["Standard progression"]),
    ],
)
def test_implications(db, data, titles):
    found = clinic.case_implications(data, suggest=False)
    got = [item.title for item in found.items]
    for title in titles:
        assert any(g.startswith(title) for g in got), got
    assert clinic.case_implications({"site": "nowhere"}) is None


def test_the_suggested_templates_put_the_conservative_one_first_with_risk_factors(db, clinician):
    from .conftest import published_template

    published_template(clinician, slug="plain")
    conservative = published_template(clinician, slug="careful")
    type(conservative).objects.filter(pk=conservative.pk).update(conservative=True)
    data = {"site": "posteromedial_tibia", "red_s_screen": "positive"}
    assert clinic.case_implications(data).templates[0].slug == "careful"
    data = {"site": "posteromedial_tibia", "red_s_screen": "negative"}
    assert clinic.case_implications(data).templates[0].slug == "plain"
