"""Sites and their risk (issue 22, items 5 and 6): the patella and both sides of the femoral neck
are high risk, and the femoral neck's findings and orthopaedic decision reach the rules.

Sources (clinical.md §11): Robertson & Wood, "Lower limb stress fractures in sport", World J
Orthop 2017;8:242-55 (patella, high risk); Robertson & Wood, "Femoral neck stress fractures in
sport", Sports Med Int Open 2017;1:E58-68 (both sides high-risk pain rules; tension side no
weight bearing beyond touch-down before an orthopaedic decision; a fracture line over 50% of the
neck or an effusion: urgent referral).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from monitoring.care import services as care_services
from monitoring.models import Flag
from protocols.selectors import templates_for_case
from rehab.errors import ApplicationError

from . import helpers_b as h

pytestmark = pytest.mark.django_db

DIAGNOSED = dt.date(2026, 11, 2)
STARTED = dt.date(2026, 11, 3)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def dr():
    return h.clinician()


def test_a_patella_is_a_high_risk_site_and_rest_pain_is_a_red_flag(dr):
    """Diagnosed 2 Nov, a patella BSI is high risk: only high-risk plans are offered, and on 20
    Nov rest pain 1/10 raises a red flag, not an ordinary step back. (Before: "patella" was not a
    site; it became "other", low risk.)"""
    case = h.open_case(dr, "patella", diagnosed_on=DIAGNOSED, grading_system="arendt", grade=2)
    assert case.risk == "high"
    suggested = templates_for_case(case)
    assert suggested and all(t.risk == "high" for t in suggested)
    assert suggested[0].slug == "high-risk-general"
    h.start_plan(case, dr, "high-risk-general", STARTED)
    h.log(case, TODAY, dr, pain_rest=1, pain_character="dull", night_pain=False)

    evaluation = h.evaluate(case, TODAY)

    assert [r.kind for r in evaluation.red_flags] == ["pain_above"]
    assert Flag.objects.filter(case=case, kind="red_flag", status="open").exists()


def test_the_compression_side_of_the_femoral_neck_gets_the_high_risk_pain_rules(dr):
    """Compression side, plan started 3 Nov: on 20 Nov the athlete logs rest pain 1/10. A
    displaced femoral-neck fracture can mean avascular necrosis: a red flag for the clinician,
    not the ordinary step back it raised when the site was classed low risk."""
    case = h.open_case(dr, "femoral_neck_compression", diagnosed_on=DIAGNOSED)
    assert case.risk == "high"
    h.start_plan(case, dr, "femoral-neck", STARTED)
    h.log(case, TODAY, dr, pain_rest=1, night_pain=False)

    evaluation = h.evaluate(case, TODAY)

    assert "red_flag" in evaluation.flags
    assert any(r.kind == "pain_above" and r.red_flag for r in evaluation.fired)


def test_tension_side_weight_bearing_beyond_touch_down_waits_for_the_orthopaedic_decision(dr):
    """Tension side, plan started 3 Nov; from 10 Nov the athlete is in touch-down weight bearing,
    pain-free. On 20 Nov every other criterion of the phase is met, but the next phase is full
    weight bearing and no orthopaedic decision is recorded: not ready. A physiotherapist may not
    record it; once the clinician records a conservative decision on 20 Nov, it is met."""
    case = h.open_case(dr, "femoral_neck_tension", diagnosed_on=DIAGNOSED)
    plan = h.start_plan(case, dr, "femoral-neck", STARTED)
    touch_down = h.phase(plan, 2)
    assert touch_down.weight_bearing == "tdwb" and h.phase(plan, 3).weight_bearing == "fwb"
    assert "orthopaedic_decision" in h.kinds(touch_down.advance_when)
    assert "orthopaedic_decision" not in h.kinds(h.phase(plan, 1).advance_when)  # NWB → TDWB

    h.move_to(plan, 2, dt.date(2026, 11, 5))
    for day in range(7):
        h.log(
            case,
            TODAY - dt.timedelta(days=day),
            dr,
            pain_rest=0,
            pain_during=0,
            pain_after=0,
            pain_next_morning=0,
            night_pain=False,
            pain_character="none",
        )
    touch_down.refresh_from_db()
    from protocols import services as plan_services

    plan_services.phase_sign_off(phase=touch_down, signed_by=dr, on=TODAY)

    before = h.evaluate(case, TODAY)
    (gate,) = [r for r in before.advance if r.kind == "orthopaedic_decision"]
    assert gate.met is False and not before.ready
    assert [r.kind for r in before.advance if r.met is not True] == ["orthopaedic_decision"]

    physio = h.member(case, "sam_b", "physio", "physio")
    with pytest.raises(ApplicationError):
        care_services.femoral_neck_record(
            case=case, by=physio, ortho_decision="conservative", decided_on=TODAY, today=TODAY
        )
    care_services.femoral_neck_record(
        case=case, by=dr, ortho_decision="conservative", decided_on=TODAY, today=TODAY
    )
    case.refresh_from_db()
    assert (case.ortho_decision, case.ortho_decision_by, case.ortho_decision_on) == (
        "conservative",
        dr,
        TODAY,
    )

    after = h.evaluate(case, TODAY)
    (gate,) = [r for r in after.advance if r.kind == "orthopaedic_decision"]
    assert gate.met is True and after.ready


@pytest.mark.parametrize("slug", ["femoral-neck", "high-risk-general"])
def test_a_wide_fracture_line_or_an_effusion_is_a_red_flag_whatever_the_template(dr, slug):
    """Tension side, plan started 3 Nov from either template that lists the site. No pain at all;
    on 20 Nov the clinician records a fracture line across 60% of the neck width: a red flag for
    urgent referral. An effusion alone does the same."""
    case = h.open_case(dr, "femoral_neck_tension", diagnosed_on=DIAGNOSED)
    h.start_plan(case, dr, slug, STARTED)
    h.log(case, TODAY, dr, pain_rest=0, night_pain=False)
    assert "red_flag" not in h.evaluate(case, TODAY).flags

    care_services.femoral_neck_record(
        case=case, by=dr, fracture_line_percent=60, effusion=False, today=TODAY
    )
    evaluation = h.evaluate(case, TODAY)

    (finding,) = [r for r in evaluation.red_flags if r.kind == "femoral_neck_findings"]
    assert "60% of the neck width" in finding.sentence and "urgent" in finding.sentence
    flag = Flag.objects.get(case=case, kind="red_flag", status="open")
    assert "urgent orthopaedic referral" in flag.message

    other = h.open_case(dr, "femoral_neck_tension", diagnosed_on=DIAGNOSED)
    h.start_plan(other, dr, slug, STARTED)
    care_services.femoral_neck_record(case=other, by=dr, effusion=True, today=TODAY)
    assert any(r.kind == "femoral_neck_findings" for r in h.evaluate(other, TODAY).red_flags)


def test_findings_out_of_range_are_field_errors(dr):
    case = h.open_case(dr, "femoral_neck_tension", diagnosed_on=DIAGNOSED)
    with pytest.raises(ApplicationError) as err:
        care_services.femoral_neck_record(
            case=case, by=dr, fracture_line_percent=140, ortho_decision="maybe", today=TODAY
        )
    assert set(err.value.errors) == {"fracture_line_percent", "ortho_decision"}


def test_the_api_records_the_findings_as_the_page_would(client, dr):
    """POST /api/v1/cases/{id}/femoral-neck/: field errors as 400 JSON, a physiotherapist is
    refused (403), the clinician's effusion raises the red flag on 20 Nov."""
    case = h.open_case(dr, "femoral_neck_compression", diagnosed_on=DIAGNOSED)
    h.start_plan(case, dr, "femoral-neck", STARTED)
    url = f"/api/v1/cases/{case.pk}/femoral-neck/"
    physio = h.member(case, "sam_b", "physio", "physio")

    client.force_login(physio)
    assert client.post(url, {"effusion": True}, content_type="application/json").status_code == 403
    client.force_login(dr)
    bad = client.post(url, {"fracture_line_percent": 140}, content_type="application/json")
    assert bad.status_code == 400 and "fracture_line_percent" in bad.json()["errors"]
    no_date = client.post(url, {"ortho_decision": "surgical"}, content_type="application/json")
    assert no_date.status_code == 400 and "decided_on" in no_date.json()["errors"]

    ok = client.post(url, {"effusion": True}, content_type="application/json")

    assert ok.status_code == 200
    assert any(r.kind == "femoral_neck_findings" for r in h.evaluate(case, TODAY).red_flags)


def test_the_case_page_records_the_decision_for_a_femoral_neck_only(client, dr):
    """The clinician's case page of a tension-side case has the findings form; a 17 Nov
    surgical decision posted there reaches the case (and a missing date is a 400 with its
    field). A tibial case's page has no such form."""
    case = h.open_case(dr, "femoral_neck_tension", diagnosed_on=DIAGNOSED)
    h.start_plan(case, dr, "femoral-neck", STARTED)
    client.force_login(dr)
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Femoral neck: findings and orthopaedic decision" in page
    url = reverse("clinic:femoral_neck_new", args=[case.pk])

    missing = client.post(url, {"ortho_decision": "surgical"})
    assert missing.status_code == 400 and "today or earlier" in missing.content.decode()
    done = client.post(url, {"ortho_decision": "surgical", "decided_on": "2026-11-17"})

    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.ortho_decision, case.ortho_decision_on) == ("surgical", dt.date(2026, 11, 17))
    tibia = h.open_case(dr, "posteromedial_tibia", diagnosed_on=DIAGNOSED)
    other = client.get(reverse("clinic:case", args=[tibia.pk])).content.decode()
    assert "Femoral neck: findings" not in other


def test_a_tension_side_case_says_urgent_referral_from_the_first_page(dr, client):
    """The new-case panel, then the case page until the orthopaedic decision is recorded, say
    what the tension side calls for: non-weight-bearing and an urgent orthopaedic referral
    (clinical.md, Medscape). Once the decision is recorded the header no longer asks for it."""
    from monitoring.surfaces.clinic import view_models as clinic

    panel = clinic.case_implications({"site": "femoral_neck_tension"})
    assert any("urgent orthopaedic referral" in i.title for i in panel.items)
    assert not any(
        "urgent orthopaedic referral" in i.title
        for i in clinic.case_implications({"site": "femoral_neck_compression"}).items
    )
    case = h.open_case(dr, "femoral_neck_tension", diagnosed_on=DIAGNOSED)
    client.force_login(dr)
    url = reverse("clinic:case", args=[case.pk])
    assert 'data-testid="ortho-referral"' in client.get(url).content.decode()
    care_services.femoral_neck_record(
        case=case, by=dr, ortho_decision="conservative", decided_on=TODAY, today=TODAY
    )
    assert 'data-testid="ortho-referral"' not in client.get(url).content.decode()
