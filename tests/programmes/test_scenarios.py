"""Run-walk programmes through the real services, as stories in dates.

Gallatin & Graver 2019 (clinical.md §6): walk:run 4:1, 3:2, 2:3, 1:4, then 30 min continuous,
advancing without pain, at least one rest day between runs; 2 pain-free completed sessions a
stage and the 2/10 pain limit are clinic protocol (programmes.yaml). OUH 2024: the conservative
tibia template's default, stepping down a level with pain."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.evaluation import services as evaluation
from monitoring.evaluation.programmes import phase_programme_state
from monitoring.ingest.items import daily_log_record
from monitoring.models import ActivitySession, Flag
from protocols import services as plan_services
from protocols.models import PlanEdit, PlanPhase, ProtocolTemplate

from .conftest import at, day, run

pytestmark = pytest.mark.django_db


def state(phase, n):
    phase.refresh_from_db()
    return phase_programme_state(phase, phase.plan.case.athlete_id, day(n))


def test_a_walk_run_phase_gets_its_own_copy_of_its_templates_programme(case, clinician, phase):
    assert phase.programme["slug"] == "gallatin-graver2019"
    others = PlanPhase.objects.filter(plan=phase.plan).exclude(pk=phase.pk)
    assert all(p.programme is None for p in others)  # no walk-run prescription, no programme
    conservative = ProtocolTemplate.objects.get(
        slug="tibia-low-risk-conservative", status="published"
    )
    case.plans.filter(status="draft").delete()
    plan = plan_services.plan_create(case=case, template=conservative, created_by=clinician)
    walk_run = [p for p in plan.phases.all() if p.programme]
    assert [p.programme["slug"] for p in walk_run] == ["ouh2024"]
    assert walk_run[0].programme["pain_limit"] == 0  # OUH: step down a level with pain


def test_pain_free_sessions_step_up_and_rest_days_are_respected(case, athlete_user, phase):
    with at(0):
        run(case, athlete_user, 0, 1)
    with at(2):
        run(case, athlete_user, 2, 1)
    s = state(phase, 2)
    assert (s.stage, s.sessions_done, s.ran_today) == (2, 0, True)
    s = state(phase, 3)
    assert not s.run_due and s.next_run_on == day(4)  # a rest day between runs
    assert state(phase, 4).run_due


def test_missing_pain_is_not_pain_free(case, athlete_user, phase):
    with at(0):
        run(case, athlete_user, 0, 1, pain=None)
    with at(2):
        run(case, athlete_user, 2, 1, completion="stopped_early")
    s = state(phase, 4)
    assert (s.stage, s.sessions_done) == (1, 0)


def test_pain_proposes_a_step_down_flag_the_athlete_sees_the_lower_stage_and_a_clinician_confirms(
    client, case, clinician, athlete_user, phase
):
    for n in (0, 2):
        with at(n):
            run(case, athlete_user, n, 1)
    with at(4):
        run(case, athlete_user, 4, 2, pain=4)
        evaluation.case_evaluate(case_id=case.pk, today=day(4))
        flag = Flag.objects.get(case=case, kind=Flag.Kind.PROGRAMME_STEP_DOWN)
        assert flag.status == Flag.Status.OPEN
        assert "pain during the run was 4/10, above the limit of 2" in flag.message
        assert "stage 2 to stage 1" in flag.message
        # the flag's evaluation says what the step down is, beside the phase's evaluation
        assert flag.evaluation["programme_step_down"] == {
            "trigger": day(4).isoformat(),
            "from_stage": 2,
            "to_stage": 1,
            "reasons": ["pain during the run was 4/10, above the limit of 2"],
        }
        assert flag.evaluation["phase"] == phase.name
        # The athlete is not offered the harder stage while the step down waits.
        client.force_login(athlete_user)
        page = client.get(reverse("athlete:today")).content.decode()
        assert "Run-walk programme: stage 1 of 5" in page and "Ask your team" in page
    with at(5):
        client.force_login(clinician)
        url = reverse("clinic:programme_decide", args=[case.pk, phase.pk])
        page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
        assert "Step down proposed: stage 2 → 1" in page
        response = client.post(
            url, {"trigger": day(4).isoformat(), "decision": "confirmed", "reason": "Shin sore."}
        )
        assert response.status_code == 302
        again = client.post(
            url, {"trigger": day(4).isoformat(), "decision": "declined", "reason": "Twice."}
        )
        assert again.status_code == 302  # a repeated submission changes nothing
        evaluation.case_evaluate(case_id=case.pk, today=day(5))
    phase.refresh_from_db()
    [decision] = phase.programme["decisions"]
    assert decision["decision"] == "confirmed" and decision["by_id"] == clinician.pk
    assert decision["reason"] == "Shin sore." and decision["at"]
    s = state(phase, 5)
    assert (s.stage, s.sessions_done, s.step_down) == (1, 0, None)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RESOLVED


def test_a_declined_step_down_keeps_the_stage(client, case, clinician, athlete_user, phase):
    for n in (0, 2):
        with at(n):
            run(case, athlete_user, n, 1)
    with at(4):
        run(case, athlete_user, 4, 2, pain=3)
        client.force_login(clinician)
        client.post(
            reverse("clinic:programme_decide", args=[case.pk, phase.pk]),
            {"trigger": day(4).isoformat(), "decision": "declined", "reason": "Knee, not shin."},
        )
    s = state(phase, 4)
    assert (s.stage, s.step_down) == (2, None)


def test_the_criterion_gates_the_next_phase(case, athlete_user, phase):
    PlanPhase.objects.filter(pk=phase.pk).update(
        min_days=1,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 1},
            {"kind": "programme_stage", "stage": 2},
        ],
        regress_when=[],
    )
    for n in range(4):
        with at(n):
            daily_log_record(
                athlete=case.athlete,
                date=day(n),
                submitted_by=athlete_user,
                fields={},
                today=day(n),
            )
    with at(1):
        run(case, athlete_user, 1, 1)
        result = evaluation.case_evaluate(case_id=case.pk, today=day(1))
        assert not Flag.objects.filter(case=case, kind=Flag.Kind.READY_TO_ADVANCE).exists()
    with at(3):
        run(case, athlete_user, 3, 1)
        result = evaluation.case_evaluate(case_id=case.pk, today=day(3))
    assert result is not None, result
    assert [(r.kind, r.met) for r in result.advance][-1] == ("programme_stage", True), (
        result.summary
    )
    assert result.ready, result.summary
    assert Flag.objects.filter(
        case=case, kind=Flag.Kind.READY_TO_ADVANCE, status=Flag.Status.OPEN
    ).exists()


def test_bad_stages_are_refused_with_field_errors_and_nothing_is_written(
    client, case, clinician, phase
):
    before = phase.programme
    client.force_login(clinician)
    url = reverse("clinic:programme", args=[case.pk, phase.pk])
    data = {
        "slug": "",
        "rest_days": "1",
        "pain_limit": "2",
        "reason": "Shorter runs",
        "stage-TOTAL_FORMS": "2",
        "stage-INITIAL_FORMS": "0",
        "stage-0-run": "-1",
        "stage-0-walk": "4",
        "stage-0-repeats": "6",
        "stage-0-sessions": "2",
        "stage-1-run": "2",
        "stage-1-walk": "3",
        "stage-1-repeats": "0",
        "stage-1-sessions": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Run minutes must be between 1 and 120." in page
    assert "Repeats must be between 1 and 60." in page
    phase.refresh_from_db()
    assert phase.programme == before and not PlanEdit.objects.filter(plan=phase.plan).exists()
    response = client.post(url, {**data, "stage-0-run": "1", "stage-1-repeats": "6"})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert [s["run"] for s in phase.programme["stages"]] == [1, 2]
    assert PlanEdit.objects.get(plan=phase.plan).reason == "Shorter runs"


def test_the_api_takes_the_session_fields_and_refuses_bad_ones(api, case, athlete_user, plan):
    client = api(athlete_user)
    with at(3):
        body = {
            "athlete": case.athlete_id,
            "date": day(3).isoformat(),
            "activity": "walk_run",
            "minutes": 30,
            "programme_stage": 1,
            "completion": "stopped_early",
            "pain_during": 0,
        }
        response = client.post("/api/v1/sessions/", {**body, "external_id": "w1"}, format="json")
        assert response.status_code == 201, response.content
        session = ActivitySession.objects.get()
        assert (session.programme_stage, session.completion) == (1, "stopped_early")
        bad = client.post(
            "/api/v1/sessions/",
            {**body, "external_id": "w2", "completion": "maybe", "programme_stage": 0},
            format="json",
        )
        assert bad.status_code == 400
        assert {"completion", "programme_stage"} <= set(bad.json()["errors"])


def test_the_plans_api_reads_and_edits_the_programme(api, case, clinician, coach, plan):
    url = f"/api/v1/plans/{plan.pk}/programme/"
    with at(3):
        mine = api(clinician).get(url)
        assert mine.status_code == 200
        [item] = mine.json()
        assert item["state"]["stage"] == 1 and item["stages"][0]["label"].startswith("Run 1 min")
        assert "decisions" in item
        theirs = api(coach).get(url).json()[0]
        assert (
            "decisions" not in theirs
            and "citations" not in theirs
            and theirs["state"]["stage"] == 1
        )
        bad = api(clinician).put(
            url,
            {"phase": plan.current_phase_id, "stages": [{"run": 2, "walk": -1, "repeats": 0,
                                                          "sessions": 2}], "reason": "x"},
            format="json",
        )  # fmt: skip
        assert bad.status_code == 400
        assert {"stages.0.walk", "stages.0.repeats"} <= set(bad.json()["errors"])
        assert (
            api(coach).put(url, {"phase": plan.current_phase_id}, format="json").status_code == 403
        )
        ok = api(clinician).put(
            url, {"phase": plan.current_phase_id, "slug": "ouh2024", "reason": "OUH"}, format="json"
        )
        assert ok.status_code == 200 and ok.json()[0]["name"].startswith("Oxford")


def test_the_coach_sees_the_stage_and_no_clinical_text(client, case, coach, athlete_user, phase):
    for n in (0, 2):
        with at(n):
            run(case, athlete_user, n, 1)
    with at(4):
        run(case, athlete_user, 4, 2, pain=5)
        client.force_login(coach)
        page = client.get(reverse("coach:athlete", args=[case.pk])).content.decode()
        assert "stage 1 of 5" in page  # the lower stage, while the step down waits
        assert "5/10" not in page and "above the limit" not in page
        url = reverse("clinic:programme_decide", args=[case.pk, phase.pk])
        response = client.post(url, {"trigger": day(4).isoformat(), "decision": "confirmed",
                                     "reason": "x"})  # fmt: skip
        assert response.status_code == 404  # a coach has no clinic page of the case
    phase.refresh_from_db()
    assert not phase.programme.get("decisions")


def test_no_run_is_due_on_the_clinicians_card_while_a_red_flag_is_open(
    client, case, clinician, athlete_user, phase
):
    """Day 2's run hurt 7/10 during it: a red flag (severe pain with impact work, clinical.md
    §7). On day 4 a run would be due by the programme's rest days; the case page's programme
    card says there is none while the red flag is open, as the athlete's Today says stop."""
    with at(0):
        run(case, athlete_user, 0, 1)
    with at(2):
        run(case, athlete_user, 2, 1, pain=7)
        evaluation.case_evaluate(case_id=case.pk, today=day(2))
    assert Flag.objects.filter(case=case, kind=Flag.Kind.RED_FLAG).exists()
    with at(4):
        client.force_login(clinician)
        page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "No run while the red flag is open" in page and "A run is due today" not in page
    # the step down day 2's run proposes waits for the red flag's review, and says so
    card = page[page.index('id="run-programme"') :]
    assert "Step down proposed" in card
    assert "The athlete is told to stop while the red flag is open: review it first." in card


def test_the_log_offers_the_programme_run_at_its_stage(client, case, athlete_user, phase):
    """The daily log's one-tap suggestions start with the programme's run at the stage offered
    (its minutes, its stage filled in by the tap), in place of the plan's own runs; a tap
    chooses neither the pain nor whether it was finished."""
    with at(0):
        run(case, athlete_user, 0, 1)
    with at(2):
        run(case, athlete_user, 2, 1)
    with at(4):
        client.force_login(athlete_user)
        page = client.get(reverse("athlete:log")).content.decode()
    s = state(phase, 4)
    assert s.offered_stage == 2
    chips = page.split("data-quick-adds", 1)[1].split("</div>", 1)[0]
    minutes = s.offered.minutes
    assert f'data-activity="walk_run" data-minutes="{minutes}" data-programme-stage="2"' in chips
    assert f'Walk-run {minutes} min <span class="muted">(run-walk stage 2)</span>' in chips
    assert chips.count('data-activity="walk_run"') == 1 and chips.count("data-programme-stage") == 1
