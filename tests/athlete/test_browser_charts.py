"""The Progress charts on a phone, in Debian's chromium: a vertical swipe over a chart scrolls
the page and leaves the chart as it was (it zoomed and emptied it before), a tap shows the
day's values, and rest pain and the nights pain woke the athlete are charted too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.ingest.items import daily_log_record
from monitoring.models import DailyLog

from .test_browser import log_in, maya  # noqa: F401 — the fixture

pytestmark = pytest.mark.browser


def _ranges(page: Page) -> list:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
             c => [c._fullLayout.xaxis.range.map(String), c._fullLayout.yaxis.range])"""
    )


def swipe(page: Page, x: float, y: float, dy: float) -> None:
    """A thumb's vertical swipe as the phone's touch events (the devtools protocol), then a
    moment for the page to settle."""
    cdp = page.context.new_cdp_session(page)
    steps = 12
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for n in range(1, steps + 1):
        point = {"x": x, "y": y + dy * n / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(400)
    cdp.detach()


def test_a_swipe_scrolls_the_page_and_a_tap_shows_the_values(
    page: Page,
    live_server,
    maya,  # noqa: F811 — the fixture of test_browser.py
    artifacts,
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    athlete = maya.athlete_profile
    DailyLog.objects.filter(athlete=athlete, date=yesterday).delete()
    daily_log_record(
        athlete=athlete,
        date=yesterday,
        submitted_by=maya,
        fields={"pain_rest": 2, "pain_during": 3, "pain_after": 3, "night_pain": True},
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/progress/")
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    names = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name)")
    assert {"At rest", "During activity", "Night pain"} <= set(names)
    chart.scroll_into_view_if_needed()
    before, top = _ranges(page), page.evaluate("window.scrollY")

    # A thumb swipes up across the pain chart: the page moves, the chart does not zoom.
    box = chart.bounding_box()
    swipe(page, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8, -300)
    assert page.evaluate("window.scrollY") > top + 100
    assert _ranges(page) == before
    # A drag across the plot (Plotly reads a touch drag as one) zooms nothing either.
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=8)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert _ranges(page) == before
    expect(page.get_by_text("Double-click to zoom back out")).to_have_count(0)
    settings = page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(c => [
             c._fullLayout.dragmode, c._context.scrollZoom, c._context.doubleClick])"""
    )
    assert settings and all(s == [False, False, False] for s in settings)

    # A tap on the chart shows that day's values. The chart is centred first: merely "in
    # view", its lower part may sit under the fixed bottom navigation, which takes the tap.
    chart.evaluate("c => c.scrollIntoView({block: 'center'})")
    box = chart.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.55)
    label = chart.locator(".hoverlayer .hovertext, .hoverlayer .legend").first
    expect(label).to_be_visible()
    # The night pain shows on its own day only.
    night = page.evaluate(
        """() => { const t = document.querySelector('.js-plotly-plot').data
                     .find(t => t.name === 'Night pain');
                   return t.y.filter(v => v !== null).length; }"""
    )
    assert night == 1
    page.screenshot(path=artifacts / "athlete-progress-chart-tap.png", full_page=False)
    assert _ranges(page) == before
