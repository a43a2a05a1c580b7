"""Care-team notes in Debian's chromium: the clinician (desktop) writes a whole-team note and a
clinical-only note, sets a review and a goal; the coach (tablet) reads only the first note and
sees the review on the restrictions card; the athlete (phone) ticks the goal on "What's next"
and reads the education card of their phase on Today. Offline: no request leaves the server."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from athletes.models import CareTeamMember, User
from monitoring.care import services as care_services
from monitoring.ingest.checks import athlete_today
from monitoring.models.care import CaseNote, Goal, Review
from protocols import services as plan_services
from protocols.models import ProtocolTemplate
from tests.athlete.test_browser import axe_serious
from tests.browser import log_in
from tests.factories import AthleteFactory, CaseFactory
from tests.plans import running_plan

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pass"
TEAM_NOTE = "Keep all runs on grass this week; no intervals until the review."
CLINICAL_NOTE = "MRI on Monday: the cortical line has gone. Discuss the hop test."


def _page(browser: Browser, live_server, **context) -> Page:
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    here = urlparse(live_server.url).netloc
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if urlparse(route.request.url).netloc == here else route.abort()
        ),
    )
    return page


def _login(page: Page, live_server, username: str) -> None:
    log_in(page, live_server, username, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_notes_reach_exactly_their_audience(browser: Browser, live_server, artifacts):
    today = athlete_today()
    people = {}
    for username, first, kind in (
        ("dana", "Dana", "clinician"),
        ("alex", "Alex", "coach"),
        ("maya", "Maya", "athlete"),
    ):
        people[username] = User.objects.create_user(
            username, password=PASSWORD, first_name=first, last_name="Test", kind=kind,
            email=f"{username}@example.org",
        )  # fmt: skip
    case = CaseFactory(athlete=AthleteFactory(first_name="Maya", last_name="Patel"))
    case.athlete.user = people["maya"]
    case.athlete.save()
    for username, role in (("dana", "lead_clinician"), ("alex", "coach"), ("maya", "athlete")):
        CareTeamMember.objects.create(case=case, user=people[username], role=role)
    # A transactional test may follow others that emptied the tables the migrations filled.
    plan_services.install_shipped_templates()
    care_services.install_shipped_cards()
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    plan = running_plan(
        case, people["dana"], started_on=today - dt.timedelta(days=40), phase=3, template=template
    )

    # Another athlete of Dana's, whose call is two days overdue.
    other = CaseFactory(athlete=AthleteFactory(first_name="Jonas", last_name="Berg"))
    CareTeamMember.objects.create(case=other, user=people["dana"], role="lead_clinician")
    Review.objects.create(case=other, kind="call", due_on=today - dt.timedelta(days=2))

    # --- the clinician, at a desk -------------------------------------------------------------
    desk = _page(browser, live_server, viewport={"width": 1366, "height": 900})
    _login(desk, live_server, "dana")
    desk.goto(f"{live_server.url}/clinic/inbox/")
    overdue = desk.locator("#overdue-reviews")
    expect(overdue).to_contain_text("Jonas Berg")
    expect(overdue).to_contain_text("2 days overdue")
    overdue.scroll_into_view_if_needed()
    desk.screenshot(path=str(artifacts / "care-inbox-overdue.png"), full_page=True)
    desk.goto(f"{live_server.url}/clinic/cases/{case.pk}/")
    panel = desk.locator("#care")
    expect(panel.get_by_role("heading", name="Notes and reviews")).to_be_visible()
    panel.get_by_role("link", name="Timeline · write a note").click()

    form = desk.locator("#note-entry")
    form.get_by_label("Whole care team (coach included)").check()
    form.get_by_label("Note", exact=True).fill(TEAM_NOTE)
    form.get_by_label("Ask someone to act (optional)").select_option(label="Alex Test (coach)")
    form.get_by_role("button", name="Save the note").click()
    expect(desk.get_by_text("Note saved for: whole care team (coach included).")).to_be_visible()

    form = desk.locator("#note-entry")
    form.get_by_label("Clinical staff only").check()
    form.get_by_label("Note", exact=True).fill(CLINICAL_NOTE)
    form.get_by_role("button", name="Save the note").click()
    expect(desk.get_by_text("Note saved for: clinical staff only.")).to_be_visible()
    desk.goto(f"{live_server.url}/clinic/cases/{case.pk}/")
    expect(desk.locator("#care .panel-notes li")).to_have_count(2)
    desk.locator("#care").screenshot(path=str(artifacts / "care-case-panel.png"))
    desk.locator("#care").get_by_role("link", name="Timeline · write a note").click()

    reviews = desk.locator("#reviews")
    reviews.get_by_label("Type").select_option(label="Clinic visit")
    reviews.get_by_label("Date").fill((today + dt.timedelta(days=4)).isoformat())
    reviews.get_by_role("button", name="Set the review").click()
    expect(desk.locator("#reviews .next-review")).to_contain_text("clinic visit")

    goals = desk.locator("#goals")
    goals.get_by_label("New goal").fill("30 min brisk walk pain-free by Friday")
    goals.get_by_role("button", name="Add the goal").click()
    expect(desk.locator("#goals")).to_contain_text("0 of 1")

    timeline = desk.locator("#timeline")
    expect(timeline.locator(".tl-note").first).to_contain_text(CLINICAL_NOTE)  # newest first
    expect(timeline.locator(".tl-note").nth(1)).to_contain_text(TEAM_NOTE)
    desk.screenshot(path=str(artifacts / "care-timeline-clinician.png"), full_page=True)
    assert axe_serious(desk) == []
    assert CaseNote.objects.filter(case=case).count() == 2

    # --- the coach, on a tablet ---------------------------------------------------------------
    tablet = _page(browser, live_server, viewport={"width": 820, "height": 1180})
    _login(tablet, live_server, "alex")
    tablet.goto(f"{live_server.url}/coach/athletes/{case.pk}/")
    tablet.get_by_role("link", name="Team notes").click()
    expect(tablet.get_by_text(TEAM_NOTE)).to_be_visible()
    expect(tablet.get_by_text(CLINICAL_NOTE)).to_have_count(0)
    expect(tablet.get_by_text("For the attention of")).to_be_visible()
    tablet.screenshot(path=str(artifacts / "care-timeline-coach.png"), full_page=True)
    assert axe_serious(tablet) == []
    tablet.goto(f"{live_server.url}/coach/athletes/{case.pk}/restrictions/")
    # The review's kind and note are clinical; the coach sees that one is booked and when.
    expect(tablet.locator(".scheduled-review")).to_contain_text("Scheduled: a review on")
    expect(tablet.locator(".scheduled-review")).not_to_contain_text("clinic visit")
    tablet.screenshot(path=str(artifacts / "care-coach-restrictions.png"), full_page=True)

    # --- the athlete, on a phone (the default context) ---------------------------------------
    phone = _page(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    _login(phone, live_server, "maya")
    phone.goto(f"{live_server.url}/me/")
    learn = phone.locator("#learn")
    expect(learn.get_by_role("heading", name="Good to know in this stage")).to_be_visible()
    first_card = learn.locator("details").first
    expect(first_card).to_have_attribute("open", "")
    expect(first_card).to_contain_text("Sources:")
    expect(phone.locator("#next-review")).to_contain_text("Clinic visit")
    expect(phone.get_by_text(TEAM_NOTE)).to_have_count(0)  # written for the team, not for her
    expect(phone.get_by_text(CLINICAL_NOTE)).to_have_count(0)
    phone.screenshot(path=str(artifacts / "care-athlete-today-top.png"))
    phone.locator("#next-review").scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "care-athlete-today.png"))

    phone.goto(f"{live_server.url}/me/next/")
    goals = phone.locator("#my-goals")
    expect(goals).to_contain_text("0 of 1")
    goals.get_by_role("button", name="Tick “30 min brisk walk pain-free by Friday” done").tap()
    expect(phone.locator("#my-goals")).to_contain_text("1 of 1")
    phone.locator("#my-goals").scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "care-athlete-goals.png"))
    assert axe_serious(phone) == []
    phone.goto(f"{live_server.url}/me/")
    assert axe_serious(phone) == []
    assert Goal.objects.get().done_at is not None
    assert plan.current_phase_id  # the plan stayed where it was
