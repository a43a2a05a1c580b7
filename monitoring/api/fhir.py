"""A case as a FHIR R4 Bundle (type `collection`), for clinical records systems.

Contents:

- **Patient**: the athlete (name, sex as administrative gender, date of birth).
- **Condition**: the bone stress injury, coded SNOMED CT 240197007 "Stress fracture (disorder)"
  (the nearest SNOMED concept; a grade 1–2 stress reaction has no fracture line, so the text
  says "bone stress injury"), with the site, side, grade and status.
- **CarePlan**: each plan that has started, its phases as activities (done, under way, to come).
- **QuestionnaireResponse**: each daily log, the athlete's answers to the daily questionnaire.
- **Observation**, pain: each 0–10 pain rating of a daily log, coded LOINC 72514-3 "Pain
  severity - 0-10 verbal numeric rating [Score] - Reported", with a local code for when it was
  felt (at rest, during activity, after, next morning).
- **Observation**, session load: each session with an RPE, valued in arbitrary units (session-RPE,
  Foster et al. 2001) under a local code (no LOINC code exists for it); its duration as a
  component coded LOINC 55411-3 "Exercise duration".
- **Observation**, assessments: hop counts, heel raises, strength symmetry, I-PRRS, TSK-11 and
  the rest, under a local code system (no standard codes are claimed for them).
- **ClinicalImpression**: each return-to-play decision (StARRT), see ``fhir_return``.
- **Communication**: each case note the caller may read (the audience rule of the pages and of
  `/api/v1/notes/`), with its audience as the category, its author and addressee.

Canonical URLs and identifier systems are under the setting ``REHAB_FHIR_BASE``
(``monitoring.api.fhir_definitions``), never the request's host: local codes under
`<FHIR base>/CodeSystem/…`, the daily log's Questionnaire at `<FHIR base>/Questionnaire/daily-log`
(served there), the athlete's identifier under `<FHIR base>/sid/athlete`. A graded injury's
stage names its grading scale (Fredericson, Arendt or Kaeding–Miller); a pain rating names its
scale, the 0–10 numeric rating scale (NRS). A QuestionnaireResponse is `authored` on the log's
date, the day the answers are about. References between the resources use `urn:uuid:` full
URLs, stable for the same case and FHIR base.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from athletes.models import Athlete, Case
from monitoring import schema
from monitoring.api import fhir_definitions as defs
from monitoring.api.fhir_definitions import NRS_METHOD, PAIN_LOINC
from monitoring.api.fhir_return import clinical_impression
from monitoring.models import ActivitySession, Assessment, DailyLog
from protocols.models import Plan, PlanPhase, ReturnDecision

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

EXERCISE_DURATION_LOINC = {"system": LOINC, "code": "55411-3", "display": "Exercise duration"}
STRESS_FRACTURE_SNOMED = {
    "system": SNOMED,
    "code": "240197007",
    "display": "Stress fracture (disorder)",
}
PAIN_CONTEXTS = schema.FHIR_PAIN_CONTEXTS
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
CONDITION_STATUS = {"active": "active", "returned": "resolved", "closed": "inactive"}
PLAN_STATUS = {"active": "active", "completed": "completed", "stopped": "revoked"}
RPE_DISPLAY = "Session RPE, Borg CR-10 (0–10)"
SURVEY_TESTS = {"readiness_iprrs", "tsk11", "bone_health_cra"}


def case_bundle(case: Case, *, notes: Iterable[Any] = ()) -> dict[str, Any]:
    """The case as a Bundle. `notes`: the case notes the caller may read
    (``monitoring.care.selectors.readable_notes``), exported as Communication resources."""
    base = defs.base()
    export = _Export(base)
    athlete = case.athlete
    patient = export.add("Patient", f"athlete-{athlete.pk}", _patient(athlete, base))
    condition = export.add("Condition", f"case-{case.pk}", _condition(case, patient))
    plans = (
        Plan.objects.filter(case=case)
        .exclude(status=Plan.Status.DRAFT)
        .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
        .order_by("created_at")
    )
    for plan in plans:
        export.add("CarePlan", f"plan-{plan.pk}", _care_plan(plan, patient, condition))
    since = case.diagnosed_on
    until = case.returned_on
    logs = DailyLog.objects.filter(athlete=athlete, date__gte=since).order_by("date")
    sessions = ActivitySession.objects.filter(athlete=athlete, date__gte=since).order_by("date")
    if until:
        logs, sessions = logs.filter(date__lte=until), sessions.filter(date__lte=until)
    site = f"{case.get_site_display()}, {case.get_side_display().lower()}"
    for log in logs:
        answers = export.add(
            "QuestionnaireResponse", f"log-{log.pk}", questionnaire_response(log, patient)
        )
        for field, label in PAIN_CONTEXTS.items():
            value = getattr(log, field)
            if value is None:
                continue
            export.add(
                "Observation",
                f"log-{log.pk}-{field.replace('_', '-')}",
                _pain(log, field, label, value, patient, answers, site, base),
            )
    for session in sessions:
        if session.load is not None:
            export.add("Observation", f"session-{session.pk}", _load(session, patient, base))
    for assessment in Assessment.objects.filter(case=case).order_by("date", "pk"):
        export.add(
            "Observation", f"assessment-{assessment.pk}", _assessment(assessment, patient, base)
        )
    for decision in ReturnDecision.objects.filter(case=case).select_related("recorded_by"):
        impression = clinical_impression(decision, patient=patient, condition=condition, base=base)
        export.add("ClinicalImpression", f"return-decision-{decision.pk}", impression)
    for note in notes:
        export.add("Communication", f"note-{note.pk}", _communication(note, patient, condition))
    return {
        "resourceType": "Bundle",
        "id": f"case-{case.pk}-export",
        "type": "collection",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "entry": export.entries,
    }


class _Export:
    def __init__(self, base: str):
        self.base = base
        self.entries: list[dict] = []

    def add(self, resource_type: str, resource_id: str, resource: dict) -> str:
        """Add a resource; return the reference to it (its `urn:uuid:` full URL)."""
        full_url = "urn:uuid:" + str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/{resource_type}/{resource_id}")
        )
        self.entries.append(
            {
                "fullUrl": full_url,
                "resource": {"resourceType": resource_type, "id": resource_id, **resource},
            }
        )
        return full_url


def _ref(reference: str) -> dict:
    return {"reference": reference}


def _local(base: str, system: str, code: str, display: str) -> dict:
    """A coding of one of this server's code systems (``base``: the FHIR base)."""
    return {"system": f"{base}/CodeSystem/{system}", "code": code, "display": display}


def _patient(athlete: Athlete, base: str) -> dict:
    patient: dict[str, Any] = {
        "identifier": [{"system": f"{base}/sid/athlete", "value": str(athlete.pk)}],
        "name": [{"family": athlete.last_name, "given": [athlete.first_name]}],
        "gender": GENDER.get(athlete.sex, "unknown"),
    }
    if athlete.date_of_birth:
        patient["birthDate"] = athlete.date_of_birth.isoformat()
    return patient


def _condition(case: Case, patient: str) -> dict:
    site = case.get_site_display()
    condition: dict[str, Any] = {
        "clinicalStatus": {
            "coding": [{"system": CONDITION_CLINICAL, "code": CONDITION_STATUS[case.status]}]
        },
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "code": {
            "coding": [STRESS_FRACTURE_SNOMED],
            "text": f"Bone stress injury: {site} ({case.get_risk_display().lower()})",
        },
        "bodySite": [{"text": f"{site}, {case.get_side_display().lower()}"}],
        "subject": _ref(patient),
        "onsetDateTime": case.diagnosed_on.isoformat(),
        "recordedDate": case.created_at.isoformat(timespec="seconds"),
    }
    if case.grade:
        condition["stage"] = defs.stage(case.grading_system, case.grade)
    if case.returned_on:
        condition["abatementDateTime"] = case.returned_on.isoformat()
    return condition


def _care_plan(plan: Plan, patient: str, condition: str) -> dict:
    care_plan: dict[str, Any] = {
        "status": PLAN_STATUS.get(plan.status, "unknown"),
        "intent": "plan",
        "title": plan.name,
        "subject": _ref(patient),
        "addresses": [_ref(condition)],
        "activity": [_phase_activity(plan, phase) for phase in plan.phases.all()],
    }
    if plan.template_version:
        care_plan["description"] = f"Individualized from protocol version {plan.template_version}."
    if plan.started_on:
        care_plan["period"] = {"start": plan.started_on.isoformat()}
        if plan.ended_on:
            care_plan["period"]["end"] = plan.ended_on.isoformat()
    return care_plan


def _phase_activity(plan: Plan, phase: PlanPhase) -> dict:
    if phase.pk == plan.current_phase_id:
        state = "in-progress"
    elif phase.ended_on:
        state = "completed"
    elif plan.status in {Plan.Status.COMPLETED, Plan.Status.STOPPED}:
        state = "cancelled" if plan.status == Plan.Status.STOPPED else "not-started"
    else:
        state = "not-started"
    doses = [
        f"{rx.get('activity', '').replace('_', ' ')} {rx.get('minutes', '?')} min"
        + (f", {rx['sessions_per_week']}×/week" if rx.get("sessions_per_week") else "")
        for rx in phase.prescriptions or []
    ]
    text = phase.goal or phase.name
    if doses:
        text += " Prescribed: " + "; ".join(doses) + "."
    detail: dict[str, Any] = {
        "code": {"text": f"Phase {phase.order}: {phase.name}"},
        "status": state,
        "description": f"{text} Weight bearing: {phase.get_weight_bearing_display().lower()}; "
        f"impact: {phase.get_impact_display().lower()}.",
    }
    if phase.started_on:
        detail["scheduledPeriod"] = {"start": phase.started_on.isoformat()}
        if phase.ended_on:
            detail["scheduledPeriod"]["end"] = phase.ended_on.isoformat()
    return {"detail": detail}


def _answer(value: Any, field: str, base: str, label: str) -> dict:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, Decimal | float):
        return {"valueDecimal": float(value)}
    if field == "pain_character":
        return {"valueCoding": _local(base, "pain-character", value, label)}
    return {"valueString": str(value)}


def questionnaire_response(log: DailyLog, patient: str | None = None) -> dict:
    """A daily log as the answers to the daily-log Questionnaire, authored on the log's date
    (the day the answers are about), not when the row last changed. ``patient``: the reference
    to the athlete (a bundle's full URL); without it, the athlete's identifier."""
    base = defs.base()
    items = []
    for field in DailyLog._meta.concrete_fields:
        if field.name not in _LOG_ITEMS:
            continue
        value = getattr(log, field.name)
        if value is None or value == "":
            continue
        label = log.get_pain_character_display() if field.name == "pain_character" else ""
        items.append(
            {
                "linkId": field.name,
                "text": str(field.verbose_name).capitalize(),
                "answer": [_answer(value, field.name, base, label)],
            }
        )
    subject = (
        _ref(patient)
        if patient
        else {"identifier": {"system": f"{base}/sid/athlete", "value": str(log.athlete_id)}}
    )
    return {
        "questionnaire": defs.questionnaire_url(),
        "status": "completed",
        "subject": subject,
        "authored": log.date.isoformat(),
        "item": items,
    }


_LOG_ITEMS = schema.LOG_FIELDS


def _category(code: str) -> list[dict]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _pain(log, field, label, value, patient, answers, site, base) -> dict:
    context = field.removeprefix("pain_").replace("_", "-")
    return {
        "status": "final",
        "category": _category("survey"),
        "code": {
            "coding": [PAIN_LOINC, _local(base, "pain-context", context, label)],
            "text": label,
        },
        "subject": _ref(patient),
        "effectiveDateTime": log.date.isoformat(),
        "valueInteger": value,
        "method": NRS_METHOD,
        "bodySite": {"text": site},
        "derivedFrom": [_ref(answers)],
    }


def _load(session: ActivitySession, patient: str, base: str) -> dict:
    return {
        "status": "final",
        "category": _category("activity"),
        "code": {
            "coding": [_local(base, "training-load", "session-rpe-load", "Session-RPE load")],
            "text": f"Session-RPE load: {session.get_activity_display()}",
        },
        "subject": _ref(patient),
        "effectiveDateTime": session.date.isoformat(),
        "valueQuantity": {"value": session.load, "unit": "AU", "system": UCUM, "code": "[arb'U]"},
        "component": [
            {
                "code": {"coding": [EXERCISE_DURATION_LOINC]},
                "valueQuantity": {
                    "value": session.minutes,
                    "unit": "min",
                    "system": UCUM,
                    "code": "min",
                },
            },
            {
                "code": {"coding": [_local(base, "training-load", "rpe-cr10", RPE_DISPLAY)]},
                "valueInteger": session.rpe,
            },
        ],
    }


def _communication(note: Any, patient: str, condition: str) -> dict:
    """A case note (monitoring.models.care.CaseNote): who wrote it, for whom, about what."""
    resource: dict[str, Any] = {
        "status": "completed",
        "category": [{"text": note.get_audience_display()}],
        "subject": _ref(patient),
        "about": [_ref(condition)],
        "sent": note.created_at.isoformat(timespec="seconds"),
        "payload": [{"contentString": note.body}],
    }
    if note.author is not None:
        resource["sender"] = {"display": str(note.author)}
    if note.addressed_to is not None:
        resource["recipient"] = [{"display": str(note.addressed_to)}]
    return resource


def _assessment(assessment: Assessment, patient: str, base: str) -> dict:
    observation: dict[str, Any] = {
        "status": "final",
        "category": _category("survey" if assessment.test in SURVEY_TESTS else "exam"),
        "code": {
            "coding": [_local(base, "assessment", assessment.test, assessment.get_test_display())],
            "text": assessment.get_test_display(),
        },
        "subject": _ref(patient),
        "effectiveDateTime": assessment.date.isoformat(),
        "valueQuantity": {"value": assessment.value},
    }
    if assessment.pain is not None:
        observation["component"] = [
            {"code": {"coding": [PAIN_LOINC], "text": "Pain during the test, NRS 0–10"},
             "valueInteger": assessment.pain}
        ]  # fmt: skip
    if assessment.notes:
        observation["note"] = [{"text": assessment.notes}]
    return observation


def _example() -> dict:
    base = "https://rehab.example.org/api/v1/fhir"
    patient = "urn:uuid:5d1f6a0e-0000-5000-8000-000000000001"
    return {
        "resourceType": "Bundle",
        "id": "case-7-export",
        "type": "collection",
        "timestamp": "2026-10-21T09:00:00+01:00",
        "entry": [
            {
                "fullUrl": patient,
                "resource": {
                    "resourceType": "Patient",
                    "id": "athlete-12",
                    "name": [{"family": "Okafor", "given": ["Maya"]}],
                    "gender": "female",
                    "birthDate": "2002-05-01",
                },
            },
            {
                "fullUrl": "urn:uuid:5d1f6a0e-0000-5000-8000-000000000002",
                "resource": {
                    "resourceType": "Observation",
                    "id": "log-501-pain-during",
                    "status": "final",
                    "category": _category("survey"),
                    "code": {
                        "coding": [
                            PAIN_LOINC,
                            _local(base, "pain-context", "during", "Pain during activity"),
                        ],
                        "text": "Pain during activity",
                    },
                    "subject": _ref(patient),
                    "effectiveDateTime": "2026-10-20",
                    "valueInteger": 2,
                },
            },
        ],
    }


EXAMPLE_BUNDLE = _example()


def resource_types(bundle: dict) -> Iterable[str]:
    return (entry["resource"]["resourceType"] for entry in bundle["entry"])
