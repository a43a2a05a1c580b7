"""The athlete's phone (390×844) when something is wrong (issue 22, items 12 and 13).

- Today with an open red flag: the stop message, no running prescription, whom to contact and
  when to seek urgent care (clinical.md §11; pain at the injury site is a reason to stop).
- A log kept on the phone without signal and sent later: its advice shows when it is sent (a
  stop among it), not only "sent, thank you".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.evaluation import services
from monitoring.ingest.items import daily_log_record
from monitoring.models import DailyLog, Flag
from tests.browser import log_in, quick_add
from tests.factories import CaseFactory, UserFactory
from tests.plans import published_template, running_plan

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pass"
URGENT = (
    "If you cannot bear weight, or the pain is severe even at rest or keeps getting "
    "worse, seek urgent care."
)


@pytest.fixture
def maya(transactional_db):
    """On day 10 of her walk-run phase; dana, her lead clinician, shares a phone number."""
    today = timezone.localdate()
    dana = UserFactory(
        username="dana",
        kind="clinician",
        first_name="Dana",
        last_name="Reyes",
        contact_phone="+44 20 7946 0000",
    )
    user = UserFactory(username="maya", kind="athlete", first_name="Maya")
    case = CaseFactory(
        athlete__first_name="Maya",
        athlete__user=user,
        diagnosed_on=today - dt.timedelta(days=20),
    )
    case.care_team.create(user=dana, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    running_plan(case, dana, started_on=today - dt.timedelta(days=10), phase=2)
    return user


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_today_with_an_open_red_flag_says_stop_and_whom_to_call(
    page: Page, live_server, maya, artifacts
):
    """Yesterday pain woke maya at night; the evaluation raised a red flag. Today's page: stop,
    no walk-run prescription, dana's name and phone, and when to seek urgent care."""
    today = timezone.localdate()
    case = maya.athlete_profile.cases.get()
    daily_log_record(
        athlete=case.athlete,
        date=today - dt.timedelta(days=1),
        submitted_by=maya,
        fields={"pain_rest": 2, "pain_character": "dull", "night_pain": True},
    )
    services.case_evaluate(case_id=case.pk, today=today)
    assert Flag.objects.filter(case=case, kind="red_flag").exists()

    log_in(page, live_server, "maya", PASSWORD)
    stop = page.locator("#stop")
    expect(stop).to_be_visible()
    expect(stop).to_contain_text("Stop: no running or impact training today")
    expect(stop).to_contain_text("Dana Reyes")
    expect(stop.get_by_role("link", name="+44 20 7946 0000")).to_be_visible()
    expect(stop).to_contain_text(URGENT)
    expect(page.locator("#plan-title")).to_be_visible()
    expect(page.get_by_text("30 min")).to_have_count(0)
    # The stop comes before the log card and the plan: the first thing on the phone's screen.
    box = stop.bounding_box()
    assert box is not None and box["y"] < page.viewport_size["height"]
    no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "clinical-today-red-flag.png", full_page=True)


def offline_log_page(page: Page, context, live_server, username: str) -> None:
    """Signed in with the service worker in control, then without signal, on the log page."""
    log_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server.url}/me/log/")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)", timeout=15000)
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    context.set_offline(True)
    page.goto(f"{live_server.url}/me/log/")


def option(page: Page, name: str, value: str):
    return page.locator(f'label[for="id_{name}_{value}"]')


def test_a_log_sent_from_the_outbox_shows_its_advice(
    browser, browser_context_args, live_server, maya, artifacts
):
    """Without signal maya logs her walk-run with pain 7/10 during it. The phone says stop at
    once, whom to contact and urgent care (it cannot wait for a signal). Back online, the log is
    sent, and the page says what it means: stop running, whom to contact, urgent care."""
    today = timezone.localdate()
    context = browser.new_context(**browser_context_args, timezone_id="Europe/London")
    page = context.new_page()
    offline_log_page(page, context, live_server, "maya")
    for name, value in (
        ("pain_rest", "1"),
        ("pain_during", "7"),
        ("pain_after", "6"),
        ("pain_character", "1"),
        ("night_pain", "1"),
    ):
        option(page, name, value).tap()
    quick_add(page, "Walk-run").tap()
    option(page, "s-0-rpe", "5").tap()
    # The programme's run (its stage filled in by the tap): finished or not, she says.
    page.locator("select[name='s-0-completion']").select_option("stopped_early")
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.locator("#saved-offline")).to_be_visible()
    offline = page.locator("#offline-stop")
    expect(offline).to_be_visible()
    expect(offline).to_contain_text("You reported pain of 7/10 with impact work")
    expect(offline).to_contain_text(URGENT)
    expect(offline.get_by_role("link", name="+44 20 7946 0000")).to_be_visible()
    page.screenshot(path=artifacts / "clinical-offline-stop.png", full_page=True)
    assert not DailyLog.objects.filter(athlete=maya.athlete_profile, date=today).exists()

    context.set_offline(False)
    status = page.locator("#sync-status")
    expect(status).to_contain_text("was sent", timeout=15000)
    expect(status).to_contain_text("Pain of 7/10 with impact work")
    expect(status).to_contain_text("Please stop running")
    expect(status).to_contain_text(URGENT)
    expect(status.get_by_role("link", name="+44 20 7946 0000")).to_be_visible()
    expect(status).not_to_contain_text("Take today easy")
    assert DailyLog.objects.get(athlete=maya.athlete_profile, date=today).pain_during == 7
    no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "clinical-outbox-advice.png", full_page=True)

    # Today, online again: the stop is there too.
    page.goto(f"{live_server.url}/me/")
    expect(page.locator("#stop")).to_contain_text("pain of 7/10 with impact work today")
    page.screenshot(path=artifacts / "clinical-today-after-outbox.png", full_page=True)
    context.close()


@pytest.fixture
def noor(transactional_db):
    """A femoral neck (tension side) stress fracture, a high-risk site (clinical.md §3), on day
    10 of her walk-run phase, whose regression rules include pain during activity above 5/10."""
    today = timezone.localdate()
    dana = UserFactory(username="dana", kind="clinician", first_name="Dana", last_name="Reyes")
    user = UserFactory(username="noor", kind="athlete", first_name="Noor")
    case = CaseFactory(
        athlete__first_name="Noor",
        athlete__user=user,
        site="femoral_neck_tension",
        diagnosed_on=today - dt.timedelta(days=20),
    )
    assert case.risk == "high"
    case.care_team.create(user=dana, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    template = published_template(
        dana, slug="test-femoral-neck", risk="high", sites=("femoral_neck_tension",)
    )
    running_plan(case, dana, started_on=today - dt.timedelta(days=10), phase=2, template=template)
    return user


def test_offline_at_a_high_risk_site_pain_above_the_phases_limit_is_a_stop(
    browser, browser_context_args, live_server, noor, artifacts
):
    """At a high-risk site pain above a phase's limit is a red flag (clinical.md §3, §11;
    ``protocols.site_rules.HIGH_RISK_PAIN_RULES``: pain during activity above 1/10), as severe
    pain with impact work is anywhere: without signal, 2/10 during her walk-run (below the
    plan's red limit) is a stop on the phone at once, and so is pain lasting 24 hours."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    offline_log_page(page, context, live_server, "noor")
    for name, value in (
        ("pain_rest", "0"),
        ("pain_during", "2"),
        ("pain_after", "1"),
        ("pain_character", "1"),  # a dull ache
        ("night_pain", "1"),  # no
    ):
        option(page, name, value).tap()
    page.locator("#id_pain_lasted_hours").fill("24")
    quick_add(page, "Walk-run").tap()
    option(page, "s-0-rpe", "5").tap()
    page.locator("select[name='s-0-completion']").select_option("completed")
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.locator("#saved-offline")).to_be_visible()
    offline = page.locator("#offline-stop")
    expect(offline).to_be_visible()
    expect(offline).to_contain_text(
        "You reported pain during activity of 2/10: above 1/10, your plan says stop."
    )
    expect(offline).to_contain_text("You reported pain lasting 24 hours after activity.")
    expect(offline).not_to_contain_text("with impact work")  # below the red limit
    expect(offline).not_to_contain_text("pain after activity of")  # 1/10 is at its limit
    expect(offline).to_contain_text(URGENT)
    page.screenshot(path=artifacts / "clinical-offline-stop-high-risk.png", full_page=True)
    # Still without signal, Today (as the phone kept it) says stop first, until the log is sent.
    page.goto(f"{live_server.url}/me/")
    status = page.locator("#sync-status")
    expect(status).to_be_visible()
    expect(status).to_have_attribute("role", "alert")
    expect(status).to_contain_text("is saved on this phone")
    expect(status).to_contain_text("What this page shows below is from before it.")
    expect(status).to_contain_text("Stop: no running or impact training")
    expect(status).to_contain_text("pain during activity of 2/10")
    expect(status).to_contain_text(URGENT)
    page.screenshot(path=artifacts / "clinical-offline-today-stop.png", full_page=True)
    context.close()
