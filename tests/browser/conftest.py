"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server.

Without Chromium these tests are skipped, unless REQUIRE_BROWSER=1 (CI), where that fails.
"""

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.signals import request_finished, request_started
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir())) / "workbench-shots"


# Requests the live server is answering. A page keeps talking after its test is done (the
# presence poll every few seconds, the beacon it sends as it closes); a request still running
# while the test's data is flushed holds SQLite's lock, and the flush fails.
_in_flight = [0]
_in_flight_lock = threading.Lock()


def _count(delta):
    def receiver(**kwargs):
        with _in_flight_lock:
            _in_flight[0] += delta

    return receiver


# Connected after django.db's close_old_connections, so a request counts as done once its
# connection is put back.
_on_start, _on_finish = _count(1), _count(-1)
request_started.connect(_on_start, dispatch_uid="browser-requests-started")
request_finished.connect(_on_finish, dispatch_uid="browser-requests-finished")


# The live server answers each request in a thread of its own; with SQLite's in-memory test
# database pytest-django hands every thread the one connection, and two requests at once (the
# presence poll beside the memory look-up) then use it together: "sqlite3.InterfaceError: bad
# parameter or other API misuse". There the server takes one request at a time, from the call
# of the app to the close of its response (where request_finished is sent).
_one_request = threading.Lock()


class _Released:
    def __init__(self, result):
        self.result = result

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            _one_request.release()


def _one_at_a_time(application):
    def app(environ, start_response):
        _one_request.acquire()
        try:
            return _Released(application(environ, start_response))
        except BaseException:
            _one_request.release()
            raise

    return app


class _LiveServer(ThreadedWSGIServer):
    def set_app(self, application):
        # connections_override is only set for an in-memory SQLite database.
        super().set_app(_one_at_a_time(application) if self.connections_override else application)


LiveServerThread.server_class = _LiveServer


def close_and_settle(context, timeout=10.0, quiet=0.25):
    """Close a browser context, then wait until the live server has been idle for `quiet`
    seconds (at most `timeout`), so nothing the pages sent touches the database afterwards."""
    context.close()
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        with _in_flight_lock:
            busy = _in_flight[0] > 0
        now = time.monotonic()
        if busy:
            idle_since = None
        elif idle_since is None:
            idle_since = now
        elif now - idle_since >= quiet:
            return
        time.sleep(0.02)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-nanum")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow sync DB access beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page_errors():
    """Script errors, CSP violations and failed loads seen by the page; a test that expects
    one (a 404 it asked for) removes it."""
    return []


def watched_page(browser, live_server, errors):
    """A page in a context of its own (its own cookies) that records script errors, CSP
    violations and failed loads in `errors`."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    return context, page


@pytest.fixture
def page(browser, live_server, page_errors):
    context, page = watched_page(browser, live_server, page_errors)
    yield page
    close_and_settle(context)
    # A CSP violation or a script error shows up here: the page must stay clean.
    assert page_errors == [], page_errors


@pytest.fixture
def other_page(browser, live_server):
    """Another person's browser, opened on demand (logged in when a username is given)."""
    opened = []

    def open_page(username=None):
        errors = []
        context, other = watched_page(browser, live_server, errors)
        opened.append((context, errors))
        if username:
            log_in(other, username)
        return other

    yield open_page
    for context, errors in opened:
        close_and_settle(context)
        assert errors == [], errors


def log_in(page, username, password="pw"):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshot(page, name):
    """A full-page screenshot. Playwright's caret hiding leaves style="" on inputs, which would
    be copied onto swapped-in elements (a CSP report), so take those off again."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.evaluate(
        "() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
    )


def settled(page):
    """htmx binds the hx- attributes of swapped-in content when it settles (20 ms after the
    swap): wait for that before the next key or click, as a person would."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    page.wait_for_function(f"() => !document.querySelector('{busy}')")


def take_stage_move(page, label, note="", despite_quality=False):
    """Press a stage button that hands the work over, then confirm it (with a note) on the
    confirmation that opens in place; `despite_quality` ticks the box an approval of a
    translation that fails the quality threshold asks for."""
    page.get_by_role("button", name=label, exact=True).click()
    confirmation = page.locator(".confirm-transition")
    confirmation.get_by_role("heading", name=f"{label}?").wait_for()
    if note:
        confirmation.get_by_label("Note for them").fill(note)
    if despite_quality:
        from playwright.sync_api import expect

        expect(confirmation).to_contain_text("fails the quality threshold")
        confirmation.get_by_label("Approve it all the same").check()
    confirmation.get_by_role("button", name=f"Yes: {label.lower()}").click()
