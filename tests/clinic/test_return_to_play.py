"""The return-to-play decision (StARRT: Shrier, BJSM 2015;49:1311; clinical.md §11), as stories
in dates. The clinic's clock is 20 Nov 2026; the case's plan is in its last phase ("Full
return"), started 1 Nov.

The final transition (the plan's completion, the discharge) is refused until a clinician has
recorded the three steps — tissue health, tissue stresses, risk-tolerance modifiers — with a
return decision; the decision then reaches the clearance letter and the FHIR export, and the
coach reads its outcome and restrictions only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.clinicalimpression import ClinicalImpression
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.models import Assessment
from protocols import services as plan_services
from protocols.models import Plan, ReturnDecision
from rehab.errors import ApplicationError
from tests.clinic.test_case_page import _form_data
from tests.return_to_play import STARRT, record_return_decision

from .conftest import STARTED, TODAY, log_days, running_plan

pytestmark = pytest.mark.django_db

SECRET = "TISSUEDETAILZQ"  # in every clinical field of the decision: never on a coach's answer


@pytest.fixture
def last_phase(case, team, frozen):
    """The plan in its last phase since 1 Nov."""
    return running_plan(case, team["clinician"], started_on=STARTED, phase=4)


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _starrt_post(client, case, **changes):
    data = {**STARRT, "cleared_from": TODAY.isoformat(), **changes}
    data = {f"rtp-{k}": v for k, v in data.items() if v is not None}
    return client.post(reverse("clinic:return_decision", args=[case.pk]), data)


def _complete(client, case, html: str):
    data = {
        **_form_data(html),
        "kind": "complete",
        "reason": "Back to full training.",
        "effective_on": TODAY.isoformat(),
        "override": "on",
    }
    return client.post(reverse("clinic:case_decide", args=[case.pk]), data)


def _page(client, case) -> str:
    response = client.get(reverse("clinic:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_completing_the_plan_is_refused_without_the_starrt_record_then_accepted(
    client, case, team, last_phase
):
    """20 Nov: Dana completes the plan without a recorded decision: refused, nothing changes.
    She records the three steps and "return to full play from 20 Nov": the completion stands,
    and the discharge follows without asking for it again."""
    client.force_login(team["clinician"])
    html = _page(client, case)
    assert 'id="rtp-form"' in html and "Step 1: tissue health" in html
    refused = _complete(client, case, html)
    assert refused.status_code == 400
    assert "Record the return-to-play decision (StARRT" in refused.content.decode()
    last_phase.refresh_from_db()
    assert last_phase.status == Plan.Status.ACTIVE

    assert _starrt_post(client, case).status_code == 302
    decision = ReturnDecision.objects.get(case=case)
    assert (decision.decision, decision.cleared_from) == ("full", TODAY)
    assert decision.recorded_by == team["clinician"] and decision.recorded_at is not None
    assert _complete(client, case, _page(client, case)).status_code == 302
    last_phase.refresh_from_db()
    case.refresh_from_db()
    assert last_phase.status == Plan.Status.COMPLETED and case.status == "returned"

    discharge = {
        "discharge-returned_on": TODAY.isoformat(), "discharge-outcome": "full",
        "discharge-summary": "Back to full training.",
    }  # fmt: skip
    response = client.post(reverse("clinic:case_discharge", args=[case.pk]), discharge)
    assert response.status_code == 302
    letter = client.get(reverse("clinic:case_letter", args=[case.pk])).content.decode()
    assert "Return-to-play decision" in letter
    assert "Cleared to return to full training from 20 Nov 2026." in letter
    assert STARRT["reasons"] in letter and "StARRT" in letter


def test_the_discharge_is_refused_without_the_starrt_record(client, case, team, last_phase):
    client.force_login(team["clinician"])
    data = {
        "discharge-returned_on": TODAY.isoformat(), "discharge-outcome": "full",
        "discharge-summary": "Back.",
    }  # fmt: skip
    response = client.post(reverse("clinic:case_discharge", args=[case.pk]), data)
    assert response.status_code == 400
    assert "Record the return-to-play decision (StARRT" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "active" and not case.outcome


def test_the_api_completion_is_refused_without_it(case, team, last_phase):
    body = {"kind": "complete", "reason": "Back.", "effective_on": str(TODAY), "override": True}
    url = f"/api/v1/plans/{last_phase.pk}/transitions/"
    refused = api(team["clinician"]).post(url, body, format="json")
    assert refused.status_code == 400
    assert "StARRT" in refused.json()["errors"]["kind"][0]
    record_return_decision(case, team["clinician"], today=TODAY)
    assert api(team["clinician"]).post(url, body, format="json").status_code == 201


def test_missing_required_steps_are_refused_with_form_errors(client, case, team, last_phase):
    client.force_login(team["clinician"])
    blank = dict.fromkeys(("symptoms", "tenderness", "function_tests", "planned_load"), "")
    response = _starrt_post(client, case, reasons="", level="", **blank)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="errorlist"') >= 6
    assert "Nothing was recorded" in html
    assert not ReturnDecision.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision": "restricted", "restrictions": " "}, "restrictions"),
        ({"cleared_from": None}, "cleared_from"),
        ({"cleared_from": dt.date(2026, 1, 1)}, "cleared_from"),  # before the diagnosis
        ({"season_timing": "whenever"}, "season_timing"),
        ({"decision": "maybe"}, "decision"),
        ({"sport": ""}, "sport"),
    ],
)
def test_a_bad_decision_is_refused_by_field_and_nothing_is_saved(
    case, team, last_phase, changes, field
):
    with pytest.raises(ApplicationError) as refused:
        record_return_decision(case, team["clinician"], today=TODAY, **changes)
    assert field in refused.value.errors
    assert not ReturnDecision.objects.exists()


def test_only_the_case_clinicians_record_it(case, team, last_phase):
    for person in ("coach", "nutritionist", "psychologist", "athlete"):
        with pytest.raises(ApplicationError):
            record_return_decision(case, team[person], today=TODAY)
    assert not ReturnDecision.objects.exists()


def test_not_yet_is_kept_and_does_not_clear_the_final_transition(case, team, last_phase):
    """18 Nov: cleared to return; 20 Nov: the athlete admits to hiding pain (masking): "not
    yet". The latest decision counts: completing the plan is refused, both stay on record."""
    clinician = team["clinician"]
    record_return_decision(case, clinician, today=TODAY, cleared_from=TODAY)
    later = record_return_decision(
        case, clinician, today=TODAY, decision="not_yet", cleared_from=None,
        masking="Admits to hiding pain after long runs.",
    )  # fmt: skip
    assert later.cleared_from is None and later.restrictions == ""
    with pytest.raises(ApplicationError) as refused:
        plan_services.transition_decide(
            plan=last_phase, kind="complete", decided_by=clinician, reason="Back.",
            effective_on=TODAY,
        )  # fmt: skip
    assert "kind" in refused.value.errors
    assert ReturnDecision.objects.filter(case=case).count() == 2
    assert ReturnDecision.history.filter(case_id=case.pk).count() == 2


def test_a_step_back_after_the_decision_makes_it_stale(case, team, frozen):
    """A return decision made in the last phase, then a step back for pain: on the way back to
    the last phase, the old decision no longer clears the completion."""
    clinician = team["clinician"]
    plan = running_plan(case, clinician, started_on=STARTED, phase=4)
    record_return_decision(case, clinician, today=TODAY)
    assert plan_services.current_return_decision(case) is not None
    plan_services.transition_decide(
        plan=plan, kind="regress", decided_by=clinician, reason="Pain 6/10 on the run.",
        effective_on=TODAY,
    )  # fmt: skip
    assert plan_services.current_return_decision(case) is None


def test_the_form_is_prefilled_with_what_the_system_knows(client, case, team, last_phase):
    """The latest hop test and the pain of the last 14 days (logs and sessions) are offered
    for step 1; the sport for step 2."""
    Assessment.objects.create(
        case=case, date=TODAY - dt.timedelta(days=1), test="single_leg_hop", value=31
    )
    log_days(case, team["athlete"], 14, pain_during=1, pain_rest=0)
    case.athlete.sport = "Cross-country"
    case.athlete.save()
    client.force_login(team["clinician"])
    html = _page(client, case)
    form = html[html.index('id="rtp-form"') :]
    assert "Single-leg hops (count): 31" in form
    assert "Last 14 days (14 of 14 logged)" in form and "pain during activity at most 1/10" in form
    assert 'value="Cross-country"' in form


def test_the_page_keeps_every_decision_with_who_and_when(client, case, team, last_phase):
    clinician = team["clinician"]
    record_return_decision(case, clinician, today=TODAY, decision="not_yet", cleared_from=None)
    record_return_decision(
        case, clinician, today=TODAY, decision="restricted", restrictions="No spikes for 3 weeks."
    )
    client.force_login(clinician)
    html = _page(client, case)
    section = html[html.index('id="return-to-play"') :]
    assert "Return with restrictions" in section and "No spikes for 3 weeks." in section
    assert "Earlier decisions (1)" in section and str(clinician) in section


def test_the_fhir_export_carries_the_decision_as_a_clinical_impression(case, team, last_phase):
    record_return_decision(
        case, team["clinician"], today=TODAY, decision="restricted",
        restrictions="No races before January.",
    )  # fmt: skip
    response = api(team["clinician"]).get(f"/api/v1/cases/{case.pk}/fhir/")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)  # R4B, structurally R4 here (tests/api/test_fhir.py)
    by_type = {}
    for entry in bundle["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry)
    (impression,) = by_type["ClinicalImpression"]
    resource = impression["resource"]
    ClinicalImpression.model_validate(resource)
    (condition,) = by_type["Condition"]
    assert resource["status"] == "completed"
    assert resource["problem"] == [{"reference": condition["fullUrl"]}]
    assert resource["protocol"] == ["https://doi.org/10.1136/bjsports-2014-094569"]
    steps = [i["code"]["text"] for i in resource["investigation"]]
    assert steps == [
        "Step 1: tissue health", "Step 2: tissue stresses", "Step 3: risk-tolerance modifiers"
    ]  # fmt: skip
    coding = resource["finding"][0]["itemCodeableConcept"]["coding"][0]
    assert coding["code"] == "restricted" and coding["system"].endswith("/return-decision")
    assert "No races before January." in resource["summary"]
    assert resource["effectiveDateTime"] == "2026-11-20"


def test_the_coach_reads_the_outcome_and_restrictions_never_the_tissue_detail(
    client, case, team, last_phase
):
    secret = {f: f"{SECRET} {f}" for f in ("symptoms", "tenderness", "imaging", "function_tests")}
    record_return_decision(
        case, team["clinician"], today=TODAY, decision="restricted",
        restrictions="No spikes for three weeks.", reasons=f"{SECRET} reasons",
        fear=f"{SECRET} fear", planned_load=f"{SECRET} load", **secret,
    )  # fmt: skip
    client.force_login(team["coach"])
    page = client.get(reverse("coach:athlete", args=[case.pk])).content.decode()
    assert "Cleared to return with restrictions from 20 Nov 2026." in page
    assert "Restrictions: No spikes for three weeks." in page
    assert SECRET not in page
    coach = api(team["coach"])
    listed = coach.get("/api/v1/return-decisions/").json()
    assert listed["results"] == [] and SECRET not in json.dumps(listed)
    decision = ReturnDecision.objects.get(case=case)
    assert coach.get(f"/api/v1/return-decisions/{decision.pk}/").status_code == 404
    assert coach.get(f"/api/v1/cases/{case.pk}/fhir/").status_code == 403
    assert SECRET not in coach.get(f"/api/v1/cases/{case.pk}/").content.decode()


def test_the_api_records_and_reads_the_decision(case, team, last_phase):
    clinician = api(team["clinician"])
    bad = clinician.post(
        "/api/v1/return-decisions/", {"case": case.pk, "decision": "full"}, format="json"
    )
    assert bad.status_code == 400 and "symptoms" in bad.json()["errors"]
    body = {**STARRT, "case": case.pk, "cleared_from": str(TODAY)}
    made = clinician.post("/api/v1/return-decisions/", body, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["decision"] == "full" and made.json()["tenderness"] == STARRT["tenderness"]
    listed = clinician.get(f"/api/v1/return-decisions/?case={case.pk}").json()
    assert [d["id"] for d in listed["results"]] == [made.json()["id"]]
    refused = api(team["coach"]).post("/api/v1/return-decisions/", body, format="json")
    assert refused.status_code == 400  # not a case the coach may decide on
    assert ReturnDecision.objects.count() == 1
