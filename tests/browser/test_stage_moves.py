"""A stage move that hands the work to someone else asks first and carries a note to them,
in real Chromium."""

from playwright.sync_api import expect

from reviews.models import Document, Event, Stage
from tests.browser.conftest import log_in, screenshot, take_stage_move
from tests.conftest import new_document

NOTE = "Paragraph 3 quotes a source by name: please check we may print it."


def test_submitting_asks_first_and_the_note_reaches_the_editor(page, people, other_page):
    document = new_document(people)
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="Submit for review", exact=True).click()
    confirmation = page.locator(".confirm-transition")
    expect(confirmation).to_contain_text("moves from Translating to Reviewing")
    expect(confirmation).to_contain_text("It becomes the turn of Daniel Park")
    screenshot(page, "stage-move-confirmation")
    # Opened in place: still the same page, and nothing has moved yet.
    assert page.evaluate("window.__sameDocument") is True
    assert Document.objects.get(pk=document.pk).stage == Stage.TRANSLATING

    # Cancel changes nothing; then take it, with a note.
    confirmation.get_by_role("link", name="Cancel").click()
    expect(page.locator(".doc-meta .stage")).to_have_text("Translating")
    take_stage_move(page, "Submit for review", note=NOTE)
    expect(page.locator(".messages")).to_contain_text("Submit for review: done.")
    expect(page.locator(".doc-meta .stage")).to_have_text("Reviewing")
    event = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).latest("pk")
    assert event.payload["note"] == NOTE

    editor = other_page("daniel")
    editor.goto("/notifications/")
    latest = editor.locator(".notification").first
    expect(latest).to_contain_text("Your turn")
    expect(latest).to_contain_text("Mina Seo moved the document to reviewing")
    expect(latest.locator(".notification-note")).to_have_text(NOTE)
