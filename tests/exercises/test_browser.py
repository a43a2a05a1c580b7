"""On a phone (390 × 844): today's exercises with their diagrams; an exercise ticked without
signal is kept on the phone and recorded once when the connection returns; un-ticking; the
card is accessible (axe-core) and its tap targets large; the diagrams as they look."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.models import ExerciseCompletion
from protocols import services
from protocols.models import Exercise
from tests.athlete.test_browser import PASSWORD, axe_serious
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan

from .conftest import EXERCISES

pytestmark = pytest.mark.browser
REPLAY = """() => {
  const key = 'rehab.ticks.' + document.querySelector('script[data-user]').dataset.user;
  const day = document.querySelector('[data-exercises]').dataset.day;
  const box = {};
  box[day + '|calf-raise-single'] = {url: '/me/exercises/tick/', exercise: 'calf-raise-single',
    day: day, done: true, at: new Date().toISOString()};
  localStorage.setItem(key, JSON.stringify(box));
  window.dispatchEvent(new Event('online'));
}"""

WAITING_TICKS = """() => localStorage.getItem(
  'rehab.ticks.' + document.querySelector('script[data-user]').dataset.user)"""


def _wait_for_no_waiting_ticks(page: Page, seconds: float = 15) -> None:
    """Until the phone keeps no tick waiting to be sent (polled: the page's CSP forbids the
    string evaluation of ``wait_for_function``)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(WAITING_TICKS) is None:
            return
        page.wait_for_timeout(100)
    raise AssertionError("ticks still waiting on the phone")


@pytest.fixture
def maya(transactional_db):
    services.install_shipped_exercises()
    today = timezone.localdate()
    clinician = UserFactory(username="dana", kind="clinician")
    user = UserFactory(username="maya", kind="athlete", first_name="Maya")
    case = CaseFactory(athlete__first_name="Maya", athlete__user=user)
    case.care_team.create(user=clinician, role="lead_clinician")
    case.care_team.create(user=user, role="athlete")
    plan = running_plan(case, clinician, started_on=today - dt.timedelta(days=10), phase=2)
    services.phase_exercises_update(
        phase=plan.current_phase, exercises=EXERCISES, edited_by=clinician
    )
    return user


def _card(page: Page, name: str):
    return page.locator(".exercise", has=page.get_by_role("heading", name=name))


@pytest.mark.django_db(transaction=True)
def test_an_exercise_ticked_offline_is_recorded_once_back_online(
    browser, browser_context_args, live_server, maya, artifacts
):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)", timeout=15000)
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    card = _card(page, "Single-leg calf raise")
    expect(card.locator("img.exercise-diagram")).to_be_visible()
    card.get_by_text("How to do it").tap()
    expect(card.get_by_text("Stand on one foot")).to_be_visible()
    page.locator("#exercises").screenshot(path=artifacts / "exercises-today.png")

    context.set_offline(True)
    page.reload()  # the page comes from the phone without signal
    card = _card(page, "Single-leg calf raise")
    total = page.locator("[data-week-total]")
    before = int(total.inner_text().split()[0])
    button = card.get_by_role("button", name="Mark as done")
    button.tap()
    expect(card.get_by_role("button", name="Done today")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-tick-note]")).to_contain_text("saved on this phone")
    # the week's counts take the tick at once, offline as online
    expect(card.locator("[data-week-line]")).to_have_text("1 of 3 this week")
    expect(total).to_have_text(re.compile(rf"^{before + 1} of "))
    # a second tap while offline un-ticks, a third ticks again: the last one is what is sent
    card.get_by_role("button", name="Done today").tap()
    card.get_by_role("button", name="Mark as done").tap()
    page.screenshot(path=artifacts / "exercises-offline.png")
    assert not ExerciseCompletion.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-tick-note]")).to_be_hidden(timeout=15000)
    expect(card.locator("[data-week-line]")).to_have_text("1 of 3 this week")
    _wait_for_no_waiting_ticks(page)
    assert ExerciseCompletion.objects.filter(exercise__key="calf-raise-single").count() == 1

    # the outbox replaying the same tick leaves one completion (the note was hidden already:
    # wait for the phone's ticks to be sent, or a reload could cut the send short)
    page.evaluate(REPLAY)
    _wait_for_no_waiting_ticks(page)
    assert ExerciseCompletion.objects.filter(exercise__key="calf-raise-single").count() == 1

    # after a reload the tick is the server's; un-ticking online removes it
    page.reload()
    card = _card(page, "Single-leg calf raise")
    card.get_by_role("button", name="Done today").tap()
    expect(card.get_by_role("button", name="Mark as done")).to_be_visible()
    expect(page.locator("[data-tick-note]")).to_be_hidden()
    _wait_for_no_waiting_ticks(page)
    assert not ExerciseCompletion.objects.exists()
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_tick_made_while_another_is_sent_is_sent_at_once(
    browser, browser_context_args, live_server, maya
):
    """A tap while the phone is still sending an earlier tick (the server slow to answer) is
    sent when that one is answered, not at the next reason to send (up to 30 s later), and
    the last tap is what the server keeps."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    held, hold = [], [True]

    def slow_server(route):
        if hold[0]:
            held.append(route)  # answered later
        else:
            route.continue_()

    page.route("**/me/exercises/tick/", slow_server)
    card = _card(page, "Single-leg calf raise")
    card.get_by_role("button", name="Mark as done").tap()
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first tick was not sent"
    # online, a tick on its way says nothing of being kept on the phone
    expect(page.locator("[data-tick-note]")).to_be_hidden()
    expect(card.locator("[data-week-line]")).to_have_text("1 of 3 this week")
    card.get_by_role("button", name="Done today").tap()  # un-tick while the first is held
    hold[0] = False
    held[0].continue_()
    expect(page.locator("[data-tick-note]")).to_be_hidden(timeout=10000)
    _wait_for_no_waiting_ticks(page)
    assert len(held) == 1
    assert not ExerciseCompletion.objects.exists()  # the un-tick was sent after the tick
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_exercise_card_is_accessible_with_large_targets(page: Page, live_server, maya):
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    page.locator("#exercises details").first.evaluate("d => d.open = true")
    assert axe_serious(page) == []
    sizes = page.eval_on_selector_all(
        "#exercises button, #exercises summary",
        "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])",
    )
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.django_db(transaction=True)
def test_the_diagrams_as_they_look(page: Page, live_server, artifacts, transactional_db):
    services.install_shipped_exercises()
    figures = "".join(
        f'<figure style="display:inline-block;margin:4px;width:180px"><img src="/static/'
        f'{e.diagram}" alt="{e.alt}" width="180"><figcaption>{e.name}</figcaption></figure>'
        for e in Exercise.objects.order_by("name")
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")  # an HTML page of the server, for its origin
    page.set_content(f"<base href='{live_server.url}/'><main>{figures}</main>")
    page.wait_for_load_state("networkidle")
    loaded = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert len(loaded) == 20 and all(w > 0 for w in loaded)
    page.screenshot(path=artifacts / "exercise-diagrams.png", full_page=True)
