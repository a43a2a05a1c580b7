"""From one superuser to a working clinic, in Debian's chromium, without the Django admin or a
shell: the administrator names the clinic and invites a clinician, a physio and a coach; the
clinician accepts, creates a team, an athlete and a case, builds the plan, puts the physio and
the coach on the care team and invites the athlete; the athlete accepts on a phone and logs pain
that woke them at night; a real Celery worker evaluates the log and the clinician finds the red
flag on the worklist; the coach finds the athlete on the board."""

from __future__ import annotations

import re

import celery.contrib.testing.tasks  # noqa: F401 — registers celery.ping for start_worker
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from athletes.models import CareTeamMember, User
from monitoring.models import DailyLog, Flag
from protocols import services as plan_services
from rehab.celery import app
from tests.browser import fill_session

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "harbour-clinic-2026"


@pytest.fixture
def celery_worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("This test needs Redis: run it with REDIS_URL set (make test does).")
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


def _context(browser: Browser, viewport: dict, **extra):
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London", **extra)
    return context.new_page()


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def _invite(admin: Page, email: str, kind: str) -> str:
    admin.get_by_label("E-mail address").fill(email)
    admin.get_by_label("They are a").select_option(kind)
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.locator(".invite-issued")).to_contain_text(f"Invitation e-mailed to {email}")
    return _path(admin.locator("#invite-link").input_value())


def _path(link: str) -> str:
    """The link's path (it is made for REHAB_BASE_URL; the test server listens elsewhere)."""
    return link[link.index("/account/") :]


def _accept(page: Page, live_server, path: str, first: str, last: str) -> None:
    page.goto(live_server.url + path)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my login").click()
    page.wait_for_url(lambda url: "/account/invitation/" not in url)


@pytest.mark.django_db(transaction=True)
def test_a_clinic_starts_from_one_superuser(browser, live_server, artifacts, celery_worker):
    plan_services.install_shipped_templates()  # installed by the migrations on a real database
    User.objects.create_superuser("root", "root@example.org", PASSWORD)

    # --- the administrator ------------------------------------------------------------------
    admin = _context(browser, DESKTOP)
    _log_in(admin, live_server, "root")
    expect(admin.get_by_role("heading", name="Name your clinic")).to_be_visible()
    admin.get_by_label("Your clinic's name").fill("Harbour Sports Medicine")
    admin.get_by_role("button", name="Set up the clinic").click()
    expect(admin.get_by_role("heading", name="Harbour Sports Medicine")).to_be_visible()
    links = {
        "dana": _invite(admin, "dana@example.org", "clinician"),
        "sam": _invite(admin, "sam@example.org", "physio"),
        "alex": _invite(admin, "alex@example.org", "coach"),
    }
    expect(admin.locator(".invitation-row")).to_have_count(3)
    admin.screenshot(path=artifacts / "onboarding-admin-clinic.png", full_page=True)

    # --- the staff accept -------------------------------------------------------------------
    clinician = _context(browser, DESKTOP)
    _accept(clinician, live_server, links["dana"], "Dana", "Reid")
    expect(clinician.get_by_role("heading", name=re.compile("cases", re.I))).to_be_visible()
    physio = _context(browser, DESKTOP)
    _accept(physio, live_server, links["sam"], "Sam", "Lee")
    coach = _context(browser, {"width": 820, "height": 1180})
    _accept(coach, live_server, links["alex"], "Alex", "Moreau")
    physio.context.close()

    # --- the clinician: a team, an athlete and a case, its plan -------------------------------
    clinician.goto(f"{live_server.url}/account/clinic/")
    clinician.get_by_label("Team name").fill("Harbour Harriers")
    clinician.get_by_label("Sport").fill("Athletics")
    clinician.get_by_role("button", name="Create the team").click()
    expect(clinician.get_by_text("Team Harbour Harriers created.")).to_be_visible()

    clinician.get_by_role("link", name="New case").click()
    clinician.get_by_label("First name").fill("Noor")
    clinician.get_by_label("Last name").fill("Haddad")
    clinician.get_by_label("Team").select_option(label="Harbour Harriers")
    clinician.get_by_label("Injury site").select_option("posteromedial_tibia")
    clinician.get_by_label("Diagnosed on").fill(_today())
    clinician.get_by_role("button", name=re.compile("Open the case")).click()
    expect(clinician.get_by_role("heading", name=re.compile("Build a plan for"))).to_be_visible()
    clinician.get_by_role("button", name="Use this template").first.click()
    expect(clinician.get_by_role("heading", name=re.compile("Individualize"))).to_be_visible()
    clinician.get_by_role("button", name="Start the plan").click()
    clinician.wait_for_url(re.compile(r"/clinic/cases/\d+/$"))

    # --- the care team: the physio and the coach; the athlete's login ---------------------------
    team = clinician.locator("#care-team")
    team.get_by_label("Add someone of the clinic").select_option(label="Sam Lee — physiotherapist")
    team.get_by_role("button", name="Add to the care team").click()
    expect(
        clinician.get_by_text("Sam Lee joined the care team as physiotherapist.")
    ).to_be_visible()
    team = clinician.locator("#care-team")
    team.get_by_label("Add someone of the clinic").select_option(label="Alex Moreau — coach")
    team.get_by_role("button", name="Add to the care team").click()
    expect(clinician.get_by_text("Alex Moreau joined the care team as coach.")).to_be_visible()
    clinician.screenshot(path=artifacts / "onboarding-care-team.png", full_page=True)
    clinician.get_by_role("link", name="Give Noor a login").click()
    clinician.get_by_label("The athlete's e-mail address").fill("noor@example.org")
    clinician.get_by_role("button", name="Invite and show the code").click()
    expect(clinician.get_by_alt_text(re.compile("QR code"))).to_be_visible()
    clinician.screenshot(path=artifacts / "onboarding-athlete-code.png", full_page=True)
    athlete_link = live_server.url + _path(clinician.locator("#invite-link").input_value())
    case_id = CareTeamMember.objects.get(user__username="dana@example.org").case_id

    # --- the athlete, on a phone -----------------------------------------------------------------
    phone = _context(browser, PHONE, is_mobile=True, has_touch=True)
    phone.goto(athlete_link)
    expect(phone.get_by_role("heading", name="Welcome, Noor")).to_be_visible()
    phone.get_by_label("Choose a password").fill(PASSWORD)
    phone.get_by_label("The password again").fill(PASSWORD)
    expect(phone.get_by_label("Stay signed in on this phone for 30 days")).to_be_checked()
    phone.screenshot(path=artifacts / "onboarding-athlete-accept.png", full_page=True)
    phone.get_by_role("button", name="Start").tap()
    phone.wait_for_url(re.compile(r"/me/$"))
    expect(phone.get_by_text("Hello, Noor")).to_be_visible()
    cookie = next(c for c in phone.context.cookies() if c["name"] == "sessionid")
    assert cookie["expires"] > 0  # kept on the phone, not only for this browser session
    phone.goto(f"{live_server.url}/me/log/")
    for name, value in (
        ("pain_rest", "2"), ("pain_during", "6"), ("pain_after", "6"), ("pain_character", "1"),
        ("night_pain", "1"),
    ):  # fmt: skip
        phone.locator(f'label[for="id_{name}_{value}"]').tap()
    fill_session(phone, 0, activity="walk", minutes="30", rpe="5")
    phone.get_by_role("button", name="Save today's log").tap()
    phone.wait_for_url(re.compile(r"/saved/$"))
    assert DailyLog.objects.filter(athlete__first_name="Noor").count() == 1
    phone.screenshot(path=artifacts / "onboarding-athlete-logged.png", full_page=True)

    # --- the clinician's worklist: the worker's evaluation raised a red flag --------------------
    for _ in range(30):
        if Flag.objects.filter(case_id=case_id, kind="red_flag").exists():
            break
        clinician.wait_for_timeout(500)
    clinician.goto(f"{live_server.url}/clinic/inbox/")
    red = clinician.locator("#wl-red_flag-section")
    expect(red.get_by_role("link", name="Noor Haddad")).to_be_visible()
    clinician.screenshot(path=artifacts / "onboarding-worklist.png", full_page=True)

    # --- the coach's board ------------------------------------------------------------------------
    coach.goto(f"{live_server.url}/coach/")
    expect(coach.get_by_text("Noor Haddad").first).to_be_visible()
    coach.screenshot(path=artifacts / "onboarding-coach-board.png", full_page=True)
    for page in (admin, clinician, coach, phone):
        page.context.close()


def _today() -> str:
    from monitoring.ingest.checks import athlete_today

    return athlete_today().isoformat()
