"""The plan builder: permissions, suggestions, individualizing, projected dates, starting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from athletes.models import Case
from protocols import services
from protocols.models import PhaseTransition, Plan, PlanEdit, ProtocolTemplate
from tests.factories import AthleteFactory, CaseFactory
from tests.plans.conftest import TODAY, make_template
from tests.plans.formdata import form_data


def builder_url(case) -> str:
    return reverse("plans:builder", kwargs={"case_id": case.pk})


def use(client, case, template):
    return client.post(builder_url(case), {"op": "use", "template": template.pk})


def editor_data(client, case) -> dict:
    """What the builder's form sends as it is on the page now (no JavaScript)."""
    response = client.get(builder_url(case))
    assert response.status_code == 200
    return form_data(response.content, "plan-form")


def names(plan) -> list[str]:
    return list(plan.phases.order_by("order").values_list("name", flat=True))


# --- who may open it ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, case):
    for response in (client.get(builder_url(case)), client.post(builder_url(case), {"op": "use"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["clinician", "physio"])
def test_clinicians_and_physios_build_the_plan(client, request, role, tibia_template):
    client.force_login(request.getfixturevalue(role))
    response = client.get(builder_url(request.getfixturevalue("case")))
    assert response.status_code == 200
    assert b"Tibia test protocol" in response.content


@pytest.mark.parametrize("role", ["nutritionist", "psychologist"])
def test_other_care_team_roles_are_refused(client, request, role, case, tibia_template):
    client.force_login(request.getfixturevalue(role))
    response = client.get(builder_url(case))
    assert response.status_code == 403
    assert b"Only the case&#x27;s clinicians and physiotherapists" in response.content
    assert use(client, case, tibia_template).status_code == 403
    assert not Plan.objects.filter(case=case).exists()
    projection = reverse("plans:builder_projection", kwargs={"case_id": case.pk})
    assert client.post(projection, {}).status_code == 403


@pytest.mark.parametrize("role", ["outsider", "coach", "integration", "athlete_user"])
def test_people_off_the_care_team_and_coaches_get_404(client, request, role, case, tibia_template):
    """A coach or an integration account has no clinic page of the case (as on the case page)."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(builder_url(case)).status_code == 404
    assert use(client, case, tibia_template).status_code == 404
    projection = reverse("plans:builder_projection", kwargs={"case_id": case.pk})
    assert client.post(projection, {}).status_code == 404
    assert client.get(reverse("plans:builder", kwargs={"case_id": 987654})).status_code == 404
    assert not Plan.objects.filter(case=case).exists()


# --- suggestions ------------------------------------------------------------------------------


def test_suggestions_explain_themselves_and_preview_the_phases(client, clinician, case, today):
    make_template(
        clinician, slug="general", name="General low-risk", sites=("posteromedial_tibia", "fibula")
    )
    make_template(clinician, slug="tibia", name="Tibia only", citations=("Full reference A.",))
    make_template(clinician, slug="fibula", name="Fibula only", sites=("fibula",))
    client.force_login(clinician)
    response = client.get(builder_url(case))
    html = response.content.decode()
    assert "Tibia only" in html and "General low-risk" in html
    assert "Fibula only" not in html, "templates for other sites are not suggested"
    assert html.index("Tibia only") < html.index("General low-risk"), "most specific first"
    assert "Written for the posteromedial tibia." in html
    assert "Covers the posteromedial tibia among 2 sites." in html
    assert "Low-risk template for a low-risk site." in html
    assert "pooled return to sport at this site is 44 days" in html
    # The best match is previewed: phases, criteria in plain words and the full references.
    assert "Pain during activity at most 2/10" in html
    assert "Full reference A." in html
    assert '"kind"' not in html and "advance_when" not in html.split('id="preview"')[1]
    fibula = client.get(builder_url(case) + "?template=999999").content.decode()
    assert "Tibia only" in fibula.split('id="preview"')[1], "an unknown choice shows the best"


def test_risk_factors_put_the_conservative_variant_first(client, clinician, case):
    case.grade = 3
    case.red_s_screen = Case.Screen.POSITIVE
    case.save()
    make_template(clinician, slug="std", name="Standard tibia")
    make_template(clinician, slug="cons", name="Conservative tibia", conservative=True)
    client.force_login(clinician)
    html = client.get(builder_url(case)).content.decode()
    assert html.index("Conservative tibia") < html.index("Standard tibia")
    assert "Conservative variant, for this case&#x27;s risk factors: Grade 3 on imaging; " in html
    assert "Positive RED-S / Triad screen" in html


def test_a_high_risk_case_is_never_offered_a_low_risk_template(client, clinician):
    navicular = CaseFactory(athlete=AthleteFactory(), site="navicular")
    assert navicular.risk == "high"
    navicular.care_team.create(user=clinician, role="lead_clinician")
    low = make_template(clinician, slug="nav-low", name="Gentle navicular", sites=("navicular",))
    high = make_template(
        clinician, slug="nav-high", name="Protected navicular", risk="high", sites=("navicular",)
    )
    client.force_login(clinician)
    html = client.get(builder_url(navicular)).content.decode()
    assert "Protected navicular" in html and "Gentle navicular" not in html
    assert "High-risk template, as this high-risk site needs" in html
    # Not even by forging the form.
    response = use(client, navicular, low)
    assert response.status_code == 302
    assert not Plan.objects.filter(case=navicular).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "A high-risk injury needs a high-risk template." in messages[0]
    use(client, navicular, high)
    assert Plan.objects.get(case=navicular).template == high


def test_no_suggestion_points_to_the_library(client, clinician, case):
    ProtocolTemplate.objects.update(status="retired")
    client.force_login(clinician)
    html = client.get(builder_url(case)).content.decode()
    assert "No published template covers the posteromedial tibia." in html
    assert reverse("plans:templates") in html
    assert "Use this template" not in html


# --- individualizing ----------------------------------------------------------------------------


@pytest.fixture
def draft(client, clinician, case, tibia_template, today):
    client.force_login(clinician)
    response = use(client, case, tibia_template)
    assert response.status_code == 302 and response.url == builder_url(case)
    return Plan.objects.get(case=case, status="draft")


def test_using_a_template_makes_a_draft_copy_with_projected_dates(client, case, draft, today):
    assert names(draft) == ["Protected loading", "Walk-run", "Running progression", "Full return"]
    html = client.get(builder_url(case)).content.decode()
    assert "Individualize the plan for" in html
    # Typical days 10, 21, 21, 7 from today (20 Nov): 20 Nov–30 Nov, 30 Nov–21 Dec, ...
    assert "20 Nov – 30 Nov" in html and "30 Nov – 21 Dec" in html and "21 Dec – 11 Jan" in html
    assert '<span class="return-date">11 Jan 2027</span>' in html
    assert 'value="2026-11-20"' in html, "the start date defaults to today"


def test_a_bad_value_is_shown_on_its_input_and_nothing_is_saved(client, case, draft):
    data = editor_data(client, case)
    assert data["ph-1-advance_when-1-kind"] == "pain_max"
    data.update({"ph-1-advance_when-1-max": "12", "ph-0-name": "", "op": "save"})
    response = client.post(builder_url(case), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some settings need attention." in html
    assert (
        html.count("Pain maximum must be between 0 and 10.") == 2
    )  # the input, and the row's summary
    assert "Give the phase a name." in html
    row = response.context["editor"].blocks[1].section("advance_when").rows[1]
    assert row.errors == {"max": ["Pain maximum must be between 0 and 10."]}
    assert response.context["editor"].blocks[0].form.errors["name"] == ["Give the phase a name."]
    # The typed values are kept for fixing.
    assert 'name="ph-1-advance_when-1-max" value="12"' in html
    assert not PlanEdit.objects.filter(plan=draft).exists()
    draft.refresh_from_db()
    assert draft.phases.get(order=2).advance_when[1]["max"] == 2


def test_change_a_threshold_remove_a_phase_and_save(client, case, draft, clinician):
    data = editor_data(client, case)
    data["ph-1-advance_when-1-max"] = "1"
    data["op"] = "remove_phase:2"
    response = client.post(builder_url(case), data)
    assert response.status_code == 200
    assert [b.title for b in response.context["editor"].blocks] == [
        "Protected loading",
        "Walk-run",
        "Full return",
    ]
    assert names(draft) == ["Protected loading", "Walk-run", "Running progression", "Full return"]
    data = form_data(response.content, "plan-form")
    assert data["ph-1-advance_when-1-max"] == "1", "edits survive a structural change"
    data["op"] = "save"
    response = client.post(builder_url(case), data)
    assert response.status_code == 302 and response.url == builder_url(case)
    assert names(draft) == ["Protected loading", "Walk-run", "Full return"]
    walk_run = draft.phases.get(name="Walk-run")
    assert walk_run.advance_when[1] == {
        "kind": "pain_max",
        "field": "during",
        "max": 1,
        "days": 7,
        "min_logs": 5,
    }
    edit = PlanEdit.objects.get(plan=draft)
    assert edit.edited_by == clinician
    assert {"change": "removed", "phase": "Running progression"} in edit.changes


def test_add_reorder_prescribe_and_save(client, case, draft):
    data = editor_data(client, case)
    data["op"] = "add_phase:0"
    data = form_data(client.post(builder_url(case), data).content, "plan-form")
    assert data["ph-1-name"] == "" and data["ph-1-advance_when-0-kind"] == "min_days_in_phase"
    data.update({"ph-1-name": "Pool running", "ph-1-min_days": "5", "ph-1-typical_days": "9"})
    data["ph-1-advance_when-0-days"] = "5"
    data["op"] = "add_rx:1"
    data = form_data(client.post(builder_url(case), data).content, "plan-form")
    data.update({"ph-1-rx-0-activity": "aqua_jog", "ph-1-rx-0-minutes": "25"})
    data["ph-1-rx-0-sessions_per_week"] = "3"
    data["op"] = "add_crit:1:regress_when"
    data = form_data(client.post(builder_url(case), data).content, "plan-form")
    data["ph-1-regress_when-0-kind"] = "swelling"
    data["op"] = "refresh"  # "Show its settings" without JavaScript
    data = form_data(client.post(builder_url(case), data).content, "plan-form")
    assert data["ph-1-regress_when-0-days"] == "2"
    data["op"] = "phase_down:3"
    data = form_data(client.post(builder_url(case), data).content, "plan-form")
    data["op"] = "save"
    assert client.post(builder_url(case), data).status_code == 302
    assert names(draft) == [
        "Protected loading",
        "Pool running",
        "Walk-run",
        "Full return",
        "Running progression",
    ]
    pool = draft.phases.get(name="Pool running")
    assert pool.prescriptions == [
        {
            "activity": "aqua_jog",
            "minutes": 25,
            "sessions_per_week": 3,
            "intensity": "",
            "notes": "",
        }
    ]
    assert pool.regress_when == [{"kind": "swelling", "days": 2}]
    assert (pool.min_days, pool.typical_days) == (5, 9)


def test_projection_follows_the_edits(client, case, draft, today):
    data = editor_data(client, case)
    data["ph-0-typical_days"] = "20"
    data["started_on"] = "2026-12-01"
    url = reverse("plans:builder_projection", kwargs={"case_id": case.pk})
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="projection" aria-live="polite" hx-swap-oob="true"' in html
    assert 'id="proj-0" hx-swap-oob="true">1 Dec – 21 Dec' in html
    assert 'id="proj-1" hx-swap-oob="true">21 Dec – 11 Jan' in html
    # Without JavaScript: any redraw recomputes them.
    data["op"] = "refresh"
    html = client.post(builder_url(case), data).content.decode()
    assert "1 Dec – 21 Dec" in html


def test_start_the_plan_lands_on_the_case_page(client, case, draft, clinician, today):
    data = editor_data(client, case)
    data["op"] = "start"
    response = client.post(builder_url(case), data)
    assert response.status_code == 302
    assert response.url == reverse("clinic:case", kwargs={"case_id": case.pk})
    draft.refresh_from_db()
    assert draft.status == "active" and draft.started_on == TODAY
    assert draft.current_phase.name == "Protected loading"
    start = PhaseTransition.objects.get(plan=draft)
    assert (start.kind, start.decided_by, start.effective_on) == ("start", clinician, TODAY)


def test_start_on_a_chosen_date_saving_the_edits_first(client, case, draft):
    data = editor_data(client, case)
    data.update({"started_on": "2026-11-23", "ph-0-typical_days": "12", "op": "start"})
    assert client.post(builder_url(case), data).status_code == 302
    draft.refresh_from_db()
    assert draft.started_on == dt.date(2026, 11, 23)
    assert draft.phases.get(order=1).typical_days == 12


def test_htmx_requests_get_a_client_redirect_after_saving(client, case, draft):
    data = editor_data(client, case)
    data["op"] = "save"
    response = client.post(builder_url(case), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == builder_url(case)


def test_choose_another_template_replaces_the_draft(client, clinician, case, draft):
    other = make_template(clinician, slug="other", name="Other tibia")
    use(client, case, other)
    plans = Plan.objects.filter(case=case)
    assert plans.count() == 1 and plans.get().template == other


# --- an active plan -------------------------------------------------------------------------------


@pytest.fixture
def active(client, case, draft):
    data = editor_data(client, case)
    data.update({"started_on": "2026-10-01", "op": "start"})
    client.post(builder_url(case), data)
    draft.refresh_from_db()
    first, second = draft.phases.order_by("order")[:2]
    services.transition_decide(
        plan=draft,
        kind="advance",
        decided_by=draft.created_by,
        reason="Ready",
        effective_on=dt.date(2026, 10, 12),
        to_phase=second,
    )
    return draft


def test_an_active_plan_needs_a_reason_and_keeps_finished_phases(client, case, active, today):
    html = client.get(builder_url(case)).content.decode()
    assert "Plan for" in html and "Save changes" in html and "Start the plan" not in html
    assert "done 1 Oct – 12 Oct" in html and "under way since 12 Oct" in html
    assert 'value="remove_phase:0"' not in html and 'value="remove_phase:1"' not in html
    data = form_data(html, "plan-form")
    assert "ph-0-name" not in data, "a finished phase is shown, not edited"
    data.update({"ph-1-advance_when-1-max": "1", "op": "save"})
    response = client.post(builder_url(case), data)
    assert response.status_code == 200
    assert "A reason is required to change an active plan." in response.content.decode()
    assert response.context["actions"].errors["reason"]
    data["reason"] = "Pain settled more slowly than usual."
    assert client.post(builder_url(case), data).status_code == 302
    edit = PlanEdit.objects.get(plan=active)
    assert edit.reason == "Pain settled more slowly than usual."
    assert active.phases.get(order=2).advance_when[1]["max"] == 1
    assert active.phases.get(order=1).ended_on == dt.date(2026, 10, 12)


def test_started_phases_cannot_be_moved_or_removed(client, case, active):
    data = editor_data(client, case)
    for op in ("remove_phase:1", "phase_up:2", "phase_up:1"):
        data["op"] = op
        response = client.post(builder_url(case), data)
        titles = [b.title for b in response.context["editor"].blocks]
        assert titles == ["Protected loading", "Walk-run", "Running progression", "Full return"]
    assert "Phases that have started stay where they are." in response.content.decode()


def test_a_plan_of_a_closed_case_cannot_be_started(client, case, draft):
    Case.objects.filter(pk=case.pk).update(status="closed")
    html = client.get(builder_url(case)).content.decode()
    assert "This case is closed" in html
    data = form_data(html, "plan-form")
    data["op"] = "start"
    client.post(builder_url(case), data)
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- the criterion row (htmx) ---------------------------------------------------------------


def test_criterion_row_redraws_for_a_new_kind(client, clinician):
    client.force_login(clinician)
    url = reverse("plans:criterion_row")
    prefix = "ph-2-advance_when-1"
    response = client.post(
        url,
        {f"{prefix}-kind": "pain_free_streak", f"{prefix}-days": "9", f"{prefix}-max": "2"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME=f"{prefix}-kind",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="{prefix}-days"' in html and 'value="9"' in html
    assert f'name="{prefix}-max"' not in html
    assert 'value="remove_crit:2:advance_when:1"' in html
    sentence = client.post(
        url,
        {
            "prefix": prefix,
            "part": "sentence",
            f"{prefix}-kind": "no_night_pain",
            f"{prefix}-days": "0",
        },
    )
    assert "Days must be between 1 and 90." in sentence.content.decode()
    assert client.post(url, {"prefix": "ph-x"}).status_code == 400


def test_criterion_row_is_for_clinical_staff(client, coach, outsider):
    url = reverse("plans:criterion_row")
    assert client.post(url, {}).status_code == 302
    client.force_login(coach)
    assert client.post(url, {"prefix": "ph-0-advance_when-0"}).status_code == 403
