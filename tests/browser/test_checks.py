"""The quality checks in real Chromium: a number error shows on its row, keyboard-reachable,
its span marked; the editor fixes it through an accepted proposal and the finding is gone."""

from playwright.sync_api import expect

from reviews.models import Paragraph
from tests.browser.conftest import log_in, screenshot, settled
from tests.conftest import ENGLISH, new_document

WRONG = [*ENGLISH[:2], ENGLISH[2].replace("4.5%", "45%"), ENGLISH[3]]


def test_a_number_mismatch_shows_on_the_row_and_goes_once_fixed(page, people):
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), target=WRONG
    )
    paragraph = Paragraph.objects.get(document=document, position=2)
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    row = page.locator(f"#row-{paragraph.pk}")
    summary = row.locator(".findings-summary")
    expect(summary).to_contain_text("2 checks: 2 errors")
    expect(row.locator("mark.finding-mark")).to_have_text("45%")
    # Not colour alone: the icon has words, and the messages open from the keyboard.
    summary.focus()
    expect(summary).to_be_focused()
    message = row.locator(".finding").first
    expect(message).to_be_hidden()
    page.keyboard.press("Enter")
    expect(message).to_be_visible()
    expect(message).to_contain_text("The Korean has 4.5%")
    screenshot(page, "checks-number-on-row")

    # The editor fixes the figure: a proposal, then accepted.
    row.get_by_role("link", name="Edit").click()
    textarea = page.locator(f"#text-{paragraph.pk}")
    expect(textarea).to_be_focused()
    settled(page)
    textarea.fill(ENGLISH[2])
    row.get_by_role("button", name="Propose").click()
    accept = row.get_by_role("button", name="Accept")
    expect(accept).to_be_visible()
    settled(page)
    # Until accepted, the finding stands.
    expect(row.locator(".findings-summary")).to_contain_text("2 checks")
    accept.click()
    expect(row.locator(".notice")).to_have_text("Accepted.")
    settled(page)
    expect(row.locator(".findings")).to_have_count(0)
    expect(row.locator("mark.finding-mark")).to_have_count(0)
    expect(row).to_contain_text("4.5% larger")
    paragraph.refresh_from_db()
    assert paragraph.findings == []

    # The document's list has nothing left to show.
    page.get_by_role("link", name="Checks").click()
    expect(page.get_by_text("0 open findings.")).to_be_visible()
