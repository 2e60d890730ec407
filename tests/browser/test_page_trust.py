"""What a person sees in the page must be true: keys do what the focused control says, marks and
messages tell the truth, nothing typed or quoted is lost without asking (issue 8)."""

from playwright.sync_api import expect

from reviews.models import Comment, Paragraph
from tests.browser.conftest import log_in, settled
from tests.browser.test_review_workflow import select_words
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


def test_the_quote_survives_a_refused_comment(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    second = rows_of(document)[1]
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    row = row_of(page, second)
    select_words(page, row.locator(".cell-target"), "plenary session")
    expect(row).to_be_focused()
    page.keyboard.press("c")
    threads = row.locator(f"#threads-{second.pk}")
    form = threads.locator(".new-comment")
    expect(form.locator("blockquote.quote")).to_have_text("plenary session")
    settled(page)

    # A severity without a category is refused; the quote, the grade and the draft stay.
    form.get_by_label("Severity").select_option(label="Critical")
    form.get_by_label("Comment on paragraph 2").fill("The session was on the 14th.")
    form.get_by_role("button", name="Comment").click()
    expect(threads.locator(".form-error")).to_have_text("A severity needs a category.")
    settled(page)
    expect(form.locator("blockquote.quote")).to_have_text("plenary session")
    expect(form.get_by_label("Severity")).to_have_value("critical")
    expect(form.get_by_label("Comment on paragraph 2")).to_have_value(
        "The session was on the 14th."
    )
    assert not Comment.objects.exists()

    # With a category the same form posts, and the comment keeps the quote.
    form.get_by_label("Category").select_option(label="Accuracy")
    form.get_by_role("button", name="Comment").click()
    expect(threads.locator("article.thread blockquote.quote")).to_have_text("plenary session")
    settled(page)
    comment = Comment.objects.get()
    assert (comment.quote, comment.quote_side, comment.category, comment.severity) == (
        "plenary session",
        "target",
        "accuracy",
        "critical",
    )
