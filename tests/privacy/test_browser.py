"""In Debian's chromium: the athlete withdraws and gives back consent on a phone (390×844); the
lead clinician reads the sharing choices and the record of changes on the case page (desktop)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from athletes import services as athlete_services
from athletes.models import SharingConsent
from protocols import services as plan_services
from tests.athlete.test_browser import SMALL_TARGETS, axe_serious, no_horizontal_scroll
from tests.browser import log_in as browser_log_in
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan

from .conftest import edit_plan

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pass"
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def people(transactional_db):
    today = timezone.localdate()
    dana = UserFactory(username="dana", kind="clinician", first_name="Dana", last_name="Okafor")
    alex = UserFactory(username="alex", kind="coach", first_name="Alex", last_name="Moreau")
    sam = UserFactory(username="sam", kind="physio", first_name="Sam", last_name="Lee")
    maya = UserFactory(username="maya", kind="athlete", first_name="Maya", last_name="Rossi")
    case = CaseFactory(athlete__first_name="Maya", athlete__last_name="Rossi", athlete__user=maya)
    case.care_team.create(user=dana, role="lead_clinician")
    case.care_team.create(user=maya, role="athlete")
    case.care_team.create(user=alex, role="coach")
    case.care_team.create(user=sam, role="physio")
    athlete_services.consent_defaults_record(case=case, recorded_by=dana)
    plan = running_plan(case, dana, started_on=today - dt.timedelta(days=10), phase=2)
    return {"case": case, "dana": dana, "alex": alex, "maya": maya, "plan": plan, "today": today}


def log_in(page: Page, live_server, username: str) -> None:
    browser_log_in(page, live_server, username, PASSWORD)


@pytest.fixture
def phone(browser, browser_context_args) -> Page:
    """A phone whose page lets the test inject axe-core despite the site's CSP."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_the_athlete_stops_and_restarts_sharing_with_coaches_on_a_phone(
    phone: Page, live_server, people, artifacts
):
    page = phone
    log_in(page, live_server, "maya")
    page.goto(f"{live_server.url}/me/progress/")
    page.get_by_role("link", name="Who sees my data").click()
    expect(page.get_by_role("heading", name="Who sees my data")).to_be_visible()
    coaches = page.locator("#role-coach")
    expect(coaches).to_contain_text("Alex Moreau")
    expect(coaches).to_contain_text("Sharing")
    expect(page.locator(".sharing-lead")).to_contain_text("Dana Okafor")
    no_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS) == []
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts / "privacy-sharing-phone.png"), full_page=True)

    coaches.get_by_role("button", name="Stop sharing with coaches").tap()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "no longer see your data"
    )
    expect(page.locator("#role-coach")).to_contain_text("Not sharing")
    assert not SharingConsent.objects.get(athlete=people["case"].athlete, role="coach").given
    page.screenshot(path=str(artifacts / "privacy-sharing-withdrawn-phone.png"), full_page=True)

    page.locator("#role-coach").get_by_role("button", name="Share with coaches again").tap()
    expect(page.locator("#role-coach")).to_contain_text("Sharing")
    assert SharingConsent.objects.get(athlete=people["case"].athlete, role="coach").given


def test_the_lead_clinician_reads_sharing_and_the_record_on_the_case_page(
    browser, live_server, people, artifacts
):
    case, dana, plan = people["case"], people["dana"], people["plan"]
    edit_plan(plan, dana, reason="Slower progression after a flare-up")
    plan.refresh_from_db()
    plan_services.transition_decide(
        plan=plan,
        kind="hold",
        decided_by=dana,
        reason="Pain 3/10 during runs: hold one more week",
        effective_on=people["today"],
    )
    athlete_services.consent_set(
        athlete=case.athlete, role="coach", given=False, changed_by=people["maya"]
    )
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    here = urlparse(live_server.url).netloc
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if urlparse(route.request.url).netloc == here else route.abort()
        ),
    )
    log_in(page, live_server, "dana")
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/")
    panel = page.locator("#privacy")
    expect(panel.locator("#record-title")).to_contain_text("Record of changes")
    expect(panel.locator(".consent.is-withdrawn")).to_contain_text("Coach")
    expect(panel.locator(".consent.is-withdrawn")).to_contain_text("Alex Moreau — no access")
    edited = panel.locator(".hist", has_text="Phase “Walk-run” edited")
    expect(edited).to_contain_text("Dana Okafor")
    expect(edited).to_contain_text("Slower progression after a flare-up")
    expect(edited).to_contain_text("Typical days: 21 → 28")
    expect(edited).to_contain_text("Prescription: changed")
    expect(panel.locator(".hist", has_text="Decision: Held in phase")).to_contain_text(
        "hold one more week"
    )
    expect(panel.get_by_role("button", name="Export all of Maya Rossi's data")).to_be_visible()
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(artifacts / "privacy-case-panel-desktop.png"))

    with page.expect_download() as download:
        panel.get_by_role("button", name="Export all of Maya Rossi's data").click()
    assert download.value.suggested_filename.startswith(f"athlete-{case.athlete_id}-")

    panel.get_by_role("link", name="Erase athlete…").click()
    expect(page.get_by_role("heading", name="Erase Maya Rossi")).to_be_visible()
    page.screenshot(path=str(artifacts / "privacy-erase-desktop.png"), full_page=True)
    context.close()
