"""Every stored field, classified: who may read it. The one declaration the outputs read.

Each concrete field of each model of the apps has one class. The API's serializers are built
from it (``athletes.api.base.Classified``: a serializer for summary readers cannot even name a
clinical field), the pages and exports ask ``can_read`` for free text, and the tests read it
(a new field without a class fails ``tests/privacy/test_classification.py``; the permission
matrix seeds every clinical free-text field with the injury site's words and looks for them in
every answer a coach, an integration account or an outsider gets).

The classes:

- ``CLINICAL``: diagnosis, site, side, grade, imaging, pain values and symptoms, wellbeing,
  assessments, clinical notes and free text, phase goals and notes written for clinicians,
  criteria, evaluations. The case's clinical roles and the athlete (their own case).
- ``COACH_SAFE``: phase name, impact level, weight bearing, what is allowed, dates, the flag's
  kind and the coach's message, training load, expected return, who is on the team. Everyone
  on the case (coach, nutritionist, psychologist, integration account too).
- ``ATHLETE_OWN``: the athlete's own details and choices (date of birth, sex, contact details,
  sharing consent, device counts such as steps). The athlete and the clinical roles.
- ``ROW``: the row as a whole goes only to the people its own predicate admits (a note by its
  audience, a goal by ``can_view_goals``, an assessment by ``can_view_assessment``, a person's
  settings to that person); its fields carry nothing beyond what those readers may see.
- ``LIBRARY``: the protocol library (templates, phases, education cards): not case data; the
  template permissions decide.
- ``INTERNAL``: bookkeeping and secrets: no page or answer shows them.

Review notes and phase texts are clinical; a clinician writes a separate coach-safe text
(``Review.coach_note``) when the coach should read something.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from athletes.permissions.roles import role_on, role_sees_clinical

if TYPE_CHECKING:
    from athletes.models import Case, User


class FieldClass(StrEnum):
    CLINICAL = "clinical"
    COACH_SAFE = "coach-safe"
    ATHLETE_OWN = "athlete-own"
    ROW = "row"
    LIBRARY = "library"
    INTERNAL = "internal"


C, S, A, R, L, I = (  # noqa: E741 (the table below reads as a grid)
    FieldClass.CLINICAL,
    FieldClass.COACH_SAFE,
    FieldClass.ATHLETE_OWN,
    FieldClass.ROW,
    FieldClass.LIBRARY,
    FieldClass.INTERNAL,
)

FIELDS: dict[str, dict[str, FieldClass]] = {
    "athletes.User": {
        "id": S, "username": S, "first_name": S, "last_name": S, "kind": S,
        "email": A, "contact_phone": A, "contact_email": A,
        "password": I, "last_login": I, "is_superuser": I, "is_staff": I, "is_active": I,
        "date_joined": I, "clinic": S, "is_clinic_admin": S,
    },
    "athletes.Clinic": {
        "id": R, "name": R, "created_at": R, "tsk11_psychology_threshold": R,
    },  # its staff (can_use_clinic_page)
    "athletes.Team": {"id": S, "name": S, "sport": S, "clinic": S},
    "athletes.Athlete": {
        "id": S, "user": S, "first_name": S, "last_name": S, "sport": S, "team": S,
        "created_at": S, "updated_at": S, "date_of_birth": A, "sex": A, "clinic": S, "time_zone": A,
        "guardian_name": A, "guardian_relationship": A, "guardian_phone": A,
        "guardian_email": A,
    },
    "athletes.Case": {
        "id": S, "athlete": S, "status": S, "target_return_on": S, "returned_on": S,
        "created_at": S, "created_by": S, "outcome": S, "discharged_by": S, "closed_on": S,
        "updated_at": S,
        "closed_by": S,
        "discharge_summary": C, "closed_reason": C, "previous_case": C,
        "site": C, "side": C, "risk": C, "grade": C, "grading_system": C, "imaging": C,
        "imaging_on": C, "diagnosed_on": C, "prior_bsi_count": C, "red_s_screen": C,
        "menstrual_status": C, "vitamin_d_nmol_l": C, "ortho_decision": C,
        "ortho_decision_by": C, "ortho_decision_on": C, "fracture_line_percent": C, "effusion": C,
        "bone_health_hold_since": C, "bone_health_decision": C, "bone_health_decision_on": C,
        "bone_health_decision_by": C, "bone_health_decision_reason": C,
        "height_cm": C, "weight_kg": C, "eating_history": C, "periods_last_12_months": C,
        "pre_injury_km_week": C, "pre_injury_runs_week": C, "pre_injury_minutes_week": C,
        "pre_injury_source": C, "pre_injury_basis": C, "baseline_step_rate": C,
        "baseline_step_rate_source": C, "cadence_goal_low_percent": C,
        "cadence_goal_high_percent": C,
    },
    "athletes.CareTeamMember": {
        "id": S, "case": S, "user": S, "role": S, "added_at": S, "updated_at": S, "added_by": S,
    },
    "athletes.IntegrationGrant": {
        "id": I, "user": I, "team": I, "granted_at": I, "granted_by": I,
    },
    "athletes.SharingConsent": {
        "id": A, "athlete": A, "role": A, "given": A, "changed_at": A, "changed_by": A,
    },
    # Cycle logging: the consent is the athlete's own; the entries go only to
    # ``can_read_cycle`` (the athlete and the clinical team, while consent is on).
    "athletes.CycleConsent": {
        "id": A, "athlete": A, "given": A, "since": A, "changed_at": A, "changed_by": A,
    },
    "athletes.PeriodStart": {
        "id": R, "athlete": R, "started_on": R, "created_at": R, "updated_at": R,
    },
    "athletes.ErasureRecord": {
        "id": I, "erased_at": I, "erased_by": I, "erased_by_name": I, "reason": I,
        "former_athlete_id": I, "case_count": I, "counts": I,
    },
    "protocols.ProtocolTemplate": {
        "id": L, "slug": L, "version": L, "name": L, "summary": L, "sites": L, "risk": L,
        "conservative": L, "status": L, "citations": L, "shipped": L, "created_at": L,
        "updated_at": L,
        "created_by": L, "published_at": L, "published_by": L,
    },
    "protocols.PhaseTemplate": {
        "id": L, "order": L, "name": L, "goal": L, "min_days": L, "typical_days": L,
        "weight_bearing": L, "crutches": L, "impact": L, "prescriptions": L, "advance_when": L,
        "regress_when": L, "warn_when": L, "citations": L, "notes": L, "template": L,
        "exercises": L,
    },
    "protocols.Exercise": {
        "id": L, "key": L, "name": L, "trains": L, "sets": L, "reps": L, "seconds": L,
        "per_side": L, "steps": L, "cues": L, "impact": L, "diagram": L, "alt": L, "shipped": L,
        "created_by": L, "updated_at": L,
    },
    "protocols.Plan": {
        "id": S, "case": S, "template": S, "template_version": S, "status": S,
        "current_phase": S, "started_on": S, "ended_on": S, "created_at": S, "created_by": S,
        "updated_at": S,
        "name": C,  # plan names often name the site
        "red_pain_limit": C,
    },
    "protocols.PlanPhase": {
        "id": S, "order": S, "name": S, "min_days": S, "typical_days": S, "weight_bearing": S,
        "crutches": S, "impact": S, "plan": S, "started_on": S, "ended_on": S,
        # each line's activity, minutes and sessions; its notes and the pain clause of its
        # intensity are clinical and left out of the coach-safe form
        # (protocols.api.plans.PrescriptionSummarySerializer, protocols.wording)
        "prescriptions": S,
        "goal": C, "advance_when": C, "regress_when": C, "warn_when": C, "citations": C,
        "notes": C, "signed_off_on": C, "signed_off_by": C, "judged_from": C, "ready_from": C,
        "exercises": C,  # the coach gets the adherence % only (monitoring.exercises)
        # the run-walk programme: its decisions say why (the pain); its stage reaches coaches
        # through athletes.permissions.can_view_programme_stage (monitoring.api.programmes)
        "programme": C,
    },
    "protocols.RunProgramme": {
        "id": L, "slug": L, "version": L, "name": L, "summary": L, "data": L, "default_for": L,
        "default": L, "installed_at": L,
    },
    "protocols.PhaseTransition": {
        "id": S, "plan": S, "kind": S, "from_phase": S, "to_phase": S, "effective_on": S,
        "decided_at": S, "decided_by": S,
        "reason": C, "evaluation": C, "overridden": C,
    },
    "protocols.ReturnDecision": {  # StARRT: the coach reads the outcome and restrictions only
        "id": S, "case": S, "decision": S, "cleared_from": S, "restrictions": S,
        "recorded_by": S, "recorded_at": S, "updated_at": S,
        "symptoms": C, "tenderness": C, "imaging": C, "function_tests": C, "sport": C,
        "level": C, "position_event": C, "surface": C, "planned_load": C, "season_timing": C,
        "pressure": C, "masking": C, "conflicts": C, "fear": C, "reasons": C,
    },
    "monitoring.ReadinessQuestionnaire": {  # TSK-11 / I-PRRS answers: clinical
        "id": C, "case": C, "instrument": C, "date": C, "items": C, "total": C,
        "assessment": C, "recorded_by": C, "created_at": C, "updated_at": C,
    },
    "protocols.PlanEdit": {
        "id": S, "plan": S, "edited_at": S, "edited_by": S, "reason": C, "changes": C,
    },
    "protocols.TemplateTrial": {
        "id": L, "template": L, "requested_by": L, "requested_at": L, "started_at": L,
        "finished_at": L, "status": L, "risk": L, "cases_total": L, "cases_done": L,
        "results": C, "message": C,  # other cases' outcomes
    },
    "monitoring.CaseNote": {
        "id": R, "case": R, "author": R, "audience": R, "body": R, "addressed_to": R,
        "flag": R, "created_at": R, "updated_at": R, "reply_to": R,
    },
    "monitoring.Review": {
        "id": S, "case": S, "due_on": S, "status": S,
        "scheduled_by": S, "created_at": S, "done_on": S, "done_by": S, "coach_note": S,
        "updated_at": S,
        "kind": C,  # "imaging" is clinical; the coach sees "a review"
        "note": C,
        "booster": C, "repeat_weeks": C,  # a bone-health maintenance schedule is clinical
        "overdue_notified_on": I,
    },
    "monitoring.Goal": {
        "id": R, "case": R, "phase": R, "text": R, "due_on": R, "set_by": R, "created_at": R,
        "updated_at": R,
        "done_at": R,
    },
    "monitoring.ExerciseCompletion": {  # which exercises: as clinical as the prescription
        "id": C, "case": C, "exercise": C, "done_on": C, "recorded_by": C, "created_at": C,
        "updated_at": C,
    },
    "monitoring.EducationCard": {
        "id": L, "phase": L, "key": L, "title": L, "body": L, "sources": L, "order": L,
        "updated_at": L,
    },
    "monitoring.NotificationSetting": {
        "id": R, "user": R, "note_addressed": R, "review_overdue": R, "updated_at": R,
    },
    "monitoring.PushSubscription": {  # its person's browser; the keys never leave the server
        "id": R, "user": R, "endpoint": I, "p256dh": I, "auth": I, "created_at": R,
        "last_sent_at": I,
    },
    "monitoring.ReminderPreference": {
        "id": R, "user": R, "enabled": R, "time_of_day": R, "last_sent_on": I, "updated_at": R,
    },
    "monitoring.Flag": {
        "id": S, "case": S, "phase": S, "kind": S, "status": S, "coach_message": S,
        "raised_at": S, "updated_at": S, "acknowledged_at": S, "resolved_at": S,
        "title": C, "message": C, "evaluation": C, "proposed_phase": C, "acknowledged_by": C,
        "resolved_by": C, "resolution": C,
    },
    "monitoring.CaseEvaluation": {
        "id": C, "case": C, "phase": C, "evaluated_at": C, "evaluated_for": C, "evaluation": C,
        "red_flags": C,
    },
    "monitoring.Notification": {  # to its recipient, composed for a clinical reader
        "id": R, "recipient": R, "case": R, "flag": R, "title": R, "body": R, "finding": R,
        "created_at": R, "read_at": R,
    },
    "monitoring.ValueConflict": {  # a value of the pain diary: as clinical as the diary
        "id": S, "athlete": S, "date": S, "field": S, "source": S, "submitted_by": S,
        "created_at": S,
        "kept": C, "offered": C,
    },
    "monitoring.DailyLog": {
        "id": S, "athlete": S, "date": S, "source": S, "submitted_by": S, "created_at": S,
        "updated_at": S,
        "pain_rest": C, "pain_during": C, "pain_after": C, "pain_next_morning": C,
        "pain_character": C, "localized": C, "pain_location": C, "night_pain": C, "swelling": C,
        "pain_lasted_hours": C, "fatigue": C, "sleep_hours": C, "sleep_quality": C, "stress": C,
        "mood": C, "soreness": C, "note": C,
        "steps": A,
    },
    "monitoring.ActivitySession": {
        "id": S, "athlete": S, "date": S, "activity": S, "minutes": S, "rpe": S,
        "distance_km": S, "ground_contacts": S, "steps": S, "surface": S, "footwear": S,
        "shoe": S, "source": S, "external_id": S, "submitted_by": S, "created_at": S,
        "updated_at": S, "started_at": S,
        # a watch's training data, as distance and steps are
        "avg_heart_rate": S, "max_heart_rate": S, "cadence": S, "ground_contact_ms": S,
        "vertical_oscillation_mm": S,
        # a run-walk programme's session: its stage and whether it was finished (training data)
        "programme_stage": S, "completion": S,
        "pain_during": C, "pain_after": C, "note": C,
    },
    "monitoring.ActivityFile": {  # what was uploaded, by whom: the session's readers
        "id": S, "athlete": S, "session": S, "format": S, "size": S, "uploaded_by": S,
        "uploaded_at": S,
        "sha256": I, "original_name": A,  # a file's name can say anything the athlete typed
    },
    "monitoring.Shoe": {  # the athlete's named pairs: training data, as footwear is
        "id": S, "athlete": S, "name": S, "km_before": S, "retired_on": S, "created_at": S,
    },
    "monitoring.DeviceMetric": {
        "id": S, "athlete": S, "metric": S, "value": S, "unit": S, "recorded_at": S, "date": S,
        "source": S, "submitted_by": S, "external_id": S, "created_at": S, "updated_at": S,
    },
    "monitoring.Assessment": {  # by can_view_assessment: clinical roles, or the one who recorded
        "id": R, "case": R, "date": R, "test": R, "value": R, "pain": R, "notes": R,
        "answers": R, "assessed_by": R, "created_at": R, "updated_at": R,
    },
    "monitoring.TestBattery": {  # test results: the case's clinical roles and its athlete
        "id": C, "case": C, "date": C, "involved_side": C, "limb_length_left_cm": C,
        "limb_length_right_cm": C, "notes": C, "assessed_by": C, "created_at": C,
        "updated_at": C,
    },
    "monitoring.BatteryResult": {
        "id": C, "battery": C, "test": C, "muscle_group": C, "unit": C, "left": C, "right": C,
        "pain": C,
    },
    "monitoring.GaitCheck": {  # clinical roles only (can_view_gait_checks)
        "id": C, "case": C, "date": C, "limp": C, "pain_free_gait": C, "pain": C, "cadence": C,
        "overstriding": C, "crossover": C, "heel_strike": C, "hip_drop": C, "asymmetry": C,
        "notes": C, "recorded_by": C, "created_at": C, "updated_at": C,
    },
    "monitoring.WebhookEndpoint": {  # its owner (athletes.permissions.webhooks)
        "id": R, "owner": R, "clinic": R, "url": R, "description": R, "events": R,
        "is_active": R, "disabled_at": R, "disabled_reason": R, "consecutive_failures": R,
        "failing_since": R, "created_by": R, "created_at": R, "updated_at": R,
        "secret": I,  # shown once at creation and on rotation, never read back
    },
    "monitoring.WebhookDelivery": {  # its endpoint's owner; the body is summary-class only
        "id": R, "endpoint": R, "msg_id": R, "event": R, "body": R, "status": R, "attempts": R,
        "status_code": R, "response_ms": R, "error": R, "attempt_log": R, "created_at": R,
        "next_attempt_at": R, "delivered_at": R,
    },
    # The bone-health work-up: by can_view_workup (clinical roles, the nutritionist, the
    # athlete on their own case); never a coach's or an integration account's.
    "monitoring.WorkupTask": {
        "id": R, "case": R, "kind": R, "assignee_role": R, "due_on": R, "status": R,
        "reasons": R, "not_needed_reason": R, "closed_on": R, "closed_by": R, "created_at": R,
        "updated_at": R,
    },
    "monitoring.BoneHealthResult": {
        "id": R, "case": R, "kind": R, "value": R, "unit": R, "entered_value": R,
        "entered_unit": R, "measured_on": R, "note": R, "recorded_by": R, "created_at": R,
        "updated_at": R,
    },
    "monitoring.EnergyAvailability": {
        "id": R, "case": R, "date": R, "intake_kcal": R, "exercise_kcal": R, "ffm_kg": R,
        "ea": R, "note": R, "recorded_by": R, "created_at": R, "updated_at": R,
    },
    "athletes.AccessRecord": {  # the athlete (own) and the case's lead clinician
        "id": A, "case": A, "athlete": A, "user": A, "who": A, "role": A, "at": A, "what": A,
        "path": A, "ip": A,
    },
    "athletes.Invitation": {  # its author and the clinic's administrators (may_manage)
        "id": R, "clinic": R, "email": R, "kind": R, "athlete": R, "case": R, "role": R,
        "created_by": R, "created_at": R, "sent_at": R, "send_count": R, "expires_at": R,
        "updated_at": R,
        "accepted_at": R, "accepted_user": R, "revoked_at": R, "revoked_by": R, "teams": R,
        "token_hash": I,
    },
}  # fmt: skip
"""Model label → field name → class. Historical models (django-simple-history) take their
model's classes; their own ``history_*`` fields are the clinical record's (``HISTORY``)."""

HISTORY: dict[str, FieldClass] = {
    "history_id": C, "history_date": C, "history_change_reason": C, "history_type": C,
    "history_user": C,
}  # fmt: skip

SUMMARY_READS = frozenset({FieldClass.COACH_SAFE, FieldClass.ROW})
"""What everyone on a case may read (the API's summary view, the coach's pages)."""
CLINICAL_READS = frozenset(
    {FieldClass.CLINICAL, FieldClass.COACH_SAFE, FieldClass.ATHLETE_OWN, FieldClass.ROW}
)
"""What the case's clinical roles and its athlete read (the API's clinical view)."""
READS: dict[str, frozenset[FieldClass]] = {
    "summary": SUMMARY_READS,
    "clinical": CLINICAL_READS,
    "library": frozenset({FieldClass.LIBRARY}),
}
"""A serializer's reader → the classes it may carry (``athletes.api.base.Classified``)."""


def class_of(label: str, field: str) -> FieldClass:
    """The class of a model's field; an unknown one fails loudly (it must be declared)."""
    base = label.replace(".Historical", ".", 1) if ".Historical" in label else None
    if base is not None and field in HISTORY:
        return HISTORY[field]
    try:
        return FIELDS[base or label][field]
    except KeyError:
        raise LookupError(
            f"{label}.{field} has no class: declare it in athletes.permissions.classification"
        ) from None


def classes_for(user: User | None, case: Case) -> frozenset[FieldClass]:
    """The classes of the case's data the user may read (empty when they are not on it)."""
    role = role_on(user, case)
    if role is None:
        return frozenset()
    if role_sees_clinical(user, case, role):
        return CLINICAL_READS
    return SUMMARY_READS


def can_read(user: User | None, case: Case, label: str, field: str) -> bool:
    """May the user read this field of the case's records? (``"monitoring.Review", "note"``)"""
    return class_of(label, field) in classes_for(user, case)
