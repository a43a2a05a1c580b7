"""A clinician builds a plan and publishes a template version in Debian's chromium (desktop)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from protocols.models import Plan, ProtocolTemplate
from tests.browser import log_in as browser_log_in
from tests.plans.conftest import make_template

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}


def log_in(page: Page, live_server, username: str) -> None:
    browser_log_in(page, live_server, username, "s3cret-pass")


@pytest.mark.django_db(transaction=True)
def test_clinician_builds_individualizes_and_starts_a_plan(
    page: Page, live_server, artifacts, clinician, case
):
    make_template(
        clinician,
        slug="tibia-browser",
        name="Posteromedial tibia: return to running",
        citations=(
            "Warden SJ, Davis IS, Fredericson M. Management and prevention of bone "
            "stress injuries in long-distance runners. JOSPT 2014;44:749-65.",
        ),
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "dana")
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/plan/")
    expect(page.get_by_role("heading", name=re.compile("Build a plan for"))).to_be_visible()
    suggestion = page.locator(".suggestion").filter(has_text="return to running")
    expect(suggestion.get_by_text("Written for the posteromedial tibia.")).to_be_visible()
    expect(page.locator("#preview")).to_contain_text("Pain during activity at most 2/10")
    page.screenshot(path=artifacts / "plans-builder-suggestions.png")

    suggestion.get_by_role("button", name="Use this template").click()
    expect(page.get_by_role("heading", name=re.compile("Individualize the plan"))).to_be_visible()
    expect(page.locator(".phases > li.phase")).to_have_count(4)

    # Open the walk-run phase and one of its criteria; type a threshold out of range.
    walk_run = page.locator("#phase-1")
    walk_run.locator("summary.ph-summary").click()
    pain_max = page.locator("#ph-1-advance_when-1")
    pain_max.locator("summary").click()
    pain_max.get_by_label("Pain maximum").fill("12")
    pain_max.get_by_label("Pain maximum").press("Tab")
    expect(pain_max.locator(".crit-sentence")).to_have_text(
        "Pain maximum must be between 0 and 10."
    )
    # The projected dates follow a change of days, before anything is saved.
    before = page.locator("#proj-1").inner_text()
    walk_run.get_by_label("Typical days").fill("28")
    walk_run.get_by_label("Typical days").press("Tab")
    expect(page.locator("#proj-1")).not_to_have_text(before)
    expect(page.locator("#projection")).to_contain_text(page.locator("#proj-1").inner_text()[:6])

    page.get_by_role("button", name="Save draft").click()
    pain_max = page.locator("#ph-1-advance_when-1")
    expect(page.locator("#builder .errors").first).to_contain_text("Some settings need attention")
    error = pain_max.locator(".fld.has-error .fld-error")
    expect(error).to_have_text("Pain maximum must be between 0 and 10.")
    expect(pain_max.get_by_label("Pain maximum")).to_have_value("12")
    pain_max.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "plans-builder-inline-error.png")

    # Fix it, remove the running phase, save.
    pain_max.get_by_label("Pain maximum").fill("1")
    page.get_by_role("button", name="Remove phase 3").click()
    expect(page.locator(".phases > li.phase")).to_have_count(3)
    expect(page.locator("#phase-2 .ph-title")).to_have_text("Full return")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    plan = Plan.objects.get(case=case)
    assert list(plan.phases.order_by("order").values_list("name", flat=True)) == [
        "Protected loading",
        "Walk-run",
        "Full return",
    ]
    walk = plan.phases.get(name="Walk-run")
    assert walk.advance_when[1]["max"] == 1 and walk.typical_days == 28
    page.locator("#phase-1 summary.ph-summary").click()
    page.screenshot(path=artifacts / "plans-builder.png", full_page=True)

    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_url(re.compile(rf"/clinic/cases/{case.pk}/$"))
    plan.refresh_from_db()
    assert plan.status == "active" and plan.current_phase.name == "Protected loading"


@pytest.mark.django_db(transaction=True)
def test_clinician_publishes_a_new_version_of_a_template(
    page: Page, live_server, artifacts, clinician
):
    for n, (name, sites, risk) in enumerate(
        [
            ("Fibula: walk-run return", ("fibula",), "low"),
            ("Navicular: protected loading first", ("navicular",), "high"),
            ("Femoral neck (tension side)", ("femoral_neck_tension",), "high"),
        ]
    ):
        make_template(clinician, slug=f"lib-{n}", name=name, sites=sites, risk=risk)
    make_template(
        clinician, slug="lib-draft", name="Sacrum (draft)", sites=("sacrum",), publish=False
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "dana")
    page.goto(f"{live_server.url}/clinic/templates/")
    expect(page.get_by_role("heading", name="Template library")).to_be_visible()
    page.screenshot(path=artifacts / "plans-library.png", full_page=True)

    page.get_by_role("link", name="Fibula: walk-run return").click()
    expect(page.get_by_role("heading", name=re.compile("Fibula: walk-run return"))).to_be_visible()
    expect(page.locator("#phase-2")).to_contain_text("Pain during activity at most 2/10")
    page.screenshot(path=artifacts / "plans-template.png")

    page.get_by_role("button", name="Make a new draft version").click()
    expect(page.get_by_role("heading", name=re.compile("Edit draft"))).to_be_visible()
    page.locator("#phase-0 summary.ph-summary").click()
    page.locator("#phase-0").get_by_label("Phase name").fill("Protected loading (boot)")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text(re.compile("Version 2 of .* is published"))).to_be_visible()

    versions = ProtocolTemplate.objects.filter(slug="lib-0").order_by("version")
    assert [(t.version, t.status) for t in versions] == [(1, "retired"), (2, "published")]
    assert versions[1].phases.get(order=1).name == "Protected loading (boot)"
    page.goto(f"{live_server.url}/clinic/templates/")
    expect(page.get_by_role("heading", name=re.compile("Retired versions"))).to_be_visible()
