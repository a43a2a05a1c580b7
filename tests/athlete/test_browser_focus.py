"""The log on a phone, by keyboard (a switch or a Bluetooth keyboard): every field that takes
the focus is in view, never under the tab bar or the sticky save button (WCAG 2.2, 2.4.11); the
text follows the phone's text size (the body is sized in rem)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .test_browser import log_in, maya  # noqa: F401 — the fixture

pytestmark = pytest.mark.browser

OBSCURED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el.closest('.tabbar')) return null;
  const r = el.getBoundingClientRect();
  const bar = document.querySelector('.tabbar').getBoundingClientRect();
  const save = document.querySelector('.log-form .save');
  const saveTop = save ? save.getBoundingClientRect().top : bar.top;
  const hidden = el === save || (save && save.contains(el)) ? r.bottom > bar.top
    : r.bottom > Math.min(bar.top, saveTop) || r.top < 0;
  return hidden ? (el.name || el.id || el.tagName) + ' ' + Math.round(r.top) + '-'
    + Math.round(r.bottom) + ' under ' + Math.round(Math.min(bar.top, saveTop)) : '';
}"""


def test_no_focused_field_of_the_log_is_hidden_under_the_sticky_bars(
    page: Page,
    live_server,
    maya,  # noqa: F811 — the fixture of test_browser.py
    artifacts,
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/log/")
    hidden = []
    for _ in range(60):
        page.keyboard.press("Tab")
        found = page.evaluate(OBSCURED)
        if found:
            hidden.append(found)
    page.screenshot(path=artifacts / "athlete-log-focus.png")
    assert hidden == [], hidden


def test_the_text_follows_the_phone_s_text_size(
    page: Page,
    live_server,
    maya,  # noqa: F811
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/")
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '20px'")  # a larger text setting
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert (base, larger) == (16, 20)
