"""The replay page: who may open it, replaying a changed threshold, saving it as a plan edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from protocols.models import PlanEdit, PlanPhase
from tests.return_to_play import record_return_decision

pytestmark = pytest.mark.django_db


def url(case, **query) -> str:
    base = reverse("whatif:case_replay", kwargs={"case_id": case.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def form_data(phase: PlanPhase, **overrides) -> dict:
    """The replay form as the page posts it: the phase's stored gates, row by row."""
    data = {"phase": phase.pk, "loaded": phase.pk, "ph-0-min_days": phase.min_days, "op": "replay"}
    for name in ("advance_when", "regress_when"):
        items = getattr(phase, name)
        data[f"ph-0-{name}-count"] = len(items)
        for j, item in enumerate(items):
            for key, value in item.items():
                if value is not None:
                    data[f"ph-0-{name}-{j}-{key}"] = "on" if value is True else value
    data.update(overrides)
    return data


def pain_row(phase: PlanPhase) -> int:
    return next(j for j, i in enumerate(phase.advance_when) if i["kind"] == "pain_max")


# --- who may ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, case, plan):
    response = client.get(url(case))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["clinician", "physio"])
def test_the_clinical_team_may_replay(client, case, plan, team, walk_run_logs, who):
    client.force_login(team[who])
    response = client.get(url(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert "not a prediction of healing" in body
    assert "Ready from 15 Nov 2026 with or without the change." in body


@pytest.mark.parametrize("who", ["coach"])
def test_a_coach_gets_404(client, case, plan, team, who):
    client.force_login(team[who])
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"op": "save"}).status_code == 404


def test_an_outsider_gets_404(client, case, plan, outsider):
    client.force_login(outsider)
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"op": "save"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("athlete", 404), ("nutritionist", 403), ("psychologist", 403)]
)
def test_members_who_may_not_edit_the_plan_are_refused(client, case, plan, team, who, status):
    """The athlete has no clinic page of the case (404); the others see it but may not edit."""
    client.force_login(team[who])
    assert client.get(url(case)).status_code == status
    assert client.post(url(case), {"op": "save"}).status_code == status


# --- replaying --------------------------------------------------------------------------------


def test_lowering_the_pain_limit_moves_readiness_later(client, case, plan, team, walk_run_logs):
    phase = plan.current_phase
    client.force_login(team["clinician"])
    j = pain_row(phase)
    response = client.post(url(case), form_data(phase, **{f"ph-0-advance_when-{j}-max": 1}))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.before.first_ready == dt.date(2026, 11, 15)
    assert comparison.after.first_ready == dt.date(2026, 11, 17)
    assert "2 days later than as it is (15 Nov 2026)" in response.content.decode()
    # Read-only: the plan is as it was.
    phase.refresh_from_db()
    assert phase.advance_when[j]["max"] == 2
    assert not PlanEdit.objects.exists()


def test_a_bad_threshold_is_a_field_error_not_a_500(client, case, plan, team, walk_run_logs):
    phase = plan.current_phase
    client.force_login(team["clinician"])
    j = pain_row(phase)
    data = form_data(phase, **{f"ph-0-advance_when-{j}-max": 14, "ph-0-min_days": "soon"})
    response = client.post(url(case), data)
    assert response.status_code == 400
    editor = response.context["editor"]
    assert editor.section("advance_when").rows[j].errors["max"]
    assert editor.form.errors["min_days"] == ["Enter a whole number of days."]
    assert response.context["comparison"] is None


def test_removing_and_adding_a_row_replays_nothing(client, case, plan, team, walk_run_logs):
    phase = plan.current_phase
    client.force_login(team["clinician"])
    response = client.post(url(case), form_data(phase, op="remove_crit:0:advance_when:0"))
    assert response.status_code == 200
    editor = response.context["editor"]
    assert len(editor.section("advance_when").rows) == len(phase.advance_when) - 1
    response = client.post(url(case), form_data(phase, op="add_crit:0:regress_when"))
    assert len(response.context["editor"].section("regress_when").rows) == 5


def test_a_past_phase_can_be_replayed(client, case, plan, team, walk_run_logs):
    first = plan.phases.get(order=1)
    client.force_login(team["clinician"])
    response = client.get(url(case, phase=first.pk))
    assert response.status_code == 200
    assert response.context["phase"] == first
    assert response.context["ctx"].chosen.end == dt.date(2026, 11, 1)


def test_a_phase_not_yet_started_is_not_offered(client, case, plan, team):
    third = plan.phases.get(order=3)
    client.force_login(team["clinician"])
    response = client.get(url(case, phase=third.pk))
    assert response.status_code == 302


def test_a_case_without_a_plan_says_so(client, case, team):
    client.force_login(team["clinician"])
    response = client.get(url(case))
    assert response.status_code == 200
    assert "no plan under way" in response.content.decode()


# --- saving -----------------------------------------------------------------------------------


def test_saving_records_a_plan_edit_with_the_reason(
    client, case, plan, team, walk_run_logs, django_capture_on_commit_callbacks
):
    phase = plan.current_phase
    client.force_login(team["physio"])
    j = pain_row(phase)
    data = form_data(
        phase,
        op="save",
        **{"ph-0-reason": "Stricter for a high-mileage runner.", f"ph-0-advance_when-{j}-max": 1},
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url(case), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/clinic/cases/{case.pk}/#history")
    phase.refresh_from_db()
    assert phase.advance_when[j]["max"] == 1
    edit = PlanEdit.objects.get()
    assert edit.reason == "Stricter for a high-mileage runner."
    assert edit.edited_by == team["physio"]
    assert edit.changes[0]["field"] == "advance_when"
    assert callbacks, "the case is evaluated again after the change"


def test_saving_needs_a_reason(client, case, plan, team, walk_run_logs):
    phase = plan.current_phase
    client.force_login(team["clinician"])
    j = pain_row(phase)
    data = form_data(phase, op="save", **{"ph-0-reason": "  ", f"ph-0-advance_when-{j}-max": 1})
    response = client.post(url(case), data)
    assert response.status_code == 400
    assert response.context["editor"].form.errors["reason"]
    assert not PlanEdit.objects.exists()
    assert response.context["comparison"] is not None  # the replay still shows


def test_a_finished_plan_is_replayed_but_not_saved(client, case, plan, team, walk_run_logs):
    from protocols import services as plan_services

    for _ in range(2):
        plan.refresh_from_db()
        plan_services.transition_decide(
            plan=plan,
            kind="advance",
            decided_by=team["clinician"],
            reason="On track",
            effective_on=dt.date(2026, 11, 18),
        )
    plan.refresh_from_db()
    record_return_decision(case, team["clinician"], today=dt.date(2026, 11, 19))  # StARRT
    plan_services.transition_decide(
        plan=plan,
        kind="complete",
        decided_by=team["clinician"],
        reason="Returned",
        effective_on=dt.date(2026, 11, 19),
    )
    phase = plan.phases.get(order=2)
    client.force_login(team["clinician"])
    response = client.get(url(case, phase=phase.pk))
    assert response.status_code == 200
    assert "cannot be saved" in response.content.decode()
    response = client.post(url(case), form_data(phase, op="save", **{"ph-0-reason": "Why not"}))
    assert response.status_code == 400
    assert "A finished plan cannot be changed." in response.context["editor"].errors
