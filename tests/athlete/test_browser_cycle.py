"""The optional cycle log on the athlete's phone (390×844): turn it on with consent, log the
day a period started in a tap, without signal too (kept on the phone and sent once back
online, one entry a day), accessible (axe-core), 44 px targets, and off again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from athletes.models import PeriodStart
from monitoring.care.services import cycle_consent_set, period_start_record
from monitoring.models import DailyLog
from tests.athlete import test_browser as browser_athletes
from tests.athlete.test_browser import (
    PASSWORD,
    SMALL_TARGETS,
    Taps,
    axe_serious,
    fill_todays_log,
    no_horizontal_scroll,
)
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.browser
maya = browser_athletes.maya  # the walk-run athlete of the daily-log browser tests (a fixture)


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
    expect(page.locator("[data-outbox-note]")).to_contain_text("saved on this phone")
    page.screenshot(path=artifacts / "athlete-cycle-offline.png", full_page=True)
    assert not PeriodStart.objects.filter(started_on=today - dt.timedelta(days=1)).exists()
    context.set_offline(False)
    expect(page.locator("[data-outbox-note]")).to_be_hidden(timeout=15000)
    assert PeriodStart.objects.filter(started_on=today - dt.timedelta(days=1)).count() == 1
    # Two starts a day apart are one period (the same period logged twice), not two.
    expect(page.get_by_text("1 period in the last 12 months")).to_be_visible()

    page.get_by_role("button", name="Turn the cycle log off").tap()
    expect(page.get_by_role("heading", name="Cycle log is off")).to_be_visible()
    expect(page.get_by_text("periods in the last 12 months")).to_have_count(0)
    context.close()


CACHED_PATHS = """async () => {
  const out = [];
  for (const key of await caches.keys()) {
    if (!key.startsWith('rehab-athlete-')) continue;
    const cache = await caches.open(key);
    for (const request of await cache.keys()) out.push(new URL(request.url).pathname);
  }
  return out;
}"""


def install_the_app(page, live_server) -> None:
    """The service worker installed and in control, as on a phone that has used the app."""
    page.goto(f"{live_server.url}/me/")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)", timeout=15000)
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


@pytest.mark.django_db(transaction=True)
def test_a_cycle_day_kept_offline_beside_the_days_log_is_sent_once_back_online(
    browser,
    browser_context_args,
    live_server,
    maya,
    artifacts,
):
    """Offline, the cycle page opens from the phone; today's period start and today's daily log
    wait in the one outbox side by side (cycle:<date> and <date>), the page says so, and back
    online both are sent: one period start, one log, also when the day is sent again."""
    today = timezone.localdate()
    athlete = maya.athlete_profile
    cycle_consent_set(athlete=athlete, by=maya, given=True)
    context = browser.new_context(**browser_context_args, timezone_id="Europe/London")
    page = context.new_page()
    log_in(page, live_server, "maya", PASSWORD)
    install_the_app(page, live_server)
    page.goto(f"{live_server.url}/me/cycle/")  # kept by the service worker
    expect(page.get_by_role("heading", name="Cycle log is on")).to_be_visible()
    assert "/me/cycle/" in page.evaluate(CACHED_PATHS)

    context.set_offline(True)
    page.goto(f"{live_server.url}/me/log/")
    fill_todays_log(page, Taps(), during="1")
    page.get_by_role("button", name="Save today's log").tap()
    expect(page.locator("#saved-offline")).to_be_visible()

    page.goto(f"{live_server.url}/me/cycle/")  # from the phone: no connection
    expect(page.get_by_role("heading", name="Cycle log is on")).to_be_visible()
    page.get_by_role("button", name="Today", exact=True).tap()
    note = page.locator("[data-outbox-note]")
    expect(note).to_have_text(
        "2 logs are saved on this phone and will be sent when you are back online."
    )
    waiting = page.locator("[data-cycle-waiting-list] li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("waiting to send")
    pending = page.evaluate("window.rehabOutbox.pending()")
    assert pending == [today.isoformat(), f"cycle:{today.isoformat()}"]
    page.screenshot(path=artifacts / "athlete-cycle-offline-waiting.png", full_page=True)
    page.locator("#cycle-list").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "athlete-cycle-offline-waiting-view.png")
    assert axe_serious(page) == []
    no_horizontal_scroll(page)
    assert not PeriodStart.objects.filter(athlete=athlete).exists()
    assert not DailyLog.objects.filter(athlete=athlete, date=today).exists()

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("2 logs saved", timeout=15000)
    expect(page.get_by_text("1 period in the last 12 months")).to_be_visible(timeout=15000)
    expect(note).to_be_hidden()
    expect(waiting).to_have_count(0)
    page.screenshot(path=artifacts / "athlete-cycle-offline-sent.png", full_page=True)
    assert page.evaluate("window.rehabOutbox.pending()") == []
    starts = PeriodStart.objects.filter(athlete=athlete).values_list("started_on", flat=True)
    assert list(starts) == [today]
    assert DailyLog.objects.filter(athlete=athlete, date=today).count() == 1

    # The same day sent again (an answer lost on a flaky connection): still one entry.
    page.evaluate(
        """(day) => { window.rehabOutbox.put('cycle:' + day, '/me/cycle/', [['started_on', day]]);
                      return window.rehabOutbox.sync(); }""",
        today.isoformat(),
    )
    assert page.evaluate("window.rehabOutbox.pending()") == []
    assert PeriodStart.objects.filter(athlete=athlete).count() == 1
    context.close()


@pytest.mark.django_db(transaction=True)
def test_another_athlete_on_the_same_phone_never_sees_the_first_ones_cycle_page(
    browser,
    browser_context_args,
    live_server,
    ana,
    maya,
    artifacts,
):
    """Ana's cycle page is kept on the phone; her session ends without "Log out" (it expires)
    and Maya logs in on the same phone: offline, Maya gets the offline page, which names
    nobody, never Ana's cycle log."""
    today = timezone.localdate()
    cycle_consent_set(athlete=ana.athlete_profile, by=ana, given=True)
    period_start_record(athlete=ana.athlete_profile, by=ana, started_on=today, today=today)
    context = browser.new_context(**browser_context_args, timezone_id="Europe/London")
    page = context.new_page()
    log_in(page, live_server, "ana", PASSWORD)
    install_the_app(page, live_server)
    page.goto(f"{live_server.url}/me/cycle/")
    expect(page.get_by_text("1 period in the last 12 months")).to_be_visible()
    assert "/me/cycle/" in page.evaluate(CACHED_PATHS)

    context.clear_cookies()  # Ana's session is over, without the log-out button
    # The login page forgets the kept pages before anyone logs in...
    page.goto(f"{live_server.url}/login/")
    page.wait_for_function(f"({CACHED_PATHS})().then(paths => !paths.includes('/me/cycle/'))")
    # ...and, should a page of Ana's be kept still, the service worker forgets it at Maya's
    # first page (its X-Rehab-User differs): shown by putting one back behind the login page.
    page.evaluate(
        """async (ana) => {
          const worker = await (await fetch('/me/sw.js')).text();
          const cache = await caches.open(worker.match(/const CACHE = "([^"]+)"/)[1]);
          await cache.put('/me/sw-user', new Response(ana));
          await cache.put('/me/cycle/', new Response('<h1>Ana planted</h1>'));
        }""",
        str(ana.pk),
    )
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("link", name="Cycle log (optional)")).to_be_visible()
    # Maya's pages are kept again, in the background.
    page.wait_for_function(f"({CACHED_PATHS})().then(paths => paths.includes('/me/log/'))")
    kept = page.evaluate(CACHED_PATHS)
    assert "/me/cycle/" not in kept and "/me/" in kept

    context.set_offline(True)
    page.goto(f"{live_server.url}/me/cycle/")
    # The offline page, or (while the worker is still keeping it again) its plain fallback.
    expect(page.get_by_text("offline").first).to_be_visible()
    html = page.content()
    assert "Ana" not in html and "Maya" not in html and "maya" not in html
    assert "period" not in html
    page.screenshot(path=artifacts / "athlete-cycle-other-user-offline.png", full_page=True)
    context.close()
