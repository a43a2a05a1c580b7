"""The content security policy in a real browser: every kind of page still works (charts drawn,
scripts run, the API docs load) and the browser reports no violation of the policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-pass"  # tests/factories.py
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


class Watch:
    """A logged-in page that records what the browser says about the policy."""

    def __init__(self, browser: Browser, live_server, username: str | None, **context):
        self.context = browser.new_context(**context)
        self.page: Page = self.context.new_page()
        self.base = live_server.url
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if username:
            self.page.goto(f"{self.base}/login/")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", PASSWORD)
            self.page.click("button[type=submit]")
            self.page.wait_for_load_state("networkidle")

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.violations.append(text)

    def visit(self, path: str) -> Page:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, path
        policy = response.headers["content-security-policy"]
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        self.context.close()


def _charts_drawn(page: Page) -> None:
    """Plotly replaced each chart's empty div with its drawing (its inline script ran)."""
    charts = page.locator(".plotly-graph-div")
    assert charts.count() >= 1
    for i in range(charts.count()):
        assert charts.nth(i).locator(".main-svg").count() >= 1, f"chart {i} was not drawn"


def test_clinician_pages(browser: Browser, live_server, clinical_case, case, clinician, artifacts):
    watch = Watch(browser, live_server, "dana", **DESKTOP)
    page = watch.visit(f"/clinic/cases/{case.pk}/")
    _charts_drawn(page)
    page.screenshot(path=artifacts / "csp-clinic-case.png")
    page = watch.visit(f"/clinic/cases/{case.pk}/plan/")
    page = watch.visit("/clinic/")
    page = watch.visit("/account/two-factor/")
    assert page.locator("img[alt^='QR code']").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=artifacts / "csp-two-factor.png")
    watch.close()
    assert watch.violations == [] and watch.errors == []


def test_coach_pages(browser: Browser, live_server, clinical_case, case, coach, artifacts):
    watch = Watch(browser, live_server, "alex", **DESKTOP)
    page = watch.visit(f"/coach/athletes/{case.pk}/")
    _charts_drawn(page)
    page = watch.visit(f"/coach/athletes/{case.pk}/restrictions/")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed === true")  # the handler in js/print.js ran
    page.screenshot(path=artifacts / "csp-coach-restrictions.png")
    watch.visit("/coach/")
    watch.close()
    assert watch.violations == [] and watch.errors == []


def test_athlete_pages(browser: Browser, live_server, clinical_case, case, athlete_user, artifacts):
    watch = Watch(browser, live_server, "maya")
    page = watch.visit("/me/progress/")
    _charts_drawn(page)
    page.screenshot(path=artifacts / "csp-athlete-progress.png")
    watch.visit("/me/")
    watch.visit("/me/log/")
    watch.close()
    assert watch.violations == [] and watch.errors == []


def test_login_and_api_docs(browser: Browser, live_server, artifacts):
    watch = Watch(browser, live_server, None, **DESKTOP)
    watch.visit("/login/")
    page = watch.visit("/api/docs/")
    page.get_by_role("heading", name="rehab API").wait_for()
    page.screenshot(path=artifacts / "csp-api-docs.png")
    watch.close()
    assert watch.violations == [] and watch.errors == []
