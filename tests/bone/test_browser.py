"""The work-up panel in Debian's chromium at a desktop size: the nutritionist reads why the
work-up is due, sees 25(OH)D trended, records energy availability with a typo first (a field
error), then correctly; no serious axe-core violation; offline."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from athletes.models import CareTeamMember, User
from monitoring.care.services import workup as services
from monitoring.ingest.checks import athlete_today
from tests.athlete.test_browser import axe_serious
from tests.factories import AthleteFactory, CaseFactory

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pass"


@pytest.fixture
def desktop(browser, live_server) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
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
def test_the_nutritionist_reads_the_work_up_and_records_ea(desktop: Page, live_server, artifacts):
    today = athlete_today()
    dana = User.objects.create_user("dana", password=PASSWORD, kind="clinician")
    rosa = User.objects.create_user(
        "rosa", password=PASSWORD, first_name="Rosa", last_name="Greene", kind="nutritionist"
    )
    case = CaseFactory(
        athlete=AthleteFactory(first_name="Nina", last_name="Kowalski"),
        site="sacrum",
        side="na",
        grading_system="none",
        grade=None,
        periods_last_12_months=7,
    )
    CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
    CareTeamMember.objects.create(case=case, user=rosa, role="nutritionist")
    services.workup_sync(case=case, today=today)
    for weeks, value in ((8, "48"), (1, "81")):
        services.bone_result_record(
            case=case, by=dana, kind="vitamin_d", value=value,
            measured_on=today - dt.timedelta(weeks=weeks), today=today,
        )  # fmt: skip

    page = desktop
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/")
    panel = page.locator("#bone-workup")
    expect(panel.get_by_role("heading", name="Bone-health work-up")).to_be_visible()
    expect(panel.locator('[data-trigger="trabecular"]')).to_contain_text("Work-up due")
    expect(panel.locator('[data-trigger="eating"]')).to_contain_text("Not recorded — ask")
    expect(
        panel.locator('figure[aria-label="Bone-health results over time"] svg').first
    ).to_be_visible()

    panel.get_by_label("Energy intake (kcal/day)").fill("2100")
    panel.get_by_label("Exercise energy expenditure (kcal/day)").fill("950")
    panel.get_by_label("Fat-free mass (kg)").fill("0")
    panel.get_by_role("button", name="Compute and record").click()
    expect(page.get_by_text("Fat-free mass must be more than 0 kg.")).to_be_visible()
    page.locator("#bone-workup").get_by_label("Fat-free mass (kg)").fill("46")
    page.locator("#bone-workup").get_by_role("button", name="Compute and record").click()
    expect(page.locator("table.energy")).to_contain_text("25.0")
    expect(page.locator("table.energy")).to_contain_text("Low (< 30)")
    expect(page.locator('tr[data-task="energy_availability"]')).to_contain_text("Done")
    assert axe_serious(page) == []
    page.locator("#bone-workup").screenshot(path=str(artifacts / "bone-workup.png"))
