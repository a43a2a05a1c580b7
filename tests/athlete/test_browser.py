"""The athlete's phone (390×844): log today in a few taps, edit it, see progress and what's next
change, log without signal and find exactly one log once back online; accessible (axe-core)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.ingest.items import activity_session_record, daily_log_record
from monitoring.models import ActivitySession, DailyLog
from tests.browser import log_in as browser_log_in
from tests.browser import quick_add
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "s3cret-pass"
MAX_TAPS = 10
RESEND = """(date) => {
  const entries = [];
  new FormData(document.getElementById('log-form')).forEach((value, name) => {
    if (name !== 'csrfmiddlewaretoken') entries.push([name, String(value)]);
  });
  window.rehabOutbox.put(date, '/me/log/' + date + '/', entries);
  return window.rehabOutbox.sync();
}"""
SMALL_TARGETS = """() => {
  const targets = document.querySelectorAll(
    'main a, main button, main select, main summary, .seg label, .rest-day label, '
    + '.session-remove label, main input:not([type=radio]):not([type=hidden]), nav.tabbar a, '
    + 'header.topbar a, header.topbar button');
  const small = [];
  for (const el of targets) {
    if (el.offsetParent === null || el.closest('.js-plotly-plot')) continue;
    // A box drawn as its label (the rest day, "remove this session"): the label is tapped.
    if (el.type === 'checkbox' && el.labels.length && el.closest('.rest-day, .session-remove')) {
      continue;
    }
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) {
      small.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${r.width}x${r.height}`);
    }
  }
  return small;
}"""


class Taps:
    """Counts the taps a person makes: every tap in these tests goes through here."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        locator.tap()
        self.count += 1


@pytest.fixture
def maya(transactional_db):
    """An athlete on day 10 of her walk-run phase who logged the 5 days before today."""
    today = timezone.localdate()
    clinician = UserFactory(username="dana", kind="clinician")
    user = UserFactory(username="maya", kind="athlete", first_name="Maya")
    case = CaseFactory(athlete__first_name="Maya", athlete__user=user)
    case.care_team.create(user=clinician, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    running_plan(case, clinician, started_on=today - dt.timedelta(days=10), phase=2)
    for n in range(1, 6):
        daily_log_record(
            athlete=case.athlete,
            date=today - dt.timedelta(days=n),
            submitted_by=user,
            fields={
                "pain_rest": 0,
                "pain_during": 1,
                "pain_after": 1,
                "pain_character": "dull",
                "night_pain": False,
                "sleep_hours": 7.5,
                "sleep_quality": 3,
                "fatigue": 3,
                "soreness": 3,
                "stress": 2,
                "mood": 2,
            },
        )
        activity_session_record(
            athlete=case.athlete,
            date=today - dt.timedelta(days=n),
            submitted_by=user,
            fields={"activity": "walk_run", "minutes": 30, "rpe": 4},
        )
    return user


def log_in(page: Page, live_server, username: str = "maya") -> None:
    browser_log_in(page, live_server, username, PASSWORD)


def option(page: Page, name: str, value: str):
    """The button-like label of one answer (what a finger taps)."""
    return page.locator(f'label[for="id_{name}_{value}"]')


WIDER_THAN_THE_PAGE = """() => {
  const edge = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > edge && e.getBoundingClientRect().width > 0)
    .slice(0, 5)
    .map(e => [e.tagName.toLowerCase(), e.getAttribute("class"), e.textContent.trim().slice(0, 30),
               Math.round(e.getBoundingClientRect().right)].join(" "));
}"""


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    wide = page.evaluate(WIDER_THAN_THE_PAGE) if width > viewport else []
    assert width <= viewport, f"{page.url} is {width}px wide at {viewport}px: {wide}"


def axe_serious(page: Page) -> list[str]:
    """Serious and critical axe-core violations of the page, as readable lines."""
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run `npm ci` at the repository root")
    # Evaluated through the browser's devtools, not as a <script> tag: the content security
    # policy (rightly) refuses an inline script without the page's nonce.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def during_pain_on_chart(page: Page) -> list:
    """The 'During activity' line of the pain chart, one value a day (None: no log)."""
    return page.evaluate(
        """() => {
          const chart = document.querySelector('.js-plotly-plot');
          const trace = chart.data.find(t => t.name === 'During activity');
          return Array.from(trace.y);
        }"""
    )


def fill_todays_log(page: Page, tap: Taps, *, during: str) -> None:
    """A complete log: sleep and mood come filled in (yesterday); the athlete taps the pains,
    the pain's character, night pain, today's walk-run (one tap on the run-walk programme's
    suggestion, its stage filled in: nothing is chosen for them), its effort and that it was
    finished."""
    day_answers(page, tap, during=during)  # dull ache, no night pain
    tap(quick_add(page, "Walk-run 30 min"))
    tap(option(page, "s-0-rpe", "4"))
    finished(page, 0)


def finished(page: Page, row: int) -> None:
    """A programme run's "Did you finish this session?": yes (a run with its stage asks it)."""
    expect(page.locator(f"#id_s-{row}-programme_stage")).to_have_value("1")
    page.locator(f"#id_s-{row}-completion").select_option("completed")


@pytest.mark.django_db(transaction=True)
def test_log_today_in_a_few_taps_edit_it_and_see_progress_change(
    page: Page, live_server, maya, artifacts
):
    today = timezone.localdate()
    athlete = maya.athlete_profile
    log_in(page, live_server)
    expect(page.get_by_role("heading", name="Walk-run")).to_be_visible()
    expect(page.get_by_text("Today's log isn't done yet")).to_be_visible()
    expect(
        page.get_by_text("Pain during running must stay at 2/10 or below to move on")
    ).to_be_visible()
    page.screenshot(path=artifacts / "athlete-today.png", full_page=True)

    # What's next, before: the pain goal is waiting for logs (6 of the 7 days, clinical.md §11).
    page.goto(f"{live_server.url}/me/next/")
    pain_goal = page.locator(".goal", has_text="Pain during running at 2/10 or below")
    expect(pain_goal).to_have_class("goal is-unknown")
    expect(pain_goal).to_contain_text("5 days logged so far, 6 needed")
    page.screenshot(path=artifacts / "athlete-next-before.png", full_page=True)
    page.goto(f"{live_server.url}/me/progress/")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data")
    assert during_pain_on_chart(page)[-1] is None

    # The log: tap through it and count the taps.
    page.goto(f"{live_server.url}/me/")
    tap = Taps()
    tap(page.get_by_role("link", name="Log today"))
    expect(page.get_by_role("heading", name="Today's log")).to_be_visible()
    page.screenshot(path=artifacts / "athlete-log.png")
    page.screenshot(path=artifacts / "athlete-log-full.png", full_page=True)
    fill_todays_log(page, tap, during="1")
    tap(page.get_by_role("button", name="Save today's log"))
    expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    assert tap.count <= MAX_TAPS, f"a complete log took {tap.count} taps"
    expect(page.get_by_text("Your log for today is saved.")).to_be_visible()
    page.screenshot(path=artifacts / "athlete-logged.png", full_page=True)

    entry = DailyLog.objects.get(athlete=athlete, date=today)
    assert (entry.pain_rest, entry.pain_during, entry.pain_after) == (0, 1, 1)
    assert entry.pain_character == "dull" and entry.night_pain is False
    assert entry.sleep_quality == 3 and entry.mood == 2  # carried over from yesterday
    assert (
        DailyLog.objects.get(athlete=athlete, date=today - dt.timedelta(days=1)).pain_next_morning
        == 0
    )
    session = ActivitySession.objects.get(athlete=athlete, date=today)
    assert (session.activity, session.minutes, session.rpe) == ("walk_run", 30, 4)

    # What's next, after: six logs at 1/10 in 7 days, so the pain goal is done.
    page.goto(f"{live_server.url}/me/next/")
    done = page.locator(".goal.is-met", has_text="Pain during running at 2/10 or below")
    expect(done).to_be_visible()
    page.screenshot(path=artifacts / "athlete-next.png", full_page=True)
    page.goto(f"{live_server.url}/me/progress/")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data")
    assert during_pain_on_chart(page)[-1] == 1

    # Edit today's log: pain during goes up to 3, above the 2/10 goal.
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_text("Today's log is done")).to_be_visible()
    page.get_by_role("link", name="Edit today's log").tap()
    expect(page.get_by_text("You logged this day already")).to_be_visible()
    expect(page.locator("#id_pain_during_1")).to_be_checked()
    option(page, "pain_during", "3").tap()
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    assert DailyLog.objects.filter(athlete=athlete).count() == 6
    assert DailyLog.objects.get(athlete=athlete, date=today).pain_during == 3
    assert ActivitySession.objects.filter(athlete=athlete, date=today).count() == 1

    page.goto(f"{live_server.url}/me/next/")
    pain_goal = page.locator(".goal", has_text="Pain during running at 2/10 or below")
    expect(pain_goal).to_have_class("goal is-open")
    expect(pain_goal).to_contain_text("Your pain reached 3/10 recently")
    page.goto(f"{live_server.url}/me/progress/")
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data")
    assert during_pain_on_chart(page)[-1] == 3
    expect(page.get_by_role("link", name=f"Edit log for {today:%-d %B}")).to_be_visible()
    page.screenshot(path=artifacts / "athlete-progress.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_sharp_pain_gets_a_clear_stop_message(page: Page, live_server, maya, artifacts):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    tap = Taps()
    fill_todays_log(page, tap, during="2")
    tap(option(page, "pain_character", "2"))  # changed their mind: sharp
    tap(page.get_by_role("button", name="Save today's log"))
    expect(
        page.get_by_role("heading", name="Sharp pain reported — your clinician has been notified")
    ).to_be_visible()
    expect(page.get_by_text("Please stop running until they contact you.")).to_be_visible()
    page.screenshot(path=artifacts / "athlete-logged-red-flag.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_missing_answers_are_shown_clearly(page: Page, live_server, maya, artifacts):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    option(page, "pain_during", "1").tap()
    page.get_by_role("button", name="Save today's log").tap()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Pain at rest")
    expect(summary).to_contain_text("Did pain wake you last night?")
    page.screenshot(path=artifacts / "athlete-log-errors.png")
    assert not DailyLog.objects.filter(date=timezone.localdate()).exists()


@pytest.mark.django_db(transaction=True)
def test_a_log_made_offline_is_kept_and_sent_once_back_online(
    browser, browser_context_args, live_server, maya, artifacts
):
    today = timezone.localdate()
    athlete = maya.athlete_profile
    context = browser.new_context(**browser_context_args, timezone_id="Europe/London")
    page = context.new_page()
    log_in(page, live_server)
    # The service worker installs and keeps the app shell and the athlete's pages.
    page.goto(f"{live_server.url}/me/log/")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)", timeout=15000)
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    page.goto(f"{live_server.url}/me/")

    context.set_offline(True)
    # Without signal the log page still opens, from the phone.
    page.goto(f"{live_server.url}/me/log/")
    expect(page.get_by_role("heading", name="Today's log")).to_be_visible()
    tap = Taps()
    fill_todays_log(page, tap, during="1")
    tap(page.get_by_role("button", name="Save today's log"))
    assert tap.count <= MAX_TAPS
    saved = page.locator("#saved-offline")
    expect(saved).to_be_visible()
    expect(saved).to_contain_text("Saved on this phone")
    expect(saved).to_contain_text("It will be sent when you are back online.")
    page.screenshot(path=artifacts / "athlete-log-offline.png")
    assert not DailyLog.objects.filter(athlete=athlete, date=today).exists()

    # Opening the log again shows the kept answers; saving again replaces them (still one).
    page.goto(f"{live_server.url}/me/log/")
    expect(page.get_by_text("This log is saved on this phone")).to_be_visible()
    expect(page.locator("#id_pain_during_1")).to_be_checked()
    option(page, "pain_during", "2").tap()
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.locator("#saved-offline")).to_be_visible()
    assert page.evaluate("window.rehabOutbox.pending()") == [today.isoformat()]

    context.set_offline(False)
    status = page.locator("#sync-status")
    expect(status).to_contain_text("was sent", timeout=15000)
    expect(page.locator("#saved-offline")).to_contain_text("Sent: logged")
    expect(page.get_by_text("This log is saved on this phone")).to_have_count(0)
    page.screenshot(path=artifacts / "athlete-log-synced.png")
    assert page.evaluate("window.rehabOutbox.pending()") == []
    assert DailyLog.objects.filter(athlete=athlete, date=today).count() == 1
    assert DailyLog.objects.get(athlete=athlete, date=today).pain_during == 2
    assert ActivitySession.objects.filter(athlete=athlete, date=today).count() == 1

    # The same log sent once more (a flaky connection) still leaves one log and one session.
    page.evaluate(RESEND, today.isoformat())
    assert page.evaluate("window.rehabOutbox.pending()") == []
    assert DailyLog.objects.filter(athlete=athlete).count() == 6
    assert ActivitySession.objects.filter(athlete=athlete, date=today).count() == 1

    # Logging out leaves no page of the athlete's cached on the phone.
    page.goto(f"{live_server.url}/me/")
    cached = "async () => (await caches.keys()).filter(k => k.startsWith('rehab-athlete-'))"
    assert page.evaluate(cached)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.evaluate(cached) == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_pages_are_accessible_and_fit_a_small_phone(page: Page, live_server, maya, artifacts):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    fill_todays_log(page, Taps(), during="1")
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    urls = [
        "/me/",
        "/me/log/",
        page.url.removeprefix(live_server.url),
        "/me/next/",
        "/me/progress/",
        "/me/messages/",
        "/me/shoes/",
        "/me/sharing/",
        "/me/offline/",
    ]
    problems = {}
    # 390 px: the phone; 320 px: the smallest phone; 195 px: the phone at 200% zoom (WCAG 1.4.4
    # and 1.4.10: nothing scrolls sideways); 390 px with the phone's text at 200%.
    for width, height, text in ((390, 844, 1), (320, 640, 1), (195, 422, 1), (390, 844, 2)):
        page.set_viewport_size({"width": width, "height": height})
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            if text != 1:
                page.add_style_tag(content=f"html {{ font-size: {text * 100}% !important }}")
            if url == "/me/progress/":
                page.wait_for_function("document.querySelector('.js-plotly-plot')?.data")
            no_horizontal_scroll(page)
            name = url.strip("/").replace("/", "-") or "today"
            if (width, text) == (390, 1):
                found = axe_serious(page)
                if found:
                    problems[url] = found
            elif width == 320:
                page.screenshot(path=artifacts / f"athlete-320-{name}.png", full_page=True)
            elif width == 195:
                page.screenshot(path=artifacts / f"athlete-zoom200-{name}.png")
    assert not problems, problems


@pytest.mark.django_db(transaction=True)
def test_tap_targets_are_at_least_44_pixels(page: Page, live_server, maya):
    log_in(page, live_server)
    for url in ("/me/", "/me/log/", "/me/progress/", "/me/messages/", "/me/shoes/"):
        page.goto(f"{live_server.url}{url}")
        small = page.evaluate(SMALL_TARGETS)
        assert not small, f"{url}: {small}"


def day_answers(page: Page, tap: Taps, *, during: str = "1") -> None:
    """The day's own questions, without its sessions."""
    for name, value in (
        ("pain_rest", "0"),
        ("pain_during", during),
        ("pain_after", "1"),
        ("this_morning", "0"),
        ("pain_character", "1"),
        ("night_pain", "1"),
    ):
        tap(option(page, name, value))


@pytest.mark.django_db(transaction=True)
def test_a_day_of_walk_run_cycling_and_strength_is_three_sessions(
    page: Page, live_server, maya, artifacts
):
    """The plan prescribes walk-run, cycling and strength on one day: each is its own session,
    one added by the plan's suggestion, one typed, one added and then removed; the load is
    their sum. Typing minutes into a suggested "30" replaces it (no "3030")."""
    today = timezone.localdate()
    athlete = maya.athlete_profile
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    expect(page.locator("#id_s-0-activity")).to_have_value("")  # nothing chosen for them
    tap = Taps()
    day_answers(page, tap)
    tap(quick_add(page, "Walk-run 30 min"))
    expect(page.locator("#id_s-0-activity")).to_have_value("walk_run")
    page.locator("#id_s-0-minutes").click()
    page.keyboard.type("35")
    expect(page.locator("#id_s-0-minutes")).to_have_value("35")
    tap(option(page, "s-0-rpe", "4"))
    finished(page, 0)
    page.locator("#id_s-0-surface").select_option("grass")
    page.get_by_role("button", name="+ Add another session").tap()
    page.locator("#id_s-1-activity").select_option("cycle")
    expect(page.locator("#session-s-1 .if-impact")).to_be_hidden()  # no shoes for a bike
    page.locator("#id_s-1-minutes").fill("45")
    tap(option(page, "s-1-rpe", "3"))
    page.get_by_role("button", name="+ Add another session").tap()
    page.locator("#id_s-2-activity").select_option("strength")
    page.locator("#id_s-2-minutes").fill("20")
    option(page, "s-2-rpe", "5").tap()
    page.locator("#session-s-2").get_by_text("Remove this session").tap()
    expect(page.locator("#session-s-2")).to_be_hidden()
    # a slip is one tap to take back, where the thumb was
    removed = page.locator(".session-removed")
    expect(removed).to_have_text("Strength training, 20 min: removed when you save. Undo")
    removed.get_by_role("button", name="Undo").tap()
    expect(page.locator("#session-s-2")).to_be_visible()
    expect(removed).to_have_count(0)
    page.locator("#session-s-2").get_by_text("Remove this session").tap()
    expect(page.locator("#session-s-2")).to_be_hidden()
    page.screenshot(path=artifacts / "athlete-log-sessions.png", full_page=True)
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    saved = ActivitySession.objects.filter(athlete=athlete, date=today).order_by("id")
    assert [(s.activity, s.minutes, s.rpe, s.surface) for s in saved] == [
        ("walk_run", 35, 4, "grass"),
        ("cycle", 45, 3, ""),
    ]
    # Opened again, the day shows both sessions; removing the ride leaves the walk-run.
    page.goto(f"{live_server.url}/me/log/")
    expect(page.locator("[data-session]:visible")).to_have_count(2)
    page.locator("#session-s-1").get_by_text("Remove this session").tap()
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    assert list(
        ActivitySession.objects.filter(athlete=athlete, date=today).values_list("activity")
    ) == [("walk_run",)]


@pytest.mark.django_db(transaction=True)
def test_several_sessions_made_offline_are_each_sent_exactly_once(
    browser, browser_context_args, live_server, maya, artifacts
):
    today = timezone.localdate()
    athlete = maya.athlete_profile
    context = browser.new_context(**browser_context_args, timezone_id="Europe/London")
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)", timeout=15000)
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")

    context.set_offline(True)
    page.goto(f"{live_server.url}/me/log/")
    tap = Taps()
    day_answers(page, tap)
    tap(quick_add(page, "Walk-run 30 min"))
    tap(option(page, "s-0-rpe", "4"))
    finished(page, 0)
    page.get_by_role("button", name="+ Add another session").tap()
    page.locator("#id_s-1-activity").select_option("cycle")
    page.locator("#id_s-1-minutes").fill("45")
    option(page, "s-1-rpe", "3").tap()
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.locator("#saved-offline")).to_be_visible()
    assert not ActivitySession.objects.filter(athlete=athlete, date=today).exists()

    # Opened again offline: both rows are back, with the keys they were kept under.
    page.goto(f"{live_server.url}/me/log/")
    expect(page.get_by_text("This log is saved on this phone")).to_be_visible()
    expect(page.locator("#id_s-1-activity")).to_have_value("cycle")
    keys = page.evaluate(
        "[...document.querySelectorAll('[name$=\"-key\"]')].map(e => e.value).slice(0, 2)"
    )
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.locator("#saved-offline")).to_be_visible()

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("was sent", timeout=15000)
    saved = ActivitySession.objects.filter(athlete=athlete, date=today).order_by("id")
    assert [(s.activity, s.external_id) for s in saved] == list(
        zip(["walk_run", "cycle"], keys, strict=True)
    )
    # Sent once more (a lost answer): still the same two sessions.
    page.goto(f"{live_server.url}/me/log/")
    page.evaluate(RESEND, today.isoformat())
    assert ActivitySession.objects.filter(athlete=athlete, date=today).count() == 2
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_log_is_posted_once_and_says_what_to_fix(page: Page, live_server, maya):
    """The server's refusal is shown as it came; the log is not posted a second time."""
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    log_in(page, live_server)
    posts.clear()
    page.goto(f"{live_server.url}/me/log/")
    day_answers(page, Taps())
    quick_add(page, "Walk-run 30 min").tap()
    page.locator("#id_s-0-minutes").fill("3030")
    option(page, "s-0-rpe", "4").tap()
    finished(page, 0)
    page.get_by_role("button", name="Save today's log").tap()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Session 1: Minutes")
    expect(summary).to_be_focused()
    assert len(posts) == 1, posts
    # Corrected on the page that came back, it saves (the page's script runs again).
    page.locator("#id_s-0-minutes").fill("30")
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    assert len(posts) == 2
    today = timezone.localdate()
    assert DailyLog.objects.filter(athlete=maya.athlete_profile, date=today).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_phone_tells_the_app_where_the_athlete_is(
    browser, browser_context_args, live_server, maya, artifacts
):
    """A phone set to Auckland: the app learns the time zone on the first page, and Today's date
    is Auckland's from then on (a different date from London's from 11:00 to 24:00 UTC)."""
    from monitoring.ingest.checks import athlete_today

    context = browser.new_context(**browser_context_args, timezone_id="Pacific/Auckland")
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/")
    athlete = maya.athlete_profile
    for _ in range(50):
        athlete.refresh_from_db()
        if athlete.time_zone:
            break
        page.wait_for_timeout(100)
    assert athlete.time_zone == "Pacific/Auckland"
    page.goto(f"{live_server.url}/me/")
    expected = athlete_today(athlete)
    expect(page.locator("p.eyebrow").first).to_contain_text(
        f"{expected:%A} {expected.day} {expected:%B}"
    )
    page.goto(f"{live_server.url}/me/progress/")
    expect(page.locator("#time-zone")).to_contain_text("Pacific/Auckland")
    page.screenshot(path=artifacts / "athlete-time-zone.png")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_notifications_offer_the_one_button_for_the_phones_state(
    page: Page, live_server, maya, settings
):
    out = io.StringIO()
    call_command("vapid_keys", stdout=out)
    keys = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.REHAB_VAPID_PUBLIC_KEY = keys["REHAB_VAPID_PUBLIC_KEY"]
    settings.REHAB_VAPID_PRIVATE_KEY = keys["REHAB_VAPID_PRIVATE_KEY"]
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/progress/")
    card = page.locator("#push")
    expect(card).to_contain_text("Off on this phone: we e-mail you instead.")
    expect(card.get_by_role("button", name="Turn on notifications")).to_be_visible()
    expect(card.get_by_role("button", name="Turn off notifications")).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_rating_pain_after_no_pain_asks_what_it_was_like(page: Page, live_server, maya):
    """Maya taps "No pain", then remembers a 2/10 during her walk: "No pain" is unticked at
    once, so she chooses what the pain was like before saving rather than after a refusal."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    tap = Taps()
    tap(option(page, "pain_character", "0"))  # no pain
    assert page.locator("#id_pain_character_0").is_checked()
    tap(option(page, "pain_during", "2"))
    assert not page.locator("#id_pain_character_0").is_checked()
    tap(option(page, "pain_during", "0"))
    tap(option(page, "pain_character", "0"))
    assert page.locator("#id_pain_character_0").is_checked()  # 0 leaves it as it is


def test_a_sessions_pain_raises_the_days_pain_during_activity(page: Page, live_server, maya):
    """Maya rates the day's pain during activity 1, then her walk-run 6 during it: the day's
    rating becomes 6 at once and says why (the rules read the worst of the two; "during 1"
    beside "walk-run, pain during 6" contradicted itself). A lower session rating changes
    nothing."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    tap = Taps()
    tap(option(page, "pain_during", "1"))
    tap(quick_add(page, "Walk-run 30 min"))
    tap(option(page, "s-0-pain_during", "6"))
    expect(page.locator('input[name="pain_during"][value="6"]')).to_be_checked()
    expect(page.locator("#group-pain_during [data-raised]")).to_contain_text(
        "the pain you gave for a session today"
    )
    tap(option(page, "s-0-pain_during", "2"))
    expect(page.locator('input[name="pain_during"][value="6"]')).to_be_checked()
