"""Helpers shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page


def log_in(page: Page, live_server, username: str, password: str) -> None:
    """Log in through the form and wait until the browser has left the login page.

    The login page has its own heading and is already loaded, so waiting for a heading or for
    the load state returns before the form's answer arrives; a test going on to another page
    at once would cancel the login on a slow machine.
    """
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def quick_add(page: Page, label: str):
    """The one-tap suggestion of the daily log that starts a session ("+ Walk-run 30 min")."""
    return page.locator("[data-quick-add]", has_text=label).first


def fill_session(page: Page, index: int, *, activity: str, minutes: str, rpe: str) -> None:
    """A session row of the daily log filled in by choosing, typing and tapping."""
    page.locator(f"#id_s-{index}-activity").select_option(activity)
    page.locator(f"#id_s-{index}-minutes").fill(minutes)
    page.locator(f'label[for="id_s-{index}-rpe_{rpe}"]').tap()
