"""The FHIR endpoint under /api/v1/fhir/ and what the case export says of itself: canonical URLs
from REHAB_FHIR_BASE (never the request's host), the Questionnaire the answers point to, the
CapabilityStatement, errors as OperationOutcome, authored dates and grading scales. Every
resource is validated with fhir.resources (R4B, as tests/api/test_fhir.py explains)."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from monitoring import schema
from monitoring.models import DailyLog

from .conftest import D0

pytestmark = pytest.mark.django_db

FHIR = "/api/v1/fhir"
BASE = "https://records.example.org/rehab/fhir"
FHIR_JSON = "application/fhir+json"


@pytest.fixture(autouse=True)
def fhir_base(settings):
    settings.REHAB_FHIR_BASE = BASE


@pytest.fixture
def log(case, athlete_user, clock):
    """A log of D0, written on the clock's day (a week later)."""
    return DailyLog.objects.create(
        athlete=case.athlete,
        date=D0,  # the day the answers are about, not the day the row was written
        pain_rest=0,
        pain_during=3,
        pain_character="dull",
        night_pain=False,
        sleep_hours="7.5",
        fatigue=4,
        submitted_by=athlete_user,
    )


def get(client, path: str, **headers):
    response = client.get(path, **headers)
    assert response["Content-Type"] == FHIR_JSON, (path, response.status_code)
    return response, json.loads(response.content)


def outcome(response, body, status: int, code: str) -> OperationOutcome:
    assert response.status_code == status, body
    parsed = OperationOutcome.model_validate(body)
    assert parsed.issue[0].code == code and parsed.issue[0].severity == "error"
    return parsed


# --- the QuestionnaireResponse -------------------------------------------------------------------


def test_a_log_is_a_questionnaire_response_authored_on_its_date(api, log, clinician):
    assert log.updated_at.date() != log.date
    response, body = get(api(clinician), f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    assert response.status_code == 200
    parsed = QuestionnaireResponse.model_validate(body)
    assert body["id"] == f"log-{log.pk}"
    assert body["authored"] == log.date.isoformat() == "2026-10-01"
    assert body["questionnaire"] == f"{BASE}/Questionnaire/daily-log"
    assert body["subject"]["identifier"] == {
        "system": f"{BASE}/sid/athlete",
        "value": str(log.athlete_id),
    }
    assert {item.linkId for item in parsed.item} == {
        "pain_rest", "pain_during", "pain_character", "night_pain", "sleep_hours", "fatigue",
    }  # fmt: skip


def test_the_answers_are_to_the_questions_served(api, log, clinician):
    client = api(clinician)
    _, answers = get(client, f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    response, questions = get(client, answers["questionnaire"].replace(BASE, FHIR))
    assert response.status_code == 200
    Questionnaire.model_validate(questions)
    assert questions["url"] == answers["questionnaire"]
    by_link = {item["linkId"]: item for item in questions["item"]}
    assert list(by_link) == list(schema.LOG_FIELDS)
    for answer in answers["item"]:
        question = by_link[answer["linkId"]]
        assert answer["text"] == question["text"]
        (value,) = answer["answer"]
        kind = next(iter(value)).removeprefix("value").lower()
        assert kind == {"choice": "coding"}.get(question["type"], question["type"])
        if kind == "coding":
            assert value["valueCoding"] in [o["valueCoding"] for o in question["answerOption"]]
    pain = by_link["pain_during"]
    assert pain["code"][0]["code"] == "72514-3"
    low, high, scale = pain["extension"]
    assert (low["valueInteger"], high["valueInteger"]) == (0, 10)
    assert scale["url"].endswith("/entryFormat") and "(NRS)" in scale["valueString"]


def test_the_questionnaire_and_the_capability_statement_are_public(api):
    for path in ("metadata", "Questionnaire/daily-log"):
        response, _ = get(api(), f"{FHIR}/{path}")
        assert response.status_code == 200


def test_the_capability_statement_lists_what_is_served(api, log, clinician):
    response, body = get(api(), f"{FHIR}/metadata")
    statement = CapabilityStatement.model_validate(body)
    assert statement.fhirVersion == "4.0.1" and statement.kind == "instance"
    assert body["implementation"]["url"] == BASE
    (rest,) = body["rest"]
    served = {r["type"]: [i["code"] for i in r["interaction"]] for r in rest["resource"]}
    assert served == {"Questionnaire": ["read"], "QuestionnaireResponse": ["read"]}
    # each listed read answers; what is not listed does not
    client = api(clinician)
    assert client.get(f"{FHIR}/Questionnaire/daily-log").status_code == 200
    assert client.get(f"{FHIR}/QuestionnaireResponse/log-{log.pk}").status_code == 200
    for path in ("Patient/1", "Questionnaire/other", "QuestionnaireResponse"):
        response, body = get(client, f"{FHIR}/{path}")
        outcome(response, body, 404, "not-found")


# --- canonical URLs do not follow the Host header ------------------------------------------------


def test_another_host_yields_the_same_canonical_and_system_urls(api, log, plan, case, clinician):
    client = api(clinician)
    with override_settings(ALLOWED_HOSTS=["*"]):
        seen = []
        for host in ("testserver", "evil.example.com"):
            urls = {}
            for path in (
                f"{FHIR}/QuestionnaireResponse/log-{log.pk}",
                f"{FHIR}/Questionnaire/daily-log",
                f"{FHIR}/metadata",
                f"/api/v1/cases/{case.pk}/fhir/",
            ):
                response = client.get(path, HTTP_HOST=host)
                assert response.status_code == 200
                text = response.content.decode()
                assert "evil.example.com" not in text and "testserver" not in text
                body = json.loads(text)
                body.pop("timestamp", None)
                urls[path] = body
            seen.append(urls)
    assert seen[0] == seen[1]
    bundle = seen[0][f"/api/v1/cases/{case.pk}/fhir/"]
    Bundle.model_validate(bundle)
    systems = {c["system"] for c in _codings(bundle)}
    local = {s for s in systems if s.startswith(BASE + "/CodeSystem/")}
    assert local and not {s for s in systems if "rehab" in s and not s.startswith(BASE)}
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["id"].startswith("at"))
    assert patient["identifier"][0]["system"] == f"{BASE}/sid/athlete"


def resource(bundle: dict, resource_id: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == resource_id)


def _codings(node):
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codings(value)


def test_the_bundles_answers_are_authored_on_the_logs_date(api, log, plan, case, clinician):
    response = api(clinician).get(f"/api/v1/cases/{case.pk}/fhir/")
    bundle = json.loads(response.content)
    (answers,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert answers["authored"] == "2026-10-01"
    assert answers["questionnaire"] == f"{BASE}/Questionnaire/daily-log"


# --- the scales named ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "system,grade,summary",
    [
        ("fredericson", 3, "Fredericson (MRI, tibia): grade 3"),
        ("kaeding_miller", 4, "Kaeding–Miller (any site): grade IV"),
        ("arendt", 2, "Arendt (MRI, any site): grade 2"),
    ],
)
def test_the_stage_names_its_grading_scale(api, case, clinician, system, grade, summary):
    case.grading_system, case.grade = system, grade
    case.save(update_fields=["grading_system", "grade"])
    bundle = json.loads(api(clinician).get(f"/api/v1/cases/{case.pk}/fhir/").content)
    Bundle.model_validate(bundle)
    condition = resource(bundle, f"case-{case.pk}")
    (stage,) = condition["stage"]
    assert stage["summary"]["text"] == summary
    assert stage["summary"]["coding"][0]["system"] == (
        f"{BASE}/CodeSystem/bsi-grade-{system.replace('_', '-')}"
    )
    assert stage["type"]["coding"][0] == {
        "system": f"{BASE}/CodeSystem/bsi-grading-scale",
        "code": system,
        "display": summary.split(":")[0],
    }


def test_a_grade_without_a_scale_claims_none(api, case, clinician):
    case.grading_system, case.grade = "none", 2
    case.save(update_fields=["grading_system", "grade"])
    bundle = json.loads(api(clinician).get(f"/api/v1/cases/{case.pk}/fhir/").content)
    condition = resource(bundle, f"case-{case.pk}")
    assert condition["stage"][0]["type"] == {"text": "Grading scale not recorded"}
    assert "coding" not in condition["stage"][0]["summary"]


def test_pain_ratings_name_the_numeric_rating_scale(api, log, plan, case, clinician):
    bundle = json.loads(api(clinician).get(f"/api/v1/cases/{case.pk}/fhir/").content)
    pain = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "72514-3"
    ]
    assert len(pain) == 2
    assert all(p["method"]["text"].startswith("Numeric rating scale (NRS), 0–10") for p in pain)


# --- errors --------------------------------------------------------------------------------------


def test_an_integration_account_gets_a_404_for_a_pain_diary(api, log, integration):
    # It may record the athlete's logs (and read the receipts), never their answers.
    assert api(integration).get(f"/api/v1/daily-logs/{log.pk}/").json()["access"] == "summary"
    response, body = get(api(integration), f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    outcome(response, body, 404, "not-found")
    assert "pain" not in response.content.decode().lower()


@pytest.mark.parametrize("who", ["coach", "nutritionist", "psychologist", "outsider"])
def test_who_may_not_read_the_log_gets_the_same_404_as_for_none(request, api, log, who):
    client = api(request.getfixturevalue(who))
    response, body = get(client, f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    none, none_body = get(client, f"{FHIR}/QuestionnaireResponse/log-{log.pk + 1000}")
    outcome(response, body, 404, "not-found")
    outcome(none, none_body, 404, "not-found")
    assert body["issue"][0]["code"] == none_body["issue"][0]["code"]


def test_the_athlete_reads_their_own_log(api, log, athlete_user):
    response, body = get(api(athlete_user), f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    assert response.status_code == 200
    QuestionnaireResponse.model_validate(body)


def test_errors_are_operation_outcomes(api, log, case, clinician, coach):
    client = api(clinician)
    response, body = get(api(), f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    outcome(response, body, 401, "login")
    assert response["WWW-Authenticate"] == "Token"
    response, body = get(client, f"{FHIR}/QuestionnaireResponse/log-{log.pk}?date=2026-10-01")
    diagnostics = outcome(response, body, 400, "invalid").issue[0].diagnostics
    assert diagnostics == "Unknown query parameter: date."
    response, body = get(client, f"{FHIR}/metadata?_format=xml")
    outcome(response, body, 406, "not-supported")
    response, body = get(client, f"{FHIR}/metadata?_format=json")
    assert response.status_code == 200
    response = client.post(f"{FHIR}/Questionnaire/daily-log", {}, format="json")
    assert response["Content-Type"] == FHIR_JSON
    outcome(response, json.loads(response.content), 405, "not-supported")
    # the case export too: a coach may not export the case (403), unknown parameters are a 400
    response, body = get(api(coach), f"/api/v1/cases/{case.pk}/fhir/")
    outcome(response, body, 403, "forbidden")
    response, body = get(client, f"/api/v1/cases/{case.pk}/fhir/?since=2026-01-01")
    outcome(response, body, 400, "invalid")
    response, body = get(client, "/api/v1/cases/999999/fhir/")
    outcome(response, body, 404, "not-found")


def test_reading_a_log_through_fhir_is_in_the_access_log(api, log, case, physio):
    from athletes.models import AccessRecord

    api(physio).get(f"{FHIR}/QuestionnaireResponse/log-{log.pk}")
    (record,) = AccessRecord.objects.filter(case=case)
    assert record.what == "fhir" and record.path.endswith(f"log-{log.pk}")
