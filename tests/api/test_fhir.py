"""The FHIR R4 export of a case validates with fhir.resources and holds what it says.

fhir.resources ships R4B (4.3.0), the backward-compatible successor of R4 (4.0.1); every element
used here is the same in both. It checks structure, types and required elements, not the codes
of required value sets, so those are checked here.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from monitoring.models import ActivitySession, Assessment, DailyLog

from .conftest import D0, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(plan, case, athlete_user, clinician):
    for n in range(5):
        DailyLog.objects.create(
            athlete=case.athlete,
            date=D0 + dt.timedelta(days=n),
            pain_rest=0,
            pain_during=n % 3,
            pain_after=1 if n else None,
            pain_character="dull" if n % 3 else "none",
            night_pain=False,
            sleep_hours="7.5",
            fatigue=3,
            note="Felt fine." if n == 4 else "",
            submitted_by=athlete_user,
        )
    DailyLog.objects.create(  # before the injury: not part of this case
        athlete=case.athlete, date=case.diagnosed_on - dt.timedelta(days=3), pain_during=5
    )
    ActivitySession.objects.create(
        athlete=case.athlete, date=D0, activity="walk_run", minutes=30, rpe=4
    )
    ActivitySession.objects.create(athlete=case.athlete, date=D0, activity="cycle", minutes=20)
    Assessment.objects.create(
        case=case, date=TODAY, test="single_leg_hop", value=12, pain=1, assessed_by=clinician
    )
    Assessment.objects.create(case=case, date=TODAY, test="tsk11", value=22, assessed_by=clinician)


def bundle_for(api, user, case) -> dict:
    response = api(user).get(f"/api/v1/cases/{case.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_as_fhir(api, recorded, case, clinician):
    bundle = bundle_for(api, clinician, case)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    counts: dict[str, int] = {}
    for entry in parsed.entry:
        kind = entry.resource.get_resource_type()
        counts[kind] = counts.get(kind, 0) + 1
    # 5 logs: 5 rest + 5 during + 4 after = 14 pain ratings; 1 session with an RPE; 2 tests.
    assert counts == {
        "Patient": 1,
        "Condition": 1,
        "CarePlan": 1,
        "QuestionnaireResponse": 5,
        "Observation": 14 + 1 + 2,
    }


def test_references_resolve_inside_the_bundle(api, recorded, case, clinician):
    bundle = bundle_for(api, clinician, case)
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])
    text = json.dumps(bundle)
    references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert references and references <= full_urls


def test_codes(api, recorded, case, clinician):
    bundle = bundle_for(api, clinician, case)
    condition = resources(bundle, "Condition")[0]
    assert condition["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "240197007",
        "display": "Stress fracture (disorder)",
    }
    assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    pain = [
        o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3"
    ]
    assert len(pain) == 14
    assert {o["code"]["coding"][0]["system"] for o in pain} == {"http://loinc.org"}
    during = [o for o in pain if o["code"]["coding"][1]["code"] == "during"]
    assert [o["valueInteger"] for o in during] == [0, 1, 2, 0, 1]
    assert all(o["derivedFrom"][0]["reference"].startswith("urn:uuid:") for o in pain)
    load = next(o for o in resources(bundle, "Observation") if o["id"].startswith("session-"))
    assert load["valueQuantity"] == {
        "value": 120,
        "unit": "AU",
        "system": "http://unitsofmeasure.org",
        "code": "[arb'U]",
    }
    assert load["component"][0]["code"]["coding"][0]["code"] == "55411-3"
    for observation in resources(bundle, "Observation"):
        assert observation["status"] == "final"


def test_the_care_plan_has_the_phases_as_activities(api, recorded, case, clinician, plan):
    care_plan = resources(bundle_for(api, clinician, case), "CarePlan")[0]
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    states = [a["detail"]["status"] for a in care_plan["activity"]]
    assert states == ["completed", "in-progress", "not-started", "not-started"]
    assert care_plan["activity"][1]["detail"]["code"]["text"] == "Phase 2: Walk-run"


def test_questionnaire_responses_hold_the_answers_given(api, recorded, case, clinician):
    answers = resources(bundle_for(api, clinician, case), "QuestionnaireResponse")
    last = answers[-1]
    items = {item["linkId"]: item["answer"][0] for item in last["item"]}
    assert items["pain_during"] == {"valueInteger": 1}
    assert items["night_pain"] == {"valueBoolean": False}
    assert items["sleep_hours"] == {"valueDecimal": 7.5}
    assert items["note"] == {"valueString": "Felt fine."}
    assert items["pain_character"]["valueCoding"]["code"] == "dull"
    assert "pain_next_morning" not in items  # not answered, not invented
    assert all(a["status"] == "completed" for a in answers)


def test_the_validator_would_catch_a_broken_bundle(api, recorded, case, clinician):
    bundle = bundle_for(api, clinician, case)
    observation = resources(bundle, "Observation")[0]
    del observation["code"]
    with pytest.raises(ValidationError):
        Bundle.model_validate(bundle)


def test_the_athlete_may_export_their_own_case(api, recorded, case, athlete_user):
    Bundle.model_validate(bundle_for(api, athlete_user, case))
