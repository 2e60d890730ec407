"""In real Chromium: a save while the database is unreachable says so above the page and keeps
the typed text in the editor; once the database is back the same save goes through and the
notice goes away."""

from unittest import mock

from django.db import OperationalError
from playwright.sync_api import expect

from reviews.models import Revision
from tests.browser.conftest import log_in, settled
from tests.conftest import new_document

NOTICE = "The database cannot be reached right now, so nothing was saved."


def test_a_save_during_an_outage_keeps_the_text_and_says_why(page, people, page_errors):
    document = new_document(people)
    first = document.paragraphs.order_by("position").first()
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    page.keyboard.press("j")
    page.keyboard.press("e")
    textarea = page.locator(f"#text-{first.pk}")
    expect(textarea).to_be_focused()
    settled(page)
    mine = "City council passes 12 trillion won budget"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(mine)

    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("reviews.editing.save_edit", side_effect=lost):
        page.keyboard.press("Control+Enter")
        notice = page.locator("[data-request-failure]")
        expect(notice).to_have_text(
            NOTICE + " What you typed is still here: try again in a moment."
        )
    expect(notice).to_have_attribute("role", "alert")
    expect(textarea).to_have_value(mine)
    assert Revision.objects.filter(paragraph=first).count() == 1
    # The browser reports the failed request on its console; that one was expected.
    page_errors[:] = [e for e in page_errors if "503" not in e]

    textarea.focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#row-{first.pk} .cell-target")).to_contain_text(mine)
    expect(page.locator("[data-request-failure]")).to_have_count(0)
    first.refresh_from_db()
    assert first.text == mine and first.version == 2
