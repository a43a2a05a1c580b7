"""Exercise prescriptions on phases: copied from template to plan, the library's defaults on
plans made from shipped templates, and the builder's page (field errors for bad input, a plan
edit recorded, clinicians only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from protocols import services
from protocols.library import exercises as library
from protocols.models import PlanEdit, ProtocolTemplate
from rehab.errors import ApplicationError
from tests.plans import PHASES

from .conftest import EXERCISES

pytestmark = pytest.mark.django_db


def test_a_templates_exercises_are_copied_to_the_plan(case, clinician):
    phases = [dict(p) for p in PHASES]
    phases[1] = {**phases[1], "exercises": EXERCISES[:2]}
    template = services.template_draft_create(
        slug="with-exercises", name="With exercises", sites=["posteromedial_tibia"],
        risk="low", phases=phases, created_by=clinician,
    )  # fmt: skip
    template = services.template_publish(template=template, published_by=clinician)
    assert template.phases.get(order=2).exercises[0]["exercise"] == "calf-raise-single"
    plan = services.plan_create(case=case, template=template, created_by=clinician)
    copied = plan.phases.get(order=2).exercises
    assert [row["exercise"] for row in copied] == ["calf-raise-single", "balance-eyes-open"]
    assert copied[1]["seconds"] == 30 and copied[1]["reps"] is None
    assert plan.phases.get(order=1).exercises == []  # not shipped: no defaults added


def test_a_plan_from_a_shipped_template_starts_with_the_librarys_defaults(case, clinician):
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    assert all(p.exercises == [] for p in template.phases.all())  # the shipped version as is
    plan = services.plan_create(case=case, template=template, created_by=clinician)
    for phase in plan.phases.all():
        key = library.default_key(
            weight_bearing=phase.weight_bearing, crutches=phase.crutches,
            impact=phase.impact, order=phase.order,
        )  # fmt: skip
        assert [r["exercise"] for r in phase.exercises] == [
            r["exercise"] for r in library.DEFAULTS[key]
        ]
    # every default fits its phase's impact: the plan starts as it validates
    services.plan_start(plan=plan, started_by=clinician, started_on=case.diagnosed_on)


def test_an_exercise_with_more_impact_than_the_phase_is_refused(phase, clinician):
    with pytest.raises(ApplicationError) as caught:
        services.phase_exercises_update(
            phase=phase,
            exercises=[{"exercise": "single-leg-hops", "sets": 3, "reps": 10, "per_week": 2}],
            edited_by=clinician,
        )
    assert "high impact" in caught.value.errors["0.exercise"][0]


def test_the_builder_page_saves_a_phases_exercises_as_a_plan_edit(client, clinician, phase):
    client.force_login(clinician)
    url = reverse("plans:exercises", kwargs={"case_id": phase.plan.case_id})
    page = client.get(url)
    assert page.status_code == 200 and "Single-leg calf raise" in page.content.decode()
    p = f"ph{phase.pk}"
    data = {"phase": phase.pk, f"{p}-count": 2, "reason": "Add a plank"}
    data |= {f"{p}-0-exercise": "plank", f"{p}-0-sets": "3", f"{p}-0-per_week": "4"}
    data |= {f"{p}-1-exercise": "calf-raise-single", f"{p}-1-sets": "3", f"{p}-1-reps": "15",
             f"{p}-1-per_week": "3"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.exercises[0] == {
        "exercise": "plank", "sets": 3, "reps": None, "seconds": 30, "per_week": 4, "notes": "",
    }  # fmt: skip
    edit = PlanEdit.objects.filter(plan=phase.plan).first()
    assert edit.reason == "Add a plank" and edit.changes[0]["field"] == "exercises"


def test_bad_input_on_the_builder_page_is_field_errors_and_nothing_saved(client, clinician, phase):
    client.force_login(clinician)
    url = reverse("plans:exercises", kwargs={"case_id": phase.plan.case_id})
    p = f"ph{phase.pk}"
    data = {"phase": phase.pk, f"{p}-count": 2}
    data |= {f"{p}-0-exercise": "plank", f"{p}-0-sets": "-3", f"{p}-0-per_week": "2"}
    data |= {f"{p}-1-exercise": "nonsense", f"{p}-1-sets": "x", f"{p}-1-per_week": "99"}
    before = list(phase.exercises)
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Must be between 1 and 10." in body
    assert "Enter a whole number." in body and "Must be between 1 and 14." in body
    phase.refresh_from_db()
    assert phase.exercises == before


@pytest.mark.parametrize(
    ("who", "status"), [("coach", 404), ("athlete_user", 404), ("outsider", 404)]
)
def test_only_the_cases_clinicians_edit_exercises(request, client, phase, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("plans:exercises", kwargs={"case_id": phase.plan.case_id})
    assert client.get(url).status_code == status
    p = f"ph{phase.pk}"
    response = client.post(url, {"phase": phase.pk, f"{p}-count": 0})
    assert response.status_code == status
    phase.refresh_from_db()
    assert len(phase.exercises) == 3
