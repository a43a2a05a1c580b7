"""The optional cycle log on the athlete's phone (390×844): turn it on with consent, log the
day a period started in a tap, without signal too (kept on the phone and sent once back
online, one entry a day), accessible (axe-core), 44 px targets, and off again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from athletes.models import PeriodStart
from tests.athlete.test_browser import (
    PASSWORD,
    SMALL_TARGETS,
    axe_serious,
    no_horizontal_scroll,
)
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def ana(transactional_db):
    user = UserFactory(username="ana", kind="athlete", first_name="Ana")
    user.set_password(PASSWORD)
    user.save()
    case = CaseFactory(athlete__first_name="Ana", athlete__user=user, athlete__sex="female")
    case.care_team.create(user=user, role="athlete")
    return user


@pytest.mark.django_db(transaction=True)
def test_cycle_logging_on_a_phone(browser, browser_context_args, live_server, ana, artifacts):
    today = timezone.localdate()
    context = browser.new_context(**browser_context_args, timezone_id="Europe/London")
    page = context.new_page()
    log_in(page, live_server, "ana", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("link", name="Cycle log (optional)").tap()
    expect(page.get_by_role("heading", name="Cycle log is off")).to_be_visible()
    assert axe_serious(page) == []

    page.get_by_role("button", name="I agree: turn the cycle log on").tap()
    expect(page.get_by_role("heading", name="Cycle log is on")).to_be_visible()
    page.get_by_role("button", name="Today", exact=True).tap()
    expect(page.get_by_text("1 period in the last 12 months")).to_be_visible()
    assert PeriodStart.objects.filter(started_on=today).count() == 1
    page.screenshot(path=artifacts / "athlete-cycle.png", full_page=True)
    assert axe_serious(page) == []
    assert page.evaluate(SMALL_TARGETS) == []
    no_horizontal_scroll(page)

    # Without signal: the day waits on the phone, then is sent once (one entry a day).
    context.set_offline(True)
    page.get_by_role("button", name="Yesterday").tap()
    expect(page.locator("#cycle-waiting")).to_contain_text("Saved on this phone")
    page.screenshot(path=artifacts / "athlete-cycle-offline.png", full_page=True)
    assert not PeriodStart.objects.filter(started_on=today - dt.timedelta(days=1)).exists()
    context.set_offline(False)
    expect(page.get_by_text("2 periods in the last 12 months")).to_be_visible(timeout=15000)
    assert PeriodStart.objects.filter(started_on=today - dt.timedelta(days=1)).count() == 1

    page.get_by_role("button", name="Turn the cycle log off").tap()
    expect(page.get_by_role("heading", name="Cycle log is off")).to_be_visible()
    expect(page.get_by_text("periods in the last 12 months")).to_have_count(0)
    context.close()
