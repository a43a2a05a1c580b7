"""The clinician's road-back card on the case page: the baseline computed from the runs before
the injury accepted with one click, the cadence goal charted over the runs, a gait check
recorded and listed; accessible (axe-core: no serious violation)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.models import ActivitySession
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan

from .test_browser_road_back import PASSWORD, axe_serious

pytestmark = pytest.mark.browser


@pytest.fixture
def dana(transactional_db):
    today = timezone.localdate()
    clinician = UserFactory(username="dana", kind="clinician")
    case = CaseFactory(diagnosed_on=today - dt.timedelta(days=40))
    case.care_team.create(user=clinician, role="lead_clinician")
    running_plan(case, clinician, started_on=today - dt.timedelta(days=30), phase=2)
    for week in range(6):
        for day, km in ((1, 8), (3, 12), (5, 10)):
            ActivitySession.objects.create(
                athlete=case.athlete,
                date=case.diagnosed_on - dt.timedelta(days=7 * week + day),
                activity="run",
                minutes=km * 5,
                distance_km=Decimal(km),
                cadence=164,
            )
    for days_ago in (6, 3, 1):
        ActivitySession.objects.create(
            athlete=case.athlete,
            date=today - dt.timedelta(days=days_ago),
            activity="run",
            minutes=30,
            distance_km=Decimal(5),
            cadence=170,
        )
    return clinician, case


@pytest.mark.django_db(transaction=True)
def test_the_clinician_uses_the_road_back_card(page: Page, live_server, dana, artifacts):
    clinician, case = dana
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "dana", PASSWORD)
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/#running")
    card = page.locator("#running")
    expect(card.get_by_test_id("computed-baseline")).to_contain_text("30 km a week")
    card.get_by_role("button", name="Use the computed values").click()
    expect(page.locator("#running").get_by_test_id("baseline")).to_contain_text("30 km a week")
    expect(page.locator("#running").get_by_test_id("road-back")).to_contain_text("15 km")
    page.locator("#running").get_by_role("button", name="Use 164 steps a minute").click()
    expect(page.locator("#running").get_by_test_id("cadence-goal")).to_contain_text("172–180")
    gait = page.locator("#gait")
    gait.locator("summary").click()
    gait.get_by_label("No").first.check()
    gait.get_by_label("Yes").nth(1).check()
    gait.get_by_label("Cadence measured (steps a minute)").fill("400")
    gait.get_by_role("button", name="Record the gait check").click()
    expect(page.locator("#gait")).to_contain_text("less than or equal to 250")
    expect(page.locator("#gait")).not_to_contain_text("This field is required")  # date kept
    page.locator("#gait").get_by_label("Cadence measured (steps a minute)").fill("168")
    page.locator("#gait").get_by_role("button", name="Record the gait check").click()
    expect(page.locator("#gait").get_by_test_id("gait-history")).to_contain_text("168")
    page.locator("#running .road-back").screenshot(path=artifacts / "clinic-road-back-bar.png")
    page.locator("#running").screenshot(path=artifacts / "clinic-road-back-card.png")
    page.locator("#gait").screenshot(path=artifacts / "clinic-gait-card.png")
    assert axe_serious(page) == []
