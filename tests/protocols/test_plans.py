"""Templates (versions, publishing) and plans (individualize, start, decide)."""

import datetime as dt

import pytest
from django.db import IntegrityError

from protocols import services
from protocols.engine.projection import project
from protocols.models import PhaseTransition, Plan, PlanEdit, ProtocolTemplate
from rehab.errors import ApplicationError
from tests.plans import PHASES, published_template, running_plan
from tests.return_to_play import record_return_decision

D0 = dt.date(2026, 10, 1)


def test_publishing_freezes_and_editing_makes_a_new_draft_version(clinician):
    v1 = published_template(clinician)
    assert v1.status == "published" and v1.is_frozen
    with pytest.raises(ApplicationError):
        services.template_draft_update(
            template=v1, phases=PHASES, name="x", sites=v1.sites, risk="low"
        )
    draft = services.template_new_draft(template=v1, created_by=clinician)
    assert (draft.version, draft.status) == (2, "draft")
    assert services.template_new_draft(template=v1, created_by=clinician) == draft
    services.template_publish(template=draft, published_by=clinician)
    v1.refresh_from_db()
    assert v1.status == "retired"
    assert ProtocolTemplate.objects.filter(slug=v1.slug, status="published").count() == 1


def test_one_published_version_per_template_is_a_database_rule(clinician):
    v1 = published_template(clinician)
    with pytest.raises(IntegrityError):
        ProtocolTemplate.objects.create(
            slug=v1.slug, version=2, name="x", risk="low", status="published"
        )


def test_invalid_phases_are_reported_by_phase_and_field(clinician):
    bad = [
        {
            **PHASES[0],
            "min_days": 30,
            "typical_days": 10,
            "advance_when": [{"kind": "pain_max", "field": "during", "max": 12}],
        }
    ]
    with pytest.raises(ApplicationError) as err:
        services.template_draft_create(
            slug="bad", name="Bad", sites=["fibula"], risk="low", phases=bad, created_by=clinician
        )
    assert "phases.0.typical_days" in err.value.errors
    assert "phases.0.advance_when.0.max" in err.value.errors
    assert not ProtocolTemplate.objects.filter(slug="bad").exists()


def test_a_phase_needs_an_advance_criterion(clinician):
    with pytest.raises(ApplicationError) as err:
        services.template_draft_create(
            slug="x",
            name="X",
            sites=["fibula"],
            risk="low",
            created_by=clinician,
            phases=[{"name": "Only", "advance_when": []}],
        )
    assert "phases.0.advance_when" in err.value.errors


def test_plan_copies_the_template_and_later_template_edits_never_change_it(case, clinician):
    template = published_template(clinician)
    plan = services.plan_create(case=case, template=template, created_by=clinician)
    names = list(plan.phases.values_list("name", flat=True))
    assert names == [p["name"] for p in PHASES]
    draft = services.template_new_draft(template=template, created_by=clinician)
    services.template_draft_update(
        template=draft,
        name=draft.name,
        sites=draft.sites,
        risk="low",
        phases=[{**PHASES[0], "name": "Renamed"}, *PHASES[1:]],
    )
    services.template_publish(template=draft, published_by=clinician)
    assert list(plan.phases.values_list("name", flat=True)) == names
    assert plan.template_version == 1


def test_a_high_risk_case_cannot_use_a_low_risk_template(clinician, case):
    case.site, case.risk = "navicular", "high"
    case.save()
    with pytest.raises(ApplicationError) as err:
        services.plan_create(
            case=case, template=published_template(clinician), created_by=clinician
        )
    assert "template" in err.value.errors


def test_start_records_a_transition_and_one_active_plan_per_case(case, clinician):
    plan = running_plan(case, clinician, started_on=D0)
    assert plan.status == "active" and plan.current_phase.order == 1
    start = plan.transitions.get()
    assert (start.kind, start.decided_by, start.effective_on) == ("start", clinician, D0)
    with pytest.raises(IntegrityError):
        Plan.objects.create(case=case, name="second", status="active")


def test_individualize_records_the_edit_with_a_diff(case, clinician):
    plan = services.plan_create(
        case=case, template=published_template(clinician), created_by=clinician
    )
    phases = [{**p.spec_fields(), "id": p.pk} for p in plan.phases.order_by("order")]
    phases[1]["advance_when"][1]["max"] = 1
    phases = [phases[0], phases[2], phases[1], phases[3]]  # reorder
    del phases[3]  # remove "Full return"
    phases.append({"name": "Maintenance", "advance_when": [{"kind": "clinician_signoff"}]})
    edit = services.plan_phases_update(plan=plan, phases=phases, edited_by=clinician)
    assert isinstance(edit, PlanEdit)
    kinds = {c["change"] for c in edit.changes}
    assert kinds == {"edited", "reordered", "removed", "added"}
    assert list(plan.phases.order_by("order").values_list("name", flat=True)) == [
        "Protected loading",
        "Running progression",
        "Walk-run",
        "Maintenance",
    ]
    again = [{**p.spec_fields(), "id": p.pk} for p in plan.phases.order_by("order")]
    assert services.plan_phases_update(plan=plan, phases=again, edited_by=clinician) is None


def test_active_plan_edits_need_a_reason_and_keep_started_phases(case, clinician):
    plan = running_plan(case, clinician, started_on=D0)
    phases = [{**p.spec_fields(), "id": p.pk} for p in plan.phases.order_by("order")]
    with pytest.raises(ApplicationError) as err:
        services.plan_phases_update(
            plan=plan, phases=phases[1:] + phases[:1], edited_by=clinician, reason="try"
        )
    assert "phases" in err.value.errors
    phases[2]["min_days"] = 21
    phases[2]["typical_days"] = 28
    with pytest.raises(ApplicationError):
        services.plan_phases_update(plan=plan, phases=phases, edited_by=clinician)
    edit = services.plan_phases_update(
        plan=plan, phases=phases, edited_by=clinician, reason="Grade 3 on MRI review"
    )
    assert edit.reason == "Grade 3 on MRI review"


def test_only_clinical_roles_change_plans(case, clinician, coach, physio):
    template = published_template(clinician)
    with pytest.raises(ApplicationError):
        services.plan_create(case=case, template=template, created_by=coach)
    assert services.plan_create(case=case, template=template, created_by=physio)


def test_advance_regress_hold_complete(case, clinician):
    plan = running_plan(case, clinician, started_on=D0)
    p1, p2, p3, p4 = plan.phases.order_by("order")
    t = services.transition_decide(
        plan=plan,
        kind="advance",
        decided_by=clinician,
        reason="All criteria met",
        effective_on=D0.replace(day=9),
        evaluation={"ready": True},
        expected_phase_id=p1.pk,
    )
    assert (t.from_phase, t.to_phase, t.evaluation) == (p1, p2, {"ready": True})
    plan.refresh_from_db()
    assert plan.current_phase == p2
    # A repeated submission of the same decision changes nothing and says why.
    with pytest.raises(ApplicationError, match="changed since"):
        services.transition_decide(
            plan=plan,
            kind="advance",
            decided_by=clinician,
            reason="All criteria met",
            effective_on=D0.replace(day=9),
            expected_phase_id=p1.pk,
        )
    services.transition_decide(
        plan=plan,
        kind="hold",
        decided_by=clinician,
        reason="Wait for hop test",
        effective_on=D0.replace(day=12),
    )
    plan.refresh_from_db()
    assert plan.current_phase == p2
    services.transition_decide(
        plan=plan,
        kind="regress",
        decided_by=clinician,
        reason="Pain rising",
        effective_on=D0.replace(day=14),
    )
    plan.refresh_from_db()
    assert plan.current_phase == p1
    p1.refresh_from_db()
    assert (p1.started_on, p1.ended_on) == (D0.replace(day=14), None)
    with pytest.raises(ApplicationError):
        services.transition_decide(
            plan=plan,
            kind="complete",
            decided_by=clinician,
            reason="",
            effective_on=D0.replace(day=15),
        )
    for target in (p2, p3, p4):
        plan.refresh_from_db()
        services.transition_decide(
            plan=plan,
            kind="advance",
            decided_by=clinician,
            reason="ok",
            effective_on=D0.replace(day=20),
            to_phase=target,
        )
    plan.refresh_from_db()
    record_return_decision(case, clinician, today=D0.replace(day=28))  # StARRT first
    services.transition_decide(
        plan=plan,
        kind="complete",
        decided_by=clinician,
        reason="Returned to full training",
        effective_on=D0.replace(day=28),
    )
    plan.refresh_from_db()
    case.refresh_from_db()
    assert plan.status == "completed" and case.status == "returned"
    assert plan.transitions.count() == 8
    assert set(plan.transitions.values_list("kind", flat=True)) == set(PhaseTransition.Kind) - {
        "stop"
    }


def test_coach_cannot_decide(case, clinician, coach):
    plan = running_plan(case, clinician, started_on=D0)
    with pytest.raises(ApplicationError):
        services.transition_decide(
            plan=plan, kind="advance", decided_by=coach, reason="go", effective_on=D0
        )


def test_projection_earliest_and_typical(case, clinician):
    plan = running_plan(case, clinician, started_on=D0)
    projection = project(list(plan.phases.all()), today=D0.replace(day=3))
    first, second, *_ = projection.phases
    assert first.status == "current"
    assert second.earliest_start == D0 + dt.timedelta(days=7)
    assert second.typical_start == D0 + dt.timedelta(days=10)
    assert projection.earliest_return == D0 + dt.timedelta(days=7 + 14 + 14)
    assert projection.typical_return == D0 + dt.timedelta(days=10 + 21 + 21)
    late = project(list(plan.phases.all()), today=D0 + dt.timedelta(days=30))
    assert late.phases[1].earliest_start == D0 + dt.timedelta(days=30)
