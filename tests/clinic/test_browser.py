"""A clinician's day in Debian's chromium at a desktop size (1366×900): a new athlete and case,
a case page with a flag from seeded logs, acknowledging it, advancing the phase with a reason,
the decision in the history, and the red-flag inbox — offline, no CDN."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from athletes.models import CareTeamMember, Case, User
from monitoring.ingest.checks import athlete_today
from monitoring.ingest.items import daily_log_record
from tests.factories import AthleteFactory, CaseFactory

from .conftest import published_template, raise_red_flag, running_plan

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def desktop(browser, live_server) -> Page:
    """A desktop page that may reach the live server only: any other request fails."""
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
def test_a_clinician_opens_a_case_and_decides_on_a_flag(desktop: Page, live_server, artifacts):
    page = desktop
    today = athlete_today()
    dana = User.objects.create_user(
        "dana", password="s3cret-pass", first_name="Dana", last_name="Okafor", kind="clinician"
    )
    template = published_template(dana)
    # Another athlete of Dana's, already flagged, for the list and the inbox.
    other = CaseFactory(athlete=AthleteFactory(first_name="Jonas", last_name="Berg"))
    CareTeamMember.objects.create(case=other, user=dana, role="lead_clinician")
    running_plan(other, dana, started_on=today - dt.timedelta(days=12), phase=1, template=template)
    raise_red_flag(other, dana, today=today)

    # Log in.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    expect(page.locator("#nav-red-count")).to_have_text("1")

    # A new athlete and case through the form; the site's risk shows as soon as it is chosen.
    page.get_by_role("link", name="New case").click()
    expect(page.get_by_role("heading", name="New athlete and case")).to_be_visible()
    page.wait_for_function("window.htmx !== undefined")  # a change before htmx runs is lost
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Quinn")
    page.get_by_label("Sport").fill("Distance running")
    page.get_by_label("Injury site").select_option("posteromedial_tibia")
    expect(page.get_by_test_id("site-risk")).to_have_text("Low risk")
    page.get_by_label("Injury site").select_option("navicular")
    expect(page.get_by_test_id("site-risk")).to_have_text("High risk")
    page.get_by_label("Injury site").select_option("posteromedial_tibia")
    expect(page.get_by_test_id("site-risk")).to_have_text("Low risk")
    page.get_by_label("Grade", exact=True).select_option("3")
    page.get_by_label("RED-S / Triad screen").select_option("positive")
    page.get_by_label("Menstrual status").select_option("oligomenorrhea")
    page.get_by_label("25(OH)D, nmol/L").fill("58")
    page.get_by_label("25(OH)D, nmol/L").dispatch_event("change")
    implications = page.locator("#implications")
    expect(implications).to_contain_text("Refer to the nutritionist")
    expect(implications).to_contain_text("Grade 3: a conservative template")
    page.screenshot(path=artifacts / "clinic-case-new.png", full_page=True)
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(athlete__first_name="Ada", athlete__last_name="Quinn")
    try:
        expected = reverse("plans:builder", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        expected = reverse("clinic:case", kwargs={"case_id": case.pk})
    assert urlparse(page.url).path == expected
    assert case.grade == 3 and case.red_s_screen == "positive" and case.risk == "low"

    # The plan is started in the set-up (the plan builder is another page's business), and
    # the athlete's logs raise a red flag (night pain) and a regression (pain of 7).
    # (The case was opened today; the diagnosis was three weeks ago: a plan starts after it.)
    Case.objects.filter(pk=case.pk).update(diagnosed_on=today - dt.timedelta(days=21))
    case.refresh_from_db()
    running_plan(case, dana, started_on=today - dt.timedelta(days=19), phase=2, template=template)
    raise_red_flag(case, dana, today=today)
    for n in range(10):  # and the hours she slept, charted beside her pain
        daily_log_record(
            athlete=case.athlete,
            date=today - dt.timedelta(days=n),
            submitted_by=dana,
            fields={"sleep_hours": ("7.5", "6", "5.5")[n % 3]},
            today=today,
        )

    page.goto(f"{live_server.url}/clinic/")
    expect(page.locator("#nav-red-count")).to_have_text("2")
    expect(page.locator("table.cases")).to_contain_text("Ada Quinn")
    expect(page.locator("table.cases tbody tr").first).to_contain_text("Red flag")
    page.screenshot(path=artifacts / "clinic-cases.png", full_page=True)
    page.get_by_label("Athlete").fill("quinn")
    expect(page.locator("table.cases tbody tr")).to_have_count(1)  # htmx refreshes the table
    expect(page.locator("table.cases")).not_to_contain_text("Jonas Berg")

    # The case page: the evaluation and the flag.
    page.get_by_role("link", name="Ada Quinn").click()
    expect(page.get_by_role("heading", name="Ada Quinn")).to_be_visible()
    evaluation = page.locator("#evaluation")
    expect(evaluation.get_by_role("heading", name="Current evaluation")).to_be_visible()
    expect(evaluation.locator(".badge-met").first).to_be_visible()
    expect(evaluation.locator(".badge-not-met").first).to_be_visible()
    expect(evaluation.locator(".badge-unknown").first).to_be_visible()
    expect(evaluation).to_contain_text("Night pain")
    flags = page.locator("#flags")
    red = flags.locator(".flag-red_flag")
    expect(red).to_contain_text("Night pain was reported")
    expect(page.locator("#charts .js-plotly-plot")).to_have_count(3)  # pain, load, sleep
    expect(page.get_by_role("figure", name="Sleep and pain")).to_contain_text("Sleep (hours)")
    expect(red.get_by_role("link", name="Write a note about this flag")).to_be_visible()
    page.screenshot(path=artifacts / "clinic-case.png", full_page=True)

    # Acknowledge the red flag.
    red.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#flags [data-testid=flags-message]")).to_contain_text("Acknowledged")
    expect(page.locator("#flags .flag-red_flag")).to_contain_text("Acknowledged by Dana Okafor")
    expect(page.locator("#nav-red-count")).to_have_text("1")

    # Advance, against the recommendation, with a reason.
    decision = page.locator("#decision")
    decision.get_by_label("Advance to the next phase").check()
    reason = "Night pain explained by a fall; bone not tender. Progress with close follow-up."
    decision.get_by_label("Reason").fill(reason)
    decision.get_by_role("button", name="Record the decision").click()
    expect(decision.locator(".errorlist")).to_contain_text("tick this box")  # not ready: confirm
    decision = page.locator("#decision")
    decision.get_by_label("I decide against the recommendation").check()
    decision.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded: Advanced.")
    history = page.locator("#history")
    expect(history).to_contain_text("Advanced: “Walk-run” → “Running progression”")
    expect(history).to_contain_text(reason)
    expect(page.locator(".case-facts")).to_contain_text("3 of 4")
    history.get_by_text("Evaluation shown when deciding").first.click()
    expect(history).to_contain_text("Night pain")
    page.screenshot(path=artifacts / "clinic-case-after-decision.png", full_page=True)

    # The worklist: both red flags first, oldest first; acknowledge Jonas's from it (htmx).
    page.get_by_role("link", name=re.compile("^Worklist")).click()
    expect(page.get_by_role("heading", name="Worklist", exact=True)).to_be_visible()
    rows = page.locator("#wl-red_flag-section .inbox-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Jonas Berg")
    page.screenshot(path=artifacts / "clinic-inbox.png", full_page=True)
    rows.first.get_by_role("button", name="Acknowledge").click()
    expect(rows.first).to_contain_text("Acknowledged by Dana Okafor")
    expect(page.locator("#nav-red-count")).to_have_text("0")
    assert page.url.endswith("/clinic/inbox/")
