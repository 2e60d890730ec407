"""What a person sees in the page must be true: keys do what the focused control says, marks and
messages tell the truth, nothing typed or quoted is lost without asking (issue 8)."""

from playwright.sync_api import expect

from reviews.comments import add_comment
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


def check_marks(page, row):
    """The check marks a reader sees in the row's number cell, pseudo-elements included."""
    return row.locator(".cell-num").evaluate(
        """cell => {
            const drawn = [cell, ...cell.querySelectorAll("*")].map(
                element => getComputedStyle(element, "::after").content
                    + getComputedStyle(element, "::before").content
            ).join("");
            return (cell.innerText.match(/✓/g) || []).length + (drawn.match(/✓/g) || []).length;
        }"""
    )


def test_approval_marks_tell_the_truth(page, people, other_page):
    document = new_document(people, stage_actions=IN_REVIEW)
    first, second = rows_of(document)[:2]
    add_comment(
        people.editor,
        document,
        "It was 12.3 trillion won",
        paragraph=second,
        category="accuracy",
        severity="critical",
    )
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())

    # Approved: one check mark, not two.
    focus_row(page, first)
    page.keyboard.press("Enter")
    expect(row_of(page, first).locator(".approved-mark")).to_be_visible()
    settled(page)
    assert check_marks(page, row_of(page, first)) == 1
    assert check_marks(page, row_of(page, second)) == 0

    # An unresolved critical comment: the approval is refused, with the reason, on the row.
    page.keyboard.press("j")
    expect(row_of(page, second)).to_be_focused()
    page.keyboard.press("Enter")
    expect(row_of(page, second).locator(".form-error")).to_have_text(
        "This paragraph has an unresolved critical comment: resolve it before approving."
    )
    settled(page)
    expect(row_of(page, second).locator(".approved-mark")).to_have_count(0)
    assert status_of(second) == Paragraph.Status.TRANSLATED

    # The translator proposes a change to the approved row: the mark and the bar say so.
    translator = other_page("mina")
    translator.goto(document.get_absolute_url())
    expect(translator.locator("#progress label")).to_contain_text("1 of 4 paragraphs approved")
    row = row_of(translator, first)
    row.get_by_role("link", name="Edit").click()
    textarea = translator.locator(f"#text-{first.pk}")
    expect(textarea).to_be_focused()
    settled(translator)
    textarea.fill("City council passes 12 trillion won budget")
    translator.keyboard.press("Control+Enter")
    expect(row.locator(".proposal")).to_have_count(1)
    expect(row.locator(".notice")).to_have_text(
        "Proposed: the paragraph is no longer approved until the proposal is decided."
    )
    expect(row.locator(".approved-mark")).to_have_count(0)
    expect(translator.locator("#progress label")).to_have_text(
        "0 of 4 paragraphs approved · 1 open proposal"
    )
    settled(translator)
    assert check_marks(translator, row) == 0
    assert status_of(first) == Paragraph.Status.TRANSLATED
