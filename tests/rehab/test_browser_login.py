"""A person logs in on a phone-sized screen in Debian's chromium."""

import pytest
from playwright.sync_api import Page, expect

from athletes.models import User

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_login_on_a_phone(page: Page, live_server, artifacts):
    User.objects.create_user(
        "maya", password="s3cret-pass", first_name="Maya", kind=User.Kind.ATHLETE
    )
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.screenshot(path=artifacts / "login-phone.png", full_page=True)
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Log in").click()
    # The athlete lands on their own start page (/me/), logged in.
    page.wait_for_url(f"{live_server.url}/me/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.screenshot(path=artifacts / "home-phone.png", full_page=True)
    # Nothing on the page is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
