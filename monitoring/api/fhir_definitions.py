"""The FHIR definitions this server publishes, and its canonical URLs.

- ``canonical(...)``: every canonical URL and identifier system is under the setting
  ``REHAB_FHIR_BASE`` (by default ``REHAB_BASE_URL`` + ``/api/v1/fhir``), never the request's
  host: the same resource names the same systems however the server is reached.
- ``daily_log_questionnaire()``: the Questionnaire of the daily log, whose items are the log
  fields of ``monitoring.schema`` (the linkIds of every QuestionnaireResponse).
- ``capability_statement()``: what the FHIR endpoint serves (``GET .../fhir/metadata``).
- ``operation_outcome(...)``: an error as FHIR says it.
- The grading scales of a bone stress injury, for ``Condition.stage``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from athletes.models import Case
from monitoring import schema
from monitoring.models import DailyLog

FHIR_VERSION = "4.0.1"
PUBLISHED = "2026-12-06"  # the date of this CapabilityStatement and Questionnaire version
QUESTIONNAIRE_ID = "daily-log"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
LOINC = "http://loinc.org"

# The 0–10 pain scale of the daily log and the assessments: a numeric rating scale (NRS), as the
# athlete's form says it ("0 = no pain, 10 = worst pain imaginable").
NRS_METHOD = {"text": "Numeric rating scale (NRS), 0–10: 0 no pain, 10 worst pain imaginable"}
ENTRY_FORMAT = "http://hl7.org/fhir/StructureDefinition/entryFormat"
HOOPER_ENTRY = "1–7 (Hooper index scale: 1 very, very good, 7 very, very bad)"
NRS_ENTRY = "0–10 numeric rating scale (NRS): 0 no pain, 10 worst pain imaginable"
PAIN_LOINC = {"system": LOINC, "code": "72514-3", "display": (
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
)}  # fmt: skip

# Condition.stage: the scale a grade is on, named as the case form names it
# (athletes.models.Case.GradingSystem); Kaeding–Miller writes its grades in roman numerals.
GRADING_SCALES = {
    value: str(label)
    for value, label in Case.GradingSystem.choices
    if value != Case.GradingSystem.NONE
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


def base() -> str:
    """The FHIR base URL, without a trailing slash (settings.REHAB_FHIR_BASE)."""
    return settings.REHAB_FHIR_BASE.rstrip("/")


def canonical(*parts: str) -> str:
    """A URL under the FHIR base: ``canonical("CodeSystem", "pain-context")``."""
    return "/".join([base(), *parts])


def code_system(name: str) -> str:
    """The URL of one of this server's own code systems (``<base>/CodeSystem/<name>``)."""
    return canonical("CodeSystem", name)


def local_coding(system: str, code: str, display: str) -> dict:
    return {"system": code_system(system), "code": code, "display": display}


def questionnaire_url() -> str:
    return canonical("Questionnaire", QUESTIONNAIRE_ID)


def stage(grading_system: str, grade: int | None) -> list[dict]:
    """Condition.stage of a graded injury: the scale named (``type``) and the grade on it."""
    if not grade:
        return []
    scale = GRADING_SCALES.get(grading_system)
    if scale is None:  # a grade without a recorded scale: say so, claim no scale
        return [
            {
                "summary": {"text": f"Grade {grade} (grading scale not recorded)"},
                "type": {"text": "Grading scale not recorded"},
            }
        ]
    written = ROMAN[grade] if grading_system == "kaeding_miller" else str(grade)
    display = f"{scale}: grade {written}"
    return [
        {
            "summary": {
                "coding": [local_coding(f"bsi-grade-{grading_system.replace('_', '-')}",
                                        str(grade), display)],
                "text": display,
            },
            "type": {
                "coding": [local_coding("bsi-grading-scale", grading_system, scale)],
                "text": scale,
            },
        }
    ]  # fmt: skip


def operation_outcome(status: int, message: str) -> dict:
    """An error as an OperationOutcome (its issue code from the HTTP status)."""
    code = {
        400: "invalid",
        401: "login",
        403: "forbidden",
        404: "not-found",
        405: "not-supported",
        406: "not-supported",
        415: "not-supported",
        429: "throttled",
    }.get(status, "exception" if status >= 500 else "processing")
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": code,
                "details": {"text": message},
                "diagnostics": message,
            }
        ],
    }


def _limits(kind: str, field: schema.Field) -> list[dict]:
    value = "valueDecimal" if kind == "decimal" else "valueInteger"
    out = []
    if field.low is not None:
        out.append({"url": MIN_VALUE, value: field.low if kind == "decimal" else int(field.low)})
    if field.high is not None:
        out.append({"url": MAX_VALUE, value: field.high if kind == "decimal" else int(field.high)})
    return out


ITEM_TYPES = {
    "nrs": "integer",
    "hooper": "integer",
    "count": "integer",
    "minutes": "integer",
    "hours": "decimal",
    "km": "decimal",
    "bool": "boolean",
    "choice": "choice",
}


def _item(field: schema.Field) -> dict:
    model_field = DailyLog._meta.get_field(field.name)
    item: dict[str, Any] = {
        "linkId": field.name,
        "text": str(model_field.verbose_name).capitalize(),
    }
    if field.kind == "text":
        item["type"] = "text" if (field.high or 0) > 255 else "string"
        if field.high:
            item["maxLength"] = int(field.high)
        return item
    item["type"] = ITEM_TYPES[field.kind]
    if field.pain:
        item["code"] = [PAIN_LOINC]
    if field.kind == "choice":
        item["answerOption"] = [
            {"valueCoding": local_coding(field.name.replace("_", "-"), value, str(label))}
            for value, label in model_field.choices
            if value
        ]
    elif item["type"] in {"integer", "decimal"}:
        item["extension"] = _limits(item["type"], field)
    scale = NRS_ENTRY if field.pain else HOOPER_ENTRY if field.kind == "hooper" else None
    if scale:  # the scale's anchors (R4's core extension; entryFormat is an element from R5)
        item["extension"].append({"url": ENTRY_FORMAT, "valueString": scale})
    return item


def daily_log_questionnaire() -> dict:
    """The daily log's questions; each QuestionnaireResponse of a log answers some of them."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(),
        "version": "1",
        "name": "DailyLog",
        "title": "Daily log: pain, symptoms and well-being",
        "status": "active",
        "subjectType": ["Patient"],
        "date": PUBLISHED,
        "description": "One athlete's day during rehabilitation from a bone stress injury. "
        "Pain ratings are on a 0–10 numeric rating scale (NRS: 0 no pain, 10 worst pain "
        "imaginable); fatigue, sleep quality, stress, mood and muscle soreness on the Hooper "
        "index's 1–7 scales (Hooper & Mackinnon 1995).",
        "item": [_item(field) for field in schema.LOG],
    }


def capability_statement() -> dict:
    """What this server's FHIR endpoint does: reads of two resource types, JSON only."""
    read = [{"code": "read"}]
    return {
        "resourceType": "CapabilityStatement",
        "id": "rehab",
        "url": canonical("metadata"),
        "name": "RehabFHIRServer",
        "title": "rehab FHIR endpoint",
        "status": "active",
        "date": PUBLISHED,
        "kind": "instance",
        "software": {"name": "rehab"},
        "implementation": {
            "description": "Bone stress injury rehabilitation: daily logs and case exports",
            "url": base(),
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Authentication by API token (Authorization: Token …). A "
                "whole case, as a Bundle of type collection, is exported at "
                "/api/v1/cases/{id}/fhir/ (outside this endpoint's REST interactions).",
                "security": {
                    "cors": False,
                    "description": "API tokens; the same permissions as the rest of the API: "
                    "a resource the caller may not read is not found (404).",
                },
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": read,
                        "documentation": f"Only {questionnaire_url()}.",
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "interaction": read,
                        "documentation": "A daily log, id log-<daily log id>; for those who "
                        "may read the athlete's clinical data.",
                    },
                ],
            }
        ],
    }
