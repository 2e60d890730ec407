"""Every main page passes axe-core (no serious or critical violation), in the light theme and in
the dark one, in real Chromium.

axe-core comes from the npm registry through `make install` (package.json pins it) into
node_modules/, never from a test. The script is evaluated through the DevTools protocol, which
the page's Content Security Policy does not apply to, so the app's CSP stays as strict as ever
and the pages are tested under it.

With WORKBENCH_SCREENSHOTS=1 the same visits write docs/screenshots/<page>-<theme>.png.
"""

import os
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from playwright.sync_api import expect

from reviews import editing
from reviews.comments import add_comment
from reviews.models import Notification, Paragraph
from tests.browser.conftest import log_in, settled
from tests.conftest import new_document

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
THEMES = ("light", "dark")
# What axe calls serious or critical: a person using a screen reader, the keyboard or low vision
# cannot use the page. Moderate and minor ones are reported by axe too but not failed on here.
FAILING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        message = f"{AXE} is missing: run `make install` (npm ci) first"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page, axe_source, exclude=()):
    """axe's serious and critical violations on the page, as readable lines."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    found = page.evaluate(
        """async (exclude) => {
            const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
            const result = await axe.run(context, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary
                    .replace(/\\s+/g, " ")),
            }));
        }""",
        list(exclude),
    )
    lines = []
    for violation in found:
        if violation["impact"] in FAILING:
            for node in violation["nodes"][:5]:
                lines.append(
                    f"{violation['impact']} {violation['id']} ({violation['help']}): {node}"
                )
    return lines


def check_page(page, axe_source, name, url, exclude=(), then=None):
    """The page in both themes (after `then(page)`, when given): a list of what axe found, each
    line naming page and theme."""
    problems = []
    for theme in THEMES:
        page.emulate_media(color_scheme=theme)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if then:
            then(page)
        if os.environ.get("WORKBENCH_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{theme}.png"), full_page=True)
        problems += [f"{name} ({theme}): {line}" for line in violations(page, axe_source, exclude)]
    return problems


def show_preview(page):
    page.get_by_label("Title").fill("Library hours")
    page.locator("#id_source_text").fill(
        "부산시립도서관은 평일 운영 시간을 늘린다.\n\n주말은 그대로다."
    )
    page.locator("#id_target_text").fill("The library opens later.\n\nWeekends stay as they are.")
    page.get_by_role("button", name="Preview both sides").click()
    page.locator(".preview-source ol").wait_for()
    settled(page)


@pytest.fixture
def desk(people):
    """A document in review with a proposal, a comment and a notification, as the pages show
    them on an ordinary day."""
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    row = document.paragraphs.order_by("position").first()
    editing.save_edit(people.editor, row.pk, "City council passes a 12 trillion won budget", 1)
    add_comment(people.editor, document, "Is it 12 or 12.3 trillion?", paragraph=row,
                category="accuracy", severity="minor", quote="12 trillion won",
                quote_side="target")  # fmt: skip
    return document, row


def assert_clean(problems):
    assert problems == [], "axe found:\n" + "\n".join(problems)


def test_the_login_and_help_pages_pass_axe(page, axe_source, live_server):
    problems = check_page(page, axe_source, "login", "/login/")
    problems += check_page(page, axe_source, "help", "/help/")
    assert_clean(problems)


def test_the_desk_pages_pass_axe(page, axe_source, people, desk):
    document, row = desk
    log_in(page, "jiwon")
    problems = []
    for name, url, *then in [
        ("dashboard", "/?show=all"),
        ("upload", "/documents/new/"),
        ("upload-preview", "/documents/new/", show_preview),
        ("notifications", "/notifications/"),
        ("report", "/reports/translators/"),
        ("preferences", "/preferences/"),
        ("changes", f"/documents/{document.pk}/changes/"),
        ("activity", f"/documents/{document.pk}/activity/"),
        ("history", f"/documents/{document.pk}/rows/{row.pk}/history/"),
        ("comments", f"/documents/{document.pk}/rows/{row.pk}/comments/"),
    ]:
        problems += check_page(page, axe_source, name, url, then=then[0] if then else None)
    assert_clean(problems)


def test_the_queue_on_a_phone_passes_axe_and_labels_every_number(page, axe_source, people, desk):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "jiwon")
    problems = check_page(page, axe_source, "dashboard-phone", "/?show=all")
    row = page.locator(".queue tbody tr").first
    for label in ("Due", "Words to review", "Approved", "Open proposals", "Open comments"):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        shown = cell.evaluate("(cell) => getComputedStyle(cell, '::before').content")
        assert shown == f'"{label}"'
    assert_clean(problems)


def test_the_approval_of_a_failing_translation_passes_axe(page, axe_source, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    add_comment(people.editor, document, "A name is misspelt.", category="accuracy",
                severity="major")  # fmt: skip
    log_in(page, "daniel")
    url = f"/documents/{document.pk}/transition/approve/"
    problems = check_page(page, axe_source, "approve-confirmation", url)
    expect(page.locator(".warning")).to_contain_text("fails the quality threshold")
    assert_clean(problems)


def test_the_empty_desk_passes_axe(page, axe_source, people):
    log_in(page, "mina")
    problems = check_page(page, axe_source, "dashboard-empty", "/?show=all")
    problems += check_page(page, axe_source, "notifications-empty", "/notifications/")
    assert Notification.objects.count() == 0
    assert_clean(problems)


def test_the_error_pages_pass_axe(page, page_errors, axe_source, people, live_server):
    document = new_document(people)
    log_in(page, "tae")
    problems = check_page(page, axe_source, "error-404", document.get_absolute_url())
    problems += check_page(page, axe_source, "error-403", "/reports/translators/")
    # The 500 page as Django serves it, with no context: answered for a made-up address.
    html = server_error(RequestFactory().get("/")).content.decode()
    page.route(
        "**/broken/",
        lambda route: route.fulfill(status=500, body=html, content_type="text/html"),
    )
    problems += check_page(page, axe_source, "error-500", "/broken/")
    # The 404 and 403 are what the test asked for, not faults of the page.
    page_errors[:] = [
        e for e in page_errors if "404" not in e and "403" not in e and "500" not in e
    ]
    assert_clean(problems)


def test_the_document_page_passes_axe(page, axe_source, people, desk):
    """The whole page, rows included, for the editor and for the translator."""
    document, _ = desk
    log_in(page, "daniel")
    problems = check_page(page, axe_source, "document", document.get_absolute_url())
    page.context.clear_cookies()
    log_in(page, "mina")
    problems += check_page(page, axe_source, "document-translator", document.get_absolute_url())
    assert_clean(problems)


def open_first_thread(page):
    """The first row's threads opened in the margin, from the mark of the quoted words."""
    page.locator("mark.quote-mark").first.click()
    page.locator(".cell-margin .threads article.thread").first.wait_for()
    settled(page)


def test_the_margin_with_a_thread_open_passes_axe_wide_and_on_a_phone(page, axe_source, desk):
    document, _ = desk
    log_in(page, "daniel")
    problems = check_page(
        page, axe_source, "document-margin", document.get_absolute_url(), then=open_first_thread
    )
    page.set_viewport_size({"width": 390, "height": 844})
    problems += check_page(
        page, axe_source, "document-phone", document.get_absolute_url(), then=open_first_thread
    )
    assert_clean(problems)


def test_the_check_fails_on_what_axe_calls_serious(page, axe_source, live_server):
    """The checker itself: a field with no label and an image with no text are found."""
    page.goto("/help/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.append(document.createElement("input"));
            const image = document.createElement("img");
            image.src = "/static/favicon.svg";
            main.append(image);
        }"""
    )
    found = "\n".join(violations(page, axe_source))
    assert "critical label" in found
    assert "critical image-alt" in found
