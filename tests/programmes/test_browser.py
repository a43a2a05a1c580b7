"""The run-walk programme's interval timer on the athlete's phone (390×844): it works offline
(served by the service worker), shows the current interval and the time left, changes interval
on time (a fast clock), and finishing opens the day's log with the session filled in; the Today
page with the programme is axe-clean."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.athlete.test_browser import axe_serious
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan

pytestmark = pytest.mark.browser
PASSWORD = "s3cret-pass"


@pytest.fixture
def maya(transactional_db):
    """An athlete 10 days into her walk-run phase (Gallatin & Graver 2019), no run yet."""
    today = timezone.localdate()
    clinician = UserFactory(username="dana", kind="clinician")
    user = UserFactory(username="maya", kind="athlete", first_name="Maya")
    case = CaseFactory(athlete__first_name="Maya", athlete__user=user)
    case.care_team.create(user=clinician, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    running_plan(case, clinician, started_on=today - dt.timedelta(days=10), phase=2)
    return user


@pytest.mark.django_db(transaction=True)
def test_the_interval_timer_runs_offline_and_opens_the_log_filled_in(
    browser, browser_context_args, live_server, maya, artifacts
):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)", timeout=15000)
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    programme = page.locator("#run-programme")
    expect(programme).to_contain_text("Run-walk programme: stage 1 of 5")
    expect(programme).to_contain_text("Run 1 min / walk 4 min × 6, 30 min")
    assert axe_serious(page) == []

    context.set_offline(True)
    page.clock.install()
    page.goto(f"{live_server.url}/me/")  # from the phone: no signal
    timer = page.locator("[data-run-timer]")
    expect(timer.locator("[data-timer-left]")).to_have_text("1:00")
    page.get_by_role("button", name="Start").click()
    expect(timer.locator("[data-timer-what]")).to_have_text("Run")
    page.clock.run_for(30_000)
    expect(timer.locator("[data-timer-left]")).to_have_text("0:30")
    page.clock.run_for(31_000)  # one minute of running done: walk
    expect(timer.locator("[data-timer-what]")).to_have_text("Walk")
    expect(timer.locator("[data-timer-left]")).to_have_text(__import__("re").compile(r"^3:5\d$"))
    expect(timer.locator("[data-timer-announce]")).to_have_text("Walk for 4:00")
    expect(timer.locator("[data-timer-count]")).to_contain_text("Interval 2 of 12")
    page.get_by_role("button", name="Pause").click()
    page.clock.run_for(60_000)  # paused: no time passes on the timer
    expect(timer.locator("[data-timer-count]")).to_contain_text("Interval 2 of 12")
    timer.screenshot(path=artifacts / "run-timer-offline.png")
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(30 * 60_000)  # the rest of the session: the log opens
    page.wait_for_url("**/me/log/**")
    row = page.locator("[data-sessions] [data-session]").first
    expect(row.locator("select[name$='-activity']")).to_have_value("walk_run")
    expect(row.locator("input[name$='-minutes']")).to_have_value("30")
    expect(row.locator("input[name$='-programme_stage']")).to_have_value("1")
    expect(row.locator("select[name$='-completion']")).to_have_value("completed")
    page.screenshot(path=artifacts / "run-timer-log.png", full_page=True)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_logs_programme_chip_fills_in_the_stage(
    browser, browser_context_args, live_server, maya, artifacts
):
    """A run logged from the daily log's suggestion of the programme run carries its stage:
    the athlete then says whether they finished it, or the form says to."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(f"{live_server.url}/me/log/")
    chip = page.locator("[data-quick-add][data-programme-stage]")
    expect(chip).to_contain_text("Walk-run 30 min (run-walk stage 1)")
    chip.click()
    row = page.locator("[data-sessions] [data-session]").first
    expect(row.locator("select[name$='-activity']")).to_have_value("walk_run")
    expect(row.locator("input[name$='-minutes']")).to_have_value("30")
    expect(row.locator("input[name$='-programme_stage']")).to_have_value("1")
    expect(row.locator("select[name$='-completion']")).to_have_value("")
    page.screenshot(path=artifacts / "log-programme-chip.png", full_page=True)
    context.close()
