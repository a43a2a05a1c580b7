"""The road back on the athlete's phone (390×844): this week's running against the usual week
before the injury, with the 50% and 75% marks named in plain words, and the cadence cue; on
Today and Progress, fitting the screen, accessible (axe-core: no serious violation)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.models import ActivitySession
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "s3cret-pass"


@pytest.fixture
def ines(transactional_db):
    """An athlete back to running: 32 km a week before the injury, 20 km this week (62.5%), a
    cadence goal of +5–10% on 164 steps a minute."""
    today = timezone.localdate()
    clinician = UserFactory(username="dana", kind="clinician")
    user = UserFactory(username="ines", kind="athlete", first_name="Ines")
    case = CaseFactory(
        athlete__first_name="Ines",
        athlete__user=user,
        pre_injury_km_week=Decimal("32"),
        pre_injury_source="computed",
        baseline_step_rate=164,
        cadence_goal_low_percent=5,
        cadence_goal_high_percent=10,
    )
    case.care_team.create(user=clinician, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    running_plan(case, clinician, started_on=today - dt.timedelta(days=10), phase=2)
    for days_ago, km in ((5, 6), (3, 6), (3, 2), (1, 6)):
        ActivitySession.objects.create(
            athlete=case.athlete,
            date=today - dt.timedelta(days=days_ago),
            activity="run",
            minutes=km * 6,
            distance_km=Decimal(km),
        )
    return user


def axe_serious(page: Page) -> list[str]:
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run `npm ci` at the repository root")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/me/", "/me/progress/"])
def test_the_road_back_bar_on_a_phone(page: Page, live_server, ines, artifacts, path):
    log_in(page, live_server, "ines", PASSWORD)
    page.goto(f"{live_server.url}{path}")
    bar = page.get_by_test_id("road-back")
    expect(bar).to_contain_text("20 km of your usual 32 km before the injury (63%)")
    expect(bar).to_contain_text("speed and hills")
    expect(bar).to_contain_text("normal training")
    expect(page.get_by_test_id("cadence-cue")).to_contain_text("172–180 steps a minute")
    fill = page.locator(".road-back-fill").bounding_box()
    track = page.locator(".road-back-track").bounding_box()
    assert 0.55 < fill["width"] / track["width"] < 0.7  # 62.5% of the way
    bar.scroll_into_view_if_needed()
    name = "today" if path == "/me/" else "progress"
    page.screenshot(path=artifacts / f"athlete-road-back-{name}.png", full_page=True)
    page.locator("#road-back").screenshot(path=artifacts / f"athlete-road-back-{name}-card.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert axe_serious(page) == []
