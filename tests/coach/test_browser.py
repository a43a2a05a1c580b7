"""The demo coach on a tablet (1024×768) and on a phone: the board with every athlete of the
team, a restrictions card (and its print layout), the athlete view, the CSV download, and a
direct link to a clinical page that answers 404."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from athletes.models import Case, Team
from monitoring.demo import DEMO_PASSWORD, seed
from protocols.models import ProtocolTemplate
from protocols.services import install_shipped_templates
from tests.browser import log_in as browser_log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """The demo clinic. A transactional test may start after another one emptied the tables,
    so the shipped templates are installed when missing."""
    if not ProtocolTemplate.objects.filter(shipped=True).exists():
        install_shipped_templates()
    seed()
    team = Team.objects.get(name="Riverside Athletics")
    return sorted(
        (c.athlete.full_name, c.pk)
        for c in Case.objects.filter(athlete__team=team, status="active").select_related("athlete")
    )


def log_in(page: Page, live_server, username: str) -> None:
    browser_log_in(page, live_server, username, DEMO_PASSWORD)


def requests_elsewhere(page: Page, live_server) -> list[str]:
    """Every request the page makes to anywhere but the test server (a CDN, say)."""
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else elsewhere.append(r.url),
    )
    return elsewhere


@pytest.mark.django_db(transaction=True)
def test_the_demo_coach_on_a_tablet(page: Page, live_server, artifacts, demo):
    assert len(demo) == 5
    elsewhere = requests_elsewhere(page, live_server)
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, live_server, "coach")

    # The board: every demo athlete of the team, with a status light and a reason.
    expect(page.get_by_role("heading", name="Team board", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Riverside Athletics")).to_be_visible()
    for name, _ in demo:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(5)
    expect(page.locator(".light-red").first).to_be_visible()
    expect(page.locator("svg.spark")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path=artifacts / "coach-board-tablet.png", full_page=True)

    # Filter without JavaScript-only controls: a GET form.
    page.get_by_label("Status", exact=True).select_option("red")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("tbody tr")).to_have_count(5)

    # A restrictions card, and how it prints.
    jonas = page.locator("tbody tr", has_text="Jonas Berg")
    jonas.get_by_role("link", name="Restrictions card").click()
    expect(page.get_by_role("heading", name="Jonas Berg", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Allowed now")).to_be_visible()
    expect(page.get_by_role("heading", name="Not allowed in this phase")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("no impact training until cleared")
    page.screenshot(path=artifacts / "coach-restrictions-tablet.png", full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.screenshot(path=artifacts / "coach-restrictions-print.png", full_page=True)
    page.emulate_media(media="screen")

    # The athlete view: phase ladder, load chart, this week.
    page.get_by_role("link", name="Jonas Berg").click()
    page.wait_for_load_state("load", timeout=60_000)  # Plotly's 4.8 MB, served locally
    expect(page.get_by_role("heading", name="Phase ladder")).to_be_visible()
    expect(page.get_by_role("heading", name="This week")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "coach-athlete-tablet.png", full_page=True)

    # The CSV: one row per athlete of the board.
    page.get_by_role("link", name="Team board").first.click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("team-board-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    assert sorted(r["Athlete"] for r in rows) == [name for name, _ in demo]
    assert all(r["Status"] in {"red", "amber", "green"} for r in rows)

    assert elsewhere == []  # nothing fetched from anywhere else (no CDN)

    # A direct link to the clinical page of one of the coach's athletes: 404.
    _, case_id = demo[0]
    response = page.goto(f"{live_server.url}/clinic/cases/{case_id}/")
    assert response is not None and response.status == 404


@pytest.mark.django_db(transaction=True)
def test_the_demo_coach_on_a_phone(page: Page, live_server, artifacts, demo):
    log_in(page, live_server, "coach")
    expect(page.get_by_role("heading", name="Team board", level=1)).to_be_visible()
    for name, _ in demo:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "coach-board-phone.png", full_page=True)
    page.screenshot(path=artifacts / "coach-board-phone-top.png")

    _, case_id = next(item for item in demo if item[0] == "Nina Kowalski")
    page.goto(f"{live_server.url}/coach/athletes/{case_id}/restrictions/")
    expect(page.get_by_role("heading", name="Allowed now")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "coach-restrictions-phone.png", full_page=True)

    page.goto(f"{live_server.url}/coach/athletes/{case_id}/", timeout=60_000)
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "coach-athlete-phone.png", full_page=True)
