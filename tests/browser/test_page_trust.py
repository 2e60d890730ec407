"""What a person sees in the page must be true: keys do what the focused control says, marks and
messages tell the truth, nothing typed or quoted is lost without asking (issue 8)."""

from playwright.sync_api import expect

from reviews import editing
from reviews.comments import add_comment
from reviews.models import Comment, Paragraph, Revision
from reviews.timestamps import moment
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
    # (Enter went on to the next row that needs a look: this one.)
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


def test_escape_with_typed_text_asks_before_it_discards(page, people, document):
    first = rows_of(document)[0]
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    row = row_of(page, first)
    focus_row(page, first)
    page.keyboard.press("e")
    textarea = page.locator(f"#text-{first.pk}")
    expect(textarea).to_be_focused()
    settled(page)
    page.keyboard.type(" in Seoul")
    asked = []

    # Say no: the editor stays open with the words, the caret still in it.
    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.keyboard.press("Escape")
    expect(textarea).to_have_value(first.text + " in Seoul")
    expect(textarea).to_be_focused()
    assert asked == ["Discard the text you typed? It has not been saved."]

    # The Cancel button asks the same; say yes: the words go, nothing was saved.
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    row.get_by_role("link", name="Cancel").click()
    expect(row.locator("textarea")).to_have_count(0)
    settled(page)
    assert len(asked) == 2
    first.refresh_from_db()
    assert first.version == 1

    # Nothing typed: Escape closes the editor without a question.
    focus_row(page, first)
    page.keyboard.press("e")
    expect(textarea).to_be_focused()
    settled(page)
    page.keyboard.press("Escape")
    expect(row.locator("textarea")).to_have_count(0)
    assert len(asked) == 2


def test_a_merged_edit_says_with_whose_change(page, people, other_page):
    document = new_document(people, stage_actions=IN_REVIEW)
    second = rows_of(document)[1]
    seen = second.text
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    row = row_of(page, second)
    row.get_by_role("link", name="Edit").click()
    textarea = page.locator(f"#text-{second.pk}")
    expect(textarea).to_be_focused()
    settled(page)

    # Meanwhile the editor changes another word of the same paragraph and accepts it.
    editor = other_page("daniel")
    editor.goto(document.get_absolute_url())
    theirs = row_of(editor, second)
    theirs.get_by_role("link", name="Edit").click()
    expect(editor.locator(f"#text-{second.pk}")).to_be_focused()
    settled(editor)
    editor.locator(f"#text-{second.pk}").fill(seen.replace("passed", "approved"))
    theirs.get_by_role("button", name="Save and accept").click()
    expect(theirs.locator("textarea")).to_have_count(0)
    settled(editor)
    accepted = Revision.objects.filter(paragraph=second, version=2).get()

    # Her save on the old version is merged, and the row says onto whose change.
    textarea.fill(seen.replace("plenary", "full"))
    page.keyboard.press("Control+Enter")
    expect(row.locator(".proposal")).to_have_count(1)
    expect(row.locator(".notice")).to_have_text(
        f"Merged with Daniel Park's change made at {moment(accepted.decided_at)}."
    )
    assert moment(accepted.decided_at).endswith(" KST")
    settled(page)


def test_rejected_does_not_read_like_accepted(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    second, third = rows_of(document)[1:3]
    for row in (second, third):
        editing.save_edit(people.translator, row.pk, row.text + " (checked)", 1)
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    focus_row(page, second)
    page.keyboard.press("a")
    accepted = row_of(page, second).locator(".notice")
    expect(accepted).to_have_text("Accepted.")
    settled(page)
    focus_row(page, third)
    page.keyboard.press("r")
    rejected = row_of(page, third).locator(".notice")
    expect(rejected).to_have_text("Rejected.")
    settled(page)
    colour = "e => getComputedStyle(e).color"
    assert accepted.evaluate(colour) == "rgb(27, 122, 68)"  # --ok, the green of success
    assert rejected.evaluate(colour) != accepted.evaluate(colour)


def test_following_a_notification_marks_it_read(page, people):
    document = new_document(people)  # the translator is told it is her turn
    row = rows_of(document)[1]
    add_comment(people.editor, document, "@mina is the 15th right?", paragraph=row)
    log_in(page, "mina")
    page.goto("/notifications/")
    mention = page.locator(".notification.is-unread", has_text="commented")
    expect(mention).to_have_count(1)
    expect(page.locator(".site-nav .count")).to_contain_text("2")
    mention.get_by_role("button", name=document.title).click()
    page.wait_for_url(f"**{document.get_absolute_url()}#row-{row.pk}")
    expect(page.locator(".site-nav .count")).to_contain_text("1")
    told = people.translator.notifications.get(event__verb="commented")
    assert told.read_at is not None
    assert people.translator.notifications.filter(read_at=None).count() == 1

    # A read one stays a plain link to the same place.
    page.goto("/notifications/")
    read = page.locator(".notification:not(.is-unread)", has_text="commented")
    expect(read.get_by_role("link", name=document.title)).to_have_attribute(
        "href", f"{document.get_absolute_url()}#row-{row.pk}"
    )


def test_the_queue_on_a_phone_labels_every_number(page, people):
    document = new_document(people)
    editing.save_edit(people.translator, rows_of(document)[0].pk, "A headline", 1)
    add_comment(people.editor, document, "A question")
    log_in(page, "mina")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?show=all")
    cells = page.locator(".doc-table tbody td")
    expect(cells.first).to_be_visible()
    expect(page.locator(".doc-table thead")).to_be_hidden()
    seen = cells.evaluate_all(
        """cells => cells.map(cell => ({
            text: cell.innerText.trim(),
            label: getComputedStyle(cell, "::before").content,
        }))"""
    )
    numbers = [cell for cell in seen if any(ch.isdigit() for ch in cell["text"])]
    assert len(numbers) >= 4, seen  # approved, proposals, comments, last activity
    for cell in numbers:
        assert cell["label"] not in ("none", "normal", '""'), cell
    labels = {cell["label"].strip('"') for cell in seen}
    assert {"Approved", "Open proposals", "Open comments", "Last activity"} <= labels, labels
