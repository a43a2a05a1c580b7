"""What if, in Debian's chromium at a desktop size: a clinician lowers a pain threshold and sees
the readiness date move; a draft template runs over the demo clinic's past cases on a real
Celery worker and the summary is read. Offline: only the live server is reachable."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import celery.contrib.testing.tasks  # noqa: F401 — registers celery.ping for start_worker
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from playwright.sync_api import Page, expect

from athletes.models import CareTeamMember, User
from monitoring import demo
from monitoring.ingest.checks import athlete_today
from monitoring.models import Assessment
from protocols import services as plan_services
from protocols.models import ProtocolTemplate
from rehab.celery import app
from tests.browser import log_in as browser_log_in
from tests.factories import AthleteFactory, CaseFactory
from tests.plans import published_template, running_plan

from .conftest import pain_days

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


def log_in(page: Page, live_server, username: str, password: str) -> None:
    browser_log_in(page, live_server, username, password)


@pytest.mark.django_db(transaction=True)
def test_a_clinician_lowers_a_pain_limit_and_sees_readiness_move(
    desktop: Page, live_server, artifacts
):
    page = desktop
    today = athlete_today()
    started = today - dt.timedelta(days=19)
    dana = User.objects.create_user(
        "dana", password="s3cret-pass", first_name="Dana", last_name="Okafor", kind="clinician"
    )
    case = CaseFactory(athlete=AthleteFactory(first_name="Maya", last_name="Patel"))
    CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
    running_plan(case, dana, started_on=started, phase=2, template=published_template(dana))
    # Pain during 2 for ten days, then 1: ready on day 14 with a limit of 2, on day 16 with 1.
    pain_days(case, {started + dt.timedelta(days=n): (2 if n < 10 else 1) for n in range(20)})
    Assessment.objects.create(
        case=case, date=started + dt.timedelta(days=4), test="single_leg_hop", value=12, pain=1
    )
    ready_as_is = started + dt.timedelta(days=14)
    ready_stricter = started + dt.timedelta(days=16)

    log_in(page, live_server, "dana", "s3cret-pass")
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/")
    timeline = page.locator("#projection-timeline")
    expect(timeline).to_contain_text("A projection, not a prediction of healing.")
    expect(timeline).to_contain_text("Pooled return for the posteromedial tibia")
    timeline.screenshot(path=str(artifacts / "whatif-case-timeline.png"))
    page.screenshot(path=str(artifacts / "whatif-case-page.png"), full_page=True)

    page.get_by_role("link", name="Replay a criterion change").click()
    expect(page.get_by_role("heading", name="What if the criteria were different?")).to_be_visible()
    expect(page.get_by_test_id("ready-before")).to_have_text(f"{ready_as_is:%-d %b %Y}")

    # Open the pain criterion and lower its limit from 2 to 1.
    found = page.locator(".crit", has_text="Pain during activity at most 2/10")
    row = page.locator("#" + found.get_attribute("id"))
    row.locator("summary").click()
    limit = row.get_by_label("Pain maximum")
    expect(limit).to_have_value("2")
    limit.fill("1")
    limit.dispatch_event("change")
    expect(row.locator(".crit-sentence")).to_contain_text("at most 1/10")
    page.get_by_role("button", name="Replay with these criteria").click()

    expect(page.get_by_test_id("ready-before")).to_have_text(f"{ready_as_is:%-d %b %Y}")
    expect(page.get_by_test_id("ready-after")).to_have_text(f"{ready_stricter:%-d %b %Y}")
    expect(page.get_by_test_id("verdict")).to_contain_text("2 days later than as it is")
    expect(page.locator("tr.is-changed")).to_have_count(2)
    page.screenshot(path=str(artifacts / "whatif-replay.png"), full_page=True)

    # Nothing was saved.
    phase = case.plans.get().current_phase
    assert next(i for i in phase.advance_when if i["kind"] == "pain_max")["max"] == 2


@pytest.fixture
def celery_worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("This test needs Redis: run it with REDIS_URL set (make test does).")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_a_draft_template_is_tried_on_the_demo_cases(
    desktop: Page, live_server, artifacts, celery_worker
):
    page = desktop
    users = demo.seed(today=athlete_today())
    published = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    draft = plan_services.template_new_draft(template=published, created_by=users["clinician"])
    # A stricter draft: every pain limit to advance one point lower.
    phases = []
    for p in draft.phases.order_by("order"):
        data = p.spec_fields()
        data["advance_when"] = [
            {**i, "max": max(0, i["max"] - 1)} if i["kind"] == "pain_max" else i
            for i in data["advance_when"]
        ]
        phases.append(data)
    plan_services.template_draft_update(
        template=draft, phases=phases, name=draft.name, sites=draft.sites, risk=draft.risk
    )

    log_in(page, live_server, "clinician", demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clinic/templates/{draft.pk}/")
    page.get_by_role("link", name="try this draft on past cases").click()
    expect(page.get_by_role("heading", name="Try “")).to_contain_text(f"v{draft.version}")
    page.get_by_role("button", name="Run the trial").click()
    # The worker runs it; the progress polls, then the page reloads with the results.
    summary = page.get_by_test_id("trial-summary")
    expect(summary).to_be_visible(timeout=30_000)
    expect(page.locator("#wi-progress")).to_contain_text("Done · 4 of 4 cases")
    expect(summary.locator("tbody tr")).to_have_count(draft.phases.count())
    expect(page.get_by_test_id("trial-totals")).to_contain_text("Over 4 cases and")
    expect(page.get_by_role("heading", name="Case by case")).to_be_visible()
    for name in ("Maya Patel", "Lea Fischer", "Tom Reyes", "Sofia Marin"):  # Sofia: discharged
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    # high risk: a navicular, and a femoral neck on its compression side (clinical.md §11)
    for name in ("Jonas Berg", "Nina Kowalski"):
        expect(page.get_by_role("heading", name=name)).to_have_count(0)
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    page.screenshot(path=str(artifacts / "whatif-trial.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_athlete_reads_the_timeline_on_a_phone(page: Page, live_server, artifacts):
    """The default phone viewport (390×844): the timeline fits the screen's width."""
    users = demo.seed(today=athlete_today())
    log_in(page, live_server, "athlete", demo.DEMO_PASSWORD)
    assert users["athlete"].kind == "athlete"
    page.goto(f"{live_server.url}/me/next/")
    card = page.locator("#projection-timeline")
    expect(card).to_contain_text("Your plan on a timeline")
    expect(card).to_contain_text("A projection, not a prediction of healing.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    card.screenshot(path=str(artifacts / "whatif-athlete-next.png"))
