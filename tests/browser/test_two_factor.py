"""Two-factor authentication as a person turns it on: the secret read off the page (as one
would type it into an app), confirmed with a code, then a login with password and code."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.test_two_factor import code_for, stopped_clock  # noqa: F401 (a fixture)


@pytest.mark.usefixtures("stopped_clock")
def test_turn_on_totp_then_log_in_with_password_and_code(page, people):
    log_in(page, "mina")
    page.get_by_role("link", name="Mina Seo").click()
    expect(page.get_by_role("heading", name="Account")).to_be_visible()
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.locator("svg.qr-code")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "two-factor-setup")
    page.get_by_label("Type the code the app shows, to confirm").fill(code_for(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    page.get_by_label("Username").fill("mina")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/code/")
    expect(page.get_by_role("heading", name="Two-factor code")).to_be_visible()
    page.get_by_label("Code").fill(code_for(secret, 1))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.get_by_role("link", name="Mina Seo")).to_be_visible()


def test_the_lockout_message_on_the_login_page(page, page_errors, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/login/")
        page.get_by_label("Username").fill("mina")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed logins")
    page.get_by_label("Username").fill("mina")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("even with the right password")
    screenshot(page, "login-locked-out")
    # Each 429 shows up as a failed load in the console: it is the page this test expects.
    assert page_errors and all("429" in error for error in page_errors)
    page_errors.clear()
