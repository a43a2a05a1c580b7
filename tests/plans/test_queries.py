"""The builder and library pages use a constant number of queries, whatever their size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from protocols import services
from tests.plans.conftest import make_template


def _request_queries() -> int:
    """Every logged-in request: the session, the user."""
    return 2


@pytest.fixture
def builder_for(client, clinician, case, today):
    """The builder of the case, with a draft plan from a template of ``n`` phases."""

    def make(n: int, *, active: bool = False):
        template = make_template(clinician, slug=f"q{n}", name=f"Query {n}", n_phases=n)
        plan = services.plan_create(case=case, template=template, created_by=clinician)
        if active:
            plan = services.plan_start(
                plan=plan, started_by=clinician, started_on=dt.date(2026, 10, 1)
            )
            phases = list(plan.phases.order_by("order"))
            for target in phases[1 : n // 2]:
                plan.refresh_from_db()
                services.transition_decide(
                    plan=plan,
                    kind="advance",
                    decided_by=clinician,
                    reason="Test",
                    effective_on=dt.date(2026, 10, 10),
                    to_phase=target,
                )
        client.force_login(clinician)
        return reverse("plans:builder", kwargs={"case_id": case.pk})

    return make


@pytest.mark.parametrize("phases", [4, 12])
def test_builder_with_a_draft(builder_for, client, phases, django_assert_num_queries):
    url = builder_for(phases)
    # session, user, case (with the viewer's role), the access record, plans, their phases,
    # suggested templates, their phases
    with django_assert_num_queries(_request_queries() + 6):
        response = client.get(url)
    assert len(response.context["editor"].blocks) == phases


@pytest.mark.parametrize("phases", [4, 12])
def test_builder_of_an_active_plan(builder_for, client, phases, django_assert_num_queries):
    url = builder_for(phases, active=True)
    # session, user, case, the access record, plans, their phases, suggested templates,
    # their phases
    with django_assert_num_queries(_request_queries() + 6):
        response = client.get(url)
    assert sum(b.frozen for b in response.context["editor"].blocks) == phases // 2 - 1


@pytest.mark.parametrize(("templates", "phases"), [(1, 4), (6, 12)])
def test_builder_suggestions(client, clinician, case, templates, phases, django_assert_num_queries):
    for n in range(templates):
        make_template(clinician, slug=f"s{n}", name=f"Suggested {n}", n_phases=phases)
    client.force_login(clinician)
    url = reverse("plans:builder", kwargs={"case_id": case.pk})
    # session, user, case, the access record, plans (none, so no phase query), templates,
    # their phases
    with django_assert_num_queries(_request_queries() + 5):
        response = client.get(url)
    assert len(response.context["preview"].phases) == phases


@pytest.mark.parametrize("phases", [4, 12])
def test_builder_save_with_errors(builder_for, client, phases, django_assert_num_queries):
    from tests.plans.formdata import form_data

    url = builder_for(phases)
    data = form_data(client.get(url).content, "plan-form")
    data.update({"ph-0-advance_when-0-days": "0", "op": "save"})
    # session, user, case, the access record, plans, their phases, suggested templates,
    # their phases
    with django_assert_num_queries(_request_queries() + 6):
        response = client.post(url, data)
    assert response.status_code == 200 and response.context["editor"].has_errors


@pytest.mark.parametrize("count", [3, 15])
def test_template_list(client, clinician, count, django_assert_num_queries):
    for n in range(count):
        make_template(clinician, slug=f"l{n}", name=f"Listed {n}", n_phases=2 + n % 5)
    make_template(clinician, slug="l-draft", name="Listed draft", publish=False)
    client.force_login(clinician)
    # session, user, every template and version with its phase count and total days
    with django_assert_num_queries(_request_queries() + 1):
        response = client.get(reverse("plans:templates"))
    assert response.context["count"] >= count + 1


@pytest.mark.parametrize("phases", [4, 12])
def test_template_detail(client, clinician, phases, django_assert_num_queries):
    template = make_template(clinician, slug="d", name="Detail", n_phases=phases)
    client.force_login(clinician)
    # session, user, the template (with its authors), its phases, its versions
    with django_assert_num_queries(_request_queries() + 3):
        response = client.get(reverse("plans:template", kwargs={"pk": template.pk}))
    assert len(response.context["phases"]) == phases


@pytest.mark.parametrize("phases", [4, 12])
def test_template_editor(client, clinician, phases, django_assert_num_queries):
    template = make_template(clinician, slug="e", name="Edit", n_phases=phases, publish=False)
    client.force_login(clinician)
    # session, user, the template (with its authors), its phases
    with django_assert_num_queries(_request_queries() + 2):
        response = client.get(reverse("plans:template_edit", kwargs={"pk": template.pk}))
    assert len(response.context["editor"].blocks) == phases
