"""The case page's test battery: one form, one submission; the trend table and chart; who sees
them (issue 28, item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.models import Assessment, BatteryResult, TestBattery

from .conftest import TODAY


@pytest.fixture
def url(case):
    return reverse("clinic:battery_new", args=[case.pk])


def page(client, case) -> str:
    response = client.get(reverse("clinic:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def form(**values) -> dict:
    data = {"date": TODAY.isoformat(), "strength_unit": "N", "notes": ""}
    data.update({k: str(v) for k, v in values.items()})
    return data


def test_one_submission_records_every_test_and_blanks_are_not_recorded(
    client, case, plan, team, url
):
    client.force_login(team["physio"])
    data = form(
        hop_distance_left=110, hop_distance_right=125, hop_distance_pain=1,
        hops_to_pain_left=20, hops_to_pain_right=30, hops_to_pain_pain=2,
        strength_plantarflexors_left=900, strength_plantarflexors_right=1000,
        strength_plantarflexors_pain=0,
        triple_hop_left=330,  # the right leg was not tested: incomplete
        y_balance_anterior_left=60, y_balance_anterior_right=62,
        y_balance_posteromedial_left=95, y_balance_posteromedial_right=100,
        y_balance_posterolateral_left=90, y_balance_posterolateral_right=94,
        limb_length_left_cm=88, limb_length_right_cm=88,
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    battery = TestBattery.objects.get()
    assert battery.involved_side == "left" and battery.assessed_by == team["physio"]
    results = {r.test: r for r in battery.results.all()}
    assert set(results) == {
        "hop_distance", "hops_to_pain", "isometric_strength", "triple_hop",
        "y_balance_anterior", "y_balance_posteromedial", "y_balance_posterolateral",
    }  # fmt: skip
    assert results["hop_distance"].lsi == 88.0
    assert results["isometric_strength"].muscle_group == "plantarflexors"
    assert results["isometric_strength"].unit == "N"
    assert results["triple_hop"].lsi is None
    assert not Assessment.objects.exists()  # nothing typed twice: the rules read the battery

    html = page(client, case)
    panel = html[html.index('id="batteries"') : html.index('id="battery-entry"')]
    assert "Single-leg hop for distance" in panel and "88.0%" in panel
    assert "incomplete</span>" in panel  # the triple hop
    assert "Y-balance composite" in panel  # limb lengths given
    assert "extrapolated from ACL and Achilles practice" in panel
    assert "Limb symmetry index by test" in html  # the chart


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hop_distance_left": -10, "hop_distance_right": 120}, "greater than or equal to 0"),
        ({"hop_distance_left": 100, "hop_distance_right": 120, "hop_distance_pain": 11},
         "less than or equal to 10"),
        ({"hop_distance_pain": 3}, "Record the left side, the right side or both."),
        ({}, "No test was recorded."),
        ({"hop_distance_left": 4000, "hop_distance_right": 120}, "At most 400"),
    ],
)  # fmt: skip
def test_bad_input_is_a_form_error_and_nothing_is_written(
    client, case, plan, team, url, values, message
):
    client.force_login(team["clinician"])
    response = client.post(url, form(**values))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="battery-entry"' in html
    assert TestBattery.objects.count() == 0 and BatteryResult.objects.count() == 0


def test_a_repeated_submission_records_one_battery(client, case, plan, team, url):
    client.force_login(team["clinician"])
    data = form(hop_distance_left=110, hop_distance_right=125)
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400 and "already" in again.content.decode()
    assert TestBattery.objects.count() == 1


def test_the_form_asks_for_the_involved_side_only_when_the_case_side_is_unknown(
    client, case, plan, team, url
):
    client.force_login(team["clinician"])
    assert 'name="involved_side"' not in page(client, case)
    case.side = "bilateral"
    case.save()
    assert 'name="involved_side"' in page(client, case)
    data = form(hop_distance_left=110, hop_distance_right=125)
    assert client.post(url, data).status_code == 400
    assert client.post(url, {**data, "involved_side": "right"}).status_code == 302
    assert TestBattery.objects.get().results.get().lsi == pytest.approx(113.6)


def test_the_single_assessment_form_no_longer_offers_strength_symmetry(client, case, plan, team):
    client.force_login(team["clinician"])
    html = page(client, case)
    entry = html[html.index('id="assessment-entry"') :]
    assert 'value="strength_symmetry"' not in entry[: entry.index("</form>")]
    response = client.post(
        reverse("clinic:assessment_new", args=[case.pk]),
        {"test": "strength_symmetry", "value": "95", "date": TODAY.isoformat()},
    )
    assert response.status_code == 400 and not Assessment.objects.exists()


def test_an_old_typed_strength_symmetry_stays_readable(client, case, plan, team):
    Assessment.objects.create(case=case, date=TODAY, test="strength_symmetry", value=87)
    client.force_login(team["clinician"])
    html = page(client, case)
    assert "Strength limb symmetry (%)" in html[html.index('id="assessments"') :]


@pytest.mark.parametrize("who", ["coach", "nutritionist", "psychologist"])
def test_no_coach_or_other_role_sees_the_battery_or_records_one(client, case, plan, team, url, who):
    TestBattery.objects.create(case=case, date=TODAY, involved_side="left")
    client.force_login(team[who])
    response = client.get(reverse("clinic:case", args=[case.pk]))
    html = response.content.decode() if response.status_code == 200 else ""
    assert 'id="batteries"' not in html and 'id="battery-entry"' not in html
    assert client.post(url, form(hop_distance_left=1, hop_distance_right=2)).status_code in (
        403,
        404,
    )
    assert TestBattery.objects.count() == 1


def test_an_outsider_gets_404(client, case, plan, outsider, url):
    client.force_login(outsider)
    assert client.post(url, form(hop_distance_left=1, hop_distance_right=2)).status_code == 404
