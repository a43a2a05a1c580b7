"""A clinician records a test battery once on the case page, in Debian's chromium at a desktop
size (1366×900): every row filled by its label, one submission, then the trend table and the
symmetry chart — offline, no CDN (issue 28, item 3)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from athletes.models import CareTeamMember, User
from monitoring.ingest.checks import athlete_today
from monitoring.models import TestBattery
from tests.browser import log_in
from tests.factories import AthleteFactory, CaseFactory

from .conftest import published_template, running_plan

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def desktop(browser, live_server) -> Page:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    here = urlparse(live_server.url).netloc
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if urlparse(route.request.url).netloc == here else route.abort()
        ),
    )
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_clinician_records_a_battery_in_one_submission(desktop: Page, live_server, artifacts):
    page = desktop
    today = athlete_today()
    dana = User.objects.create_user("dana", password="s3cret-pass", kind="clinician")
    case = CaseFactory(athlete=AthleteFactory(first_name="Ada", last_name="Quinn"), side="left")
    CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
    template = published_template(dana)
    running_plan(case, dana, started_on=today - dt.timedelta(days=10), phase=2, template=template)

    log_in(page, live_server, "dana", "s3cret-pass")
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/#battery-entry")
    form = page.locator("#battery-entry")
    expect(form.get_by_role("heading", name="Record a test battery")).to_be_visible()
    expect(form).to_contain_text("Involved side: left")
    values = {
        "Single-leg hop for distance, left (cm)": "110",
        "Single-leg hop for distance, right (cm)": "125",
        "Single-leg hop for distance, pain during the test (0–10)": "1",
        "Hops to pain, left (hops)": "22",
        "Hops to pain, right (hops)": "35",
        "Calf raises to fatigue (single-leg, 60 bpm), left (raises)": "20",
        "Calf raises to fatigue (single-leg, 60 bpm), right (raises)": "28",
        "Plantarflexors, left (N or kg)": "900",
        "Plantarflexors, right (N or kg)": "1000",
        "Knee extensors, left (N or kg)": "520",  # the right side not tested: incomplete
        "Y-balance reach, anterior, left (cm)": "60",
        "Y-balance reach, anterior, right (cm)": "63",
    }
    for label, value in values.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_label("Dynamometer unit").select_option("N")
    page.screenshot(path=str(artifacts / "battery-form.png"), full_page=False)
    form.get_by_role("button", name="Record the battery").click()

    panel = page.locator("#batteries")
    expect(page.locator(".messages")).to_contain_text("Recorded")
    expect(panel.get_by_role("heading", name="Test batteries: limb symmetry")).to_be_visible()
    expect(panel.locator("tbody", has_text="Single-leg hop for distance")).to_contain_text("88.0%")
    expect(panel.locator("tbody", has_text="knee extensors")).to_contain_text("incomplete")
    expect(panel.locator(".js-plotly-plot")).to_be_visible()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "battery-trend.png"), full_page=False)
    battery = TestBattery.objects.get()
    assert battery.results.count() == 6
