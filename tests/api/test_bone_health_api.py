"""The bone-health API (issue 29): a case's bone health, REDs screens and the clearance
decision, cycle entries, guardian fields. Anonymous, entitled, not entitled; bad input 400."""

from __future__ import annotations

import datetime as dt

import pytest

from athletes.models import CycleConsent, PeriodStart
from monitoring.care import services as care_services

pytestmark = pytest.mark.django_db

MAN = {
    "clinical_low_testosterone": False,
    "subclinical_low_testosterone": True,
    "low_t3": False,
    "bsi_history": False,
    "low_bmd": False,
    "eating_disorder": False,
    "low_libido": False,
    "low_ea": False,
    "one_low_risk_bsi": False,
    "lipids": False,
    "iron_deficiency": False,
    "mood": False,
    "red_findings": False,
}


@pytest.fixture
def man(case):
    case.athlete.sex = "male"
    case.athlete.guardian_name = "Gwen Guardian-Marker"
    case.athlete.save()
    return case


def test_a_man_s_screen_holds_impact_until_the_decision(api, man, clinician, clock):
    url = f"/api/v1/bone-health/{man.pk}/"
    assert api().get(url).status_code == 401
    screen = api(clinician).post(
        url + "reds-screens/", {"date": str(clock), "answers": MAN}, format="json"
    )
    assert screen.status_code == 201, screen.json()
    assert screen.json()["light"] == "yellow" and screen.json()["test"] == "reds_screen"
    status = api(clinician).get(url).json()
    assert status["impact_held"] is True and status["hold_since"] == str(clock)

    bad = api(clinician).post(url + "decision/", {"decision": "impact"}, format="json")
    assert bad.status_code == 400 and {"decided_on", "reason"} <= set(bad.json()["errors"])
    late = {"decision": "impact", "decided_on": str(clock + dt.timedelta(days=3)), "reason": "x"}
    assert api(clinician).post(url + "decision/", late, format="json").status_code == 400
    ok = {"decision": "impact", "decided_on": str(clock), "reason": "Testosterone normal."}
    done = api(clinician).post(url + "decision/", ok, format="json")
    assert done.status_code == 200 and done.json()["impact_held"] is False


def test_bad_answers_are_400_and_partial_answers_incomplete(api, man, clinician, clock):
    url = f"/api/v1/bone-health/{man.pk}/reds-screens/"
    bad = api(clinician).post(url, {"date": str(clock), "answers": {"nope": True}}, format="json")
    assert bad.status_code == 400 and "answers" in bad.json()["errors"]
    partial = api(clinician).post(
        url, {"date": str(clock), "answers": {"low_t3": False}}, format="json"
    )
    assert partial.status_code == 201 and partial.json()["light"] == "incomplete"


def test_who_reads_it(api, man, clinician, coach, nutritionist, athlete_user, clock):
    url = f"/api/v1/bone-health/{man.pk}/"
    care_services.reds_cat2_record(case=man, by=clinician, date=clock, answers=MAN)
    care_services.bone_health_decision_record(
        case=man, by=clinician, decision="hold", decided_on=clock, reason="Reason-Marker"
    )
    assert api(coach).get(url).status_code == 403
    assert api(athlete_user).get(url).status_code == 403
    seen = api(nutritionist).get(url).json()
    assert seen["decision_reason"] == "" and seen["screens"] == []  # not their assessment
    assert api(clinician).get(url).json()["decision_reason"] == "Reason-Marker"
    assert api(nutritionist).post(url + "decision/", {}, format="json").status_code == 403
    # guardian details: the clinical view of the athlete only, never a coach's
    athletes = str(api(coach).get("/api/v1/athletes/").json())
    assert "Guardian-Marker" not in athletes
    assert "Guardian-Marker" in str(api(clinician).get("/api/v1/athletes/").json())


def test_cycle_entries_are_the_athlete_s_with_consent(
    api, case, clinician, coach, athlete_user, clock
):
    url = "/api/v1/cycle-entries/"
    day = {"started_on": str(clock - dt.timedelta(days=20))}
    assert api(athlete_user).post(url, day, format="json").status_code == 400  # consent off
    assert api(clinician).post(url, day, format="json").status_code == 403
    care_services.cycle_consent_set(athlete=case.athlete, by=athlete_user, given=True)
    assert api(athlete_user).post(url, day, format="json").status_code == 201
    assert api(athlete_user).post(url, day, format="json").status_code == 200  # the same day
    assert api(athlete_user).post(url, {"started_on": "soon"}, format="json").status_code == 400
    assert PeriodStart.objects.count() == 1
    assert api(clinician).get(url).json()["count"] == 1
    assert api(coach).get(url).json()["count"] == 0
    entry = PeriodStart.objects.get()
    assert api(clinician).delete(f"{url}{entry.pk}/").status_code == 403
    CycleConsent.objects.update(given=False)
    assert api(clinician).get(url).json()["count"] == 0  # consent off: hidden
    assert api(athlete_user).get(url).json()["count"] == 0
