"""The nutritionist's energy-availability / bone-health review: a Triad cumulative risk
assessment whose total feeds the bone-health criterion of the plan; sleep beside pain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.care import rules as care_rules
from monitoring.evaluation import selectors
from monitoring.ingest.items import daily_log_record
from monitoring.models import Assessment
from protocols.engine.gating import evaluate
from protocols.library import get_template

from .conftest import TODAY

pytestmark = pytest.mark.django_db

# The bone-health criterion as the shipped conservative tibia template has it.
BONE_HEALTH = next(
    item
    for phase in get_template("tibia-low-risk-conservative")["phases"]
    for item in phase["advance_when"]
    if item.get("test") == "bone_health_cra"
)


def test_the_score_follows_de_souza_2014():
    # One item scored is not a clearance: the score is incomplete (clinical.md §11).
    assert care_rules.triad_cra({"energy": 1}).clearance == "incomplete"
    result = care_rules.triad_cra(
        {"energy": 1, "bmi": 1, "menarche": 0, "menses": 2, "bmd": 0, "bsi": 1}
    )
    assert (result.total, result.clearance) == (5, "provisional")
    assert care_rules.triad_cra(dict.fromkeys(care_rules.CRA_COMPONENTS, 1)).clearance == (
        "restricted"
    )
    with pytest.raises(ValueError):
        care_rules.triad_cra({"energy": 3})


def test_the_nutritionist_records_a_review_that_feeds_the_criterion(client, case, team, plan):
    client.force_login(team["nutritionist"])
    response = client.post(
        reverse("care:bone_health_new", kwargs={"case_id": case.pk}),
        {
            "date": TODAY.isoformat(),
            "energy": "1",
            "bmi": "0",
            "menarche": "0",
            "menses": "1",
            "bmd": "0",
            "bsi": "1",
            "vitamin_d_nmol_l": "62",
            "calcium_mg": "800",
            "intake_concerns": "Skips breakfast before training",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(test="bone_health_cra")
    assert assessment.value == 3 and assessment.assessed_by == team["nutritionist"]
    assert "25(OH)D 62 nmol/L — below 75" in assessment.notes
    case.refresh_from_db()
    assert case.menstrual_status == "oligomenorrhea" and float(case.vitamin_d_nmol_l) == 62
    # The record of changes names the nutritionist and the review, not a later editor.
    change = case.history.get(history_change_reason="Bone-health review recorded")
    assert change.history_user == team["nutritionist"] and float(change.vitamin_d_nmol_l) == 62
    # The shipped templates' bone-health criterion reads it through the evaluation: met (3 ≤ 5).
    phase = plan.current_phase
    phase.advance_when = [BONE_HEALTH]
    phase.save()
    ctx = selectors.case_snapshot(case.pk, TODAY)
    result = evaluate(ctx.spec, ctx.snapshot, TODAY)
    (bone,) = [r for r in result.advance if r.kind == "assessment"]
    assert bone.met is True and bone.observed == 3


def test_a_review_without_a_score_is_a_400(client, case, team, plan):
    client.force_login(team["nutritionist"])
    response = client.post(
        reverse("care:bone_health_new", kwargs={"case_id": case.pk}),
        {"date": TODAY.isoformat(), "energy": "", "vitamin_d_nmol_l": "-3"},
    )
    assert response.status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role", ["coach", "psychologist", "athlete"])
def test_others_do_not_record_it(role, client, case, team, plan):
    client.force_login(team[role])
    response = client.post(
        reverse("care:bone_health_new", kwargs={"case_id": case.pk}),
        {"date": TODAY.isoformat(), "energy": "1"},
    )
    assert response.status_code == 403


def test_sleep_is_charted_beside_pain_for_clinical_viewers(client, case, team, plan):
    for n in range(5):
        daily_log_record(
            athlete=case.athlete,
            date=TODAY - dt.timedelta(days=n),
            submitted_by=team["athlete"],
            fields={"sleep_hours": 6 + n, "pain_during": n},
            today=TODAY,
        )
    client.force_login(team["clinician"])
    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "Sleep and pain" in html and "Sleep (hours)" in html
    client.force_login(team["coach"])
    html = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "Sleep (hours)" not in html
