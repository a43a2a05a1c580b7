"""The interactive API docs load in a browser with no request leaving the machine."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.mark.django_db(transaction=True)
def test_the_docs_work_offline(page: Page, live_server, artifacts):
    blocked: list[str] = []

    def only_local(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name="rehab API")).to_be_visible()
    # Every resource's operations are rendered from the schema served by this server.
    for tag in ("cases", "daily-logs", "device-metrics", "flags", "plans", "sessions"):
        expect(page.locator(f"#operations-tag-{tag}")).to_be_visible()
    bulk = page.locator("#operations-daily-logs-v1_daily_logs_bulk_create")
    expect(bulk).to_be_visible()
    bulk.locator("button.opblock-summary-control").click()
    expect(bulk.get_by_text("Record many days (bulk upsert)").first).to_be_visible()
    expect(bulk.get_by_text("Two items").first).to_be_attached()
    page.screenshot(path=artifacts / "api-docs-desktop.png", full_page=False)
    assert blocked == []
    assert [url for url in failed if url not in blocked] == []
