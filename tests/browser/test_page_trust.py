"""What a person sees in the page must be true: keys do what the focused control says, marks and
messages tell the truth, nothing typed or quoted is lost without asking (issue 8)."""

from playwright.sync_api import expect

from reviews.models import Paragraph
from tests.browser.conftest import log_in, settled
from tests.browser.test_track_changes import focus_row, row_of
from tests.conftest import new_document

IN_REVIEW = ("confirm_pairing", "submit_for_review")


def rows_of(document):
    return list(Paragraph.objects.filter(document=document).order_by("position"))


def status_of(paragraph):
    paragraph.refresh_from_db()
    return paragraph.status


def test_enter_on_a_link_in_a_row_follows_it_and_approves_nothing(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    second = rows_of(document)[1]
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    row = row_of(page, second)

    # Tab to Edit, Enter: the editor opens; the paragraph is not approved.
    focus_row(page, second)
    page.keyboard.press("Tab")
    expect(row.get_by_role("link", name="Edit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#text-{second.pk}")).to_be_focused()
    settled(page)
    assert status_of(second) == Paragraph.Status.TRANSLATED
    page.keyboard.press("Escape")
    expect(row.locator("textarea")).to_have_count(0)
    expect(row).to_be_focused()
    settled(page)

    # Tab past Approve to Comments, Enter: the thread panel opens; still not approved.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(row.get_by_role("link", name="Comments")).to_be_focused()
    page.keyboard.press("Enter")
    expect(row.locator(f"#threads-{second.pk}")).to_be_visible()
    settled(page)
    assert status_of(second) == Paragraph.Status.TRANSLATED
    expect(row.locator(".approved-mark")).to_have_count(0)

    # Tab to History, Enter: the history page; still not approved.
    row.get_by_role("link", name="Comments").focus()
    page.keyboard.press("Tab")
    expect(row.get_by_role("link", name="History")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rows/{second.pk}/history/")
    assert status_of(second) == Paragraph.Status.TRANSLATED

    # Enter on the focused row itself still approves it.
    page.goto(document.get_absolute_url())
    focus_row(page, second)
    page.keyboard.press("Enter")
    expect(row_of(page, second).locator(".approved-mark")).to_be_visible()
    settled(page)
    assert status_of(second) == Paragraph.Status.APPROVED
