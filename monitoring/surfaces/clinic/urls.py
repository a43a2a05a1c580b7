"""URLs of the clinic pages (the plan builder and template library live in
``protocols.builder.urls``)."""

from django.urls import path

from monitoring.surfaces.clinic.views import (
    batteries,
    bone_health,
    care_team,
    case_new,
    case_page,
    cases,
    documents,
    flags,
    lifecycle,
    programme,
    return_to_play,
    running,
    webhooks,
)

app_name = "clinic"
urlpatterns = [
    path("", cases.cases, name="cases"),
    path("inbox/", cases.inbox, name="inbox"),
    path("nav-counts/", cases.nav_counts, name="nav_counts"),
    path("contact/", cases.contact, name="contact"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/<int:webhook_id>/", webhooks.webhook_action, name="webhook_action"),
    path("cases/new/", case_new.case_new, name="case_new"),
    path("cases/new/implications/", case_new.case_implications, name="case_implications"),
    path("cases/<int:case_id>/", case_page.case, name="case"),
    path("cases/<int:case_id>/decide/", case_page.case_decide, name="case_decide"),
    path("cases/<int:case_id>/sign-off/", case_page.case_sign_off, name="case_sign_off"),
    path(
        "cases/<int:case_id>/phases/<int:phase_id>/programme/",
        programme.programme_edit,
        name="programme",
    ),
    path(
        "cases/<int:case_id>/phases/<int:phase_id>/programme/decide/",
        programme.programme_decide,
        name="programme_decide",
    ),
    path("cases/<int:case_id>/start-date/", case_page.case_start_date, name="case_start_date"),
    path("cases/<int:case_id>/undo-decision/", case_page.case_undo_decision, name="case_undo"),
    path("cases/<int:case_id>/assessments/", case_page.assessment_new, name="assessment_new"),
    path("cases/<int:case_id>/batteries/", batteries.battery_new, name="battery_new"),
    path("cases/<int:case_id>/femoral-neck/", case_page.femoral_neck_new, name="femoral_neck_new"),
    path("cases/<int:case_id>/running/baseline/", running.baseline, name="running_baseline"),
    path("cases/<int:case_id>/running/cadence/", running.cadence_goal, name="cadence_goal"),
    path("cases/<int:case_id>/running/gait/", running.gait_check, name="gait_check"),
    path("cases/<int:case_id>/discharge/", lifecycle.discharge, name="case_discharge"),
    path("cases/<int:case_id>/close/", lifecycle.close, name="case_close"),
    path(
        "cases/<int:case_id>/return-decision/",
        return_to_play.return_decision,
        name="return_decision",
    ),
    path(
        "cases/<int:case_id>/readiness/<str:instrument>/",
        return_to_play.readiness,
        name="readiness_record",
    ),
    path(
        "cases/<int:case_id>/involve-psychologist/",
        return_to_play.involve_psychologist,
        name="involve_psychologist",
    ),
    path("cases/<int:case_id>/plan-summary/", documents.summary, name="case_summary"),
    path("cases/<int:case_id>/clearance-letter/", documents.letter, name="case_letter"),
    path("cases/<int:case_id>/team/add/", care_team.member_add, name="team_add"),
    path("cases/<int:case_id>/team/invite/", care_team.member_invite, name="team_invite"),
    path("cases/<int:case_id>/team/<int:user_id>/role/", care_team.member_role, name="team_role"),
    path(
        "cases/<int:case_id>/team/<int:user_id>/remove/",
        care_team.member_remove,
        name="team_remove",
    ),
    path(
        "cases/<int:case_id>/team/<int:user_id>/lead/",
        care_team.hand_over_lead,
        name="team_lead",
    ),
    path(
        "cases/<int:case_id>/flags/<int:flag_id>/acknowledge/",
        flags.flag_acknowledge,
        name="flag_acknowledge",
    ),
    path(
        "cases/<int:case_id>/flags/<int:flag_id>/resolve/",
        flags.flag_resolve,
        name="flag_resolve",
    ),
    path("cases/<int:case_id>/bone/results/", bone_health.bone_result_new, name="bone_result_new"),
    path("cases/<int:case_id>/bone/energy/", bone_health.energy_new, name="energy_new"),
    path("cases/<int:case_id>/bone/facts/", bone_health.bone_facts, name="bone_facts"),
    path("cases/<int:case_id>/bone/tasks/", bone_health.workup_sync, name="workup_sync"),
    path(
        "cases/<int:case_id>/bone/tasks/<int:task_id>/",
        bone_health.workup_task,
        name="workup_task",
    ),
]
