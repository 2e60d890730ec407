"""The desk flow in real Chromium: submit, comment with a quote, reply, resolve, approve,
publish; whose turn it is shows in the header; the activity page tells the story in order."""

import re

from playwright.sync_api import expect

from reviews.models import Comment, Document, Paragraph, Revision, Stage
from tests.browser.conftest import log_in, screenshot, settled, take_stage_move
from tests.conftest import new_document


def unread(page):
    """The unread count in the header, 0 when the badge is absent."""
    badge = page.locator(".site-nav .count")
    if badge.count() == 0:
        return 0
    return int(re.match(r"\s*(\d+)", badge.inner_text()).group(1))


def select_words(page, cell, words):
    """Select `words` inside `cell` with the mouse, as a reader would."""
    cell.scroll_into_view_if_needed()
    box = cell.evaluate(
        """(cell, words) => {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const at = node.data.indexOf(words);
                if (at === -1) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                // The words may wrap: from the first line's start to the last line's end.
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return {left: first.left, y: first.top + first.height / 2,
                        right: last.right, endY: last.top + last.height / 2};
            }
            return null;
        }""",
        words,
    )
    assert box, f"{words!r} is not in the cell"
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["endY"], steps=5)
    page.mouse.up()
    assert page.evaluate("() => getSelection().toString()") == words


def test_desk_flow_from_submission_to_publication(page, people, other_page):
    document = new_document(people)
    rows = list(Paragraph.objects.filter(document=document).order_by("position"))
    second = rows[1]
    url = document.get_absolute_url()

    # The translator's turn: she sees it in the header and submits for review.
    log_in(page, "mina")
    assert unread(page) == 1
    page.goto(url)
    take_stage_move(page, "Submit for review")
    expect(page.locator(".messages")).to_contain_text("Submit for review: done.")
    expect(page.locator(".doc-meta .stage")).to_have_text("Reviewing")
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING

    # Now the editor's turn: one notification for the pairing, one for the submission.
    editor = other_page("daniel")
    assert unread(editor) == 2
    editor.goto(url)
    row = editor.locator(f"#row-{second.pk}")
    # Select a Korean word, then press c: the word comes along as the comment's quote.
    select_words(editor, row.locator(".cell-source"), "본회의")
    expect(row).to_be_focused()
    editor.keyboard.press("c")
    threads = row.locator(f"#threads-{second.pk}")
    expect(threads.locator(".new-comment blockquote.quote")).to_have_text("본회의")
    expect(threads.locator(".new-comment blockquote.quote")).to_have_attribute("lang", "ko")
    # Select English words, then click Comments: the quote follows the new selection.
    select_words(editor, row.locator(".cell-target"), "plenary session")
    row.get_by_role("link", name="Comments").click()
    expect(threads.locator(".new-comment blockquote.quote")).to_have_text("plenary session")
    expect(threads.locator(".new-comment blockquote.quote")).to_have_attribute("lang", "en")
    settled(editor)
    form = threads.locator(".new-comment")
    form.get_by_label("Category").select_option(label="Accuracy")
    form.get_by_label("Severity").select_option(label="Major")
    form.get_by_label("Comment on paragraph 2").fill(
        "@mina 본회의 is the council's plenary session: is the date right?"
    )
    form.get_by_role("button", name="Comment").click()
    thread = threads.locator("article.thread")
    expect(thread).to_have_count(1)
    expect(thread.locator(".comment-head")).to_contain_text("Daniel Park")
    expect(thread.locator(".tag-accuracy")).to_have_text("Accuracy")
    expect(thread.locator(".severity-major")).to_have_text("Major")
    expect(thread.locator("blockquote.quote")).to_have_text("plenary session")
    expect(row.locator(f"#comment-count-{second.pk} .count")).to_contain_text("1 open comment")
    comment = Comment.objects.get(document=document, reply_to=None)
    assert (comment.paragraph, comment.quote, comment.quote_side) == (
        second,
        "plenary session",
        "target",
    )
    assert (comment.category, comment.severity) == ("accuracy", "major")

    # The translator's turn again: the mention shows in her header; she replies and proposes.
    page.goto(url)
    assert unread(page) == 2
    mine = page.locator(f"#row-{second.pk}")
    expect(mine.locator(f"#comment-count-{second.pk} .count")).to_contain_text("1 open comment")
    mine.get_by_role("link", name="Comments").click()
    her_thread = mine.locator("article.thread")
    expect(her_thread.locator(".comment-body").first).to_contain_text("plenary session")
    settled(page)
    her_thread.locator("summary", has_text="Reply").click()
    her_thread.get_by_label("Reply").fill("Yes, the 15th. I will say so in the text.")
    her_thread.get_by_role("button", name="Send reply").click()
    expect(mine.locator("article.thread .reply")).to_contain_text("Yes, the 15th.")
    expect(mine.locator("article.thread .reply .comment-head")).to_contain_text("Mina Seo")
    settled(page)
    mine.get_by_role("link", name="Edit").click()
    textarea = page.locator(f"#text-{second.pk}")
    expect(textarea).to_be_focused()
    settled(page)
    proposed = second.text.replace("on the 15th", "on Dec. 15")
    textarea.fill(proposed)
    page.keyboard.press("Control+Enter")
    expect(mine.locator(".proposal ins.diff-ins")).to_contain_text("Dec.")
    expect(mine.locator(".proposal .proposal-meta")).to_contain_text("Mina Seo")

    # The editor is told of the reply, resolves the thread and accepts the proposal.
    editor.goto(url)
    assert unread(editor) == 3
    row = editor.locator(f"#row-{second.pk}")
    expect(row.locator(".proposal del.diff-del")).to_be_visible()
    expect(row.locator(".proposal ins.diff-ins")).to_contain_text("Dec.")
    screenshot(editor, "review-document-with-proposal")
    row.get_by_role("link", name="Comments").click()
    thread = row.locator("article.thread")
    expect(thread.locator(".reply")).to_contain_text("Yes, the 15th.")
    settled(editor)
    thread.scroll_into_view_if_needed()
    screenshot(editor, "review-comments-thread")
    thread.get_by_role("button", name="Resolve").click()
    expect(row.locator("article.thread .tag-resolved")).to_have_text("Resolved by Daniel Park")
    expect(row.locator(f"#comment-count-{second.pk} .count")).to_contain_text("1 resolved comment")
    comment.refresh_from_db()
    assert comment.resolved_by == people.editor
    settled(editor)
    row.get_by_role("button", name="Accept").click()
    expect(row.locator(".notice")).to_have_text("Accepted.")
    second.refresh_from_db()
    assert second.text == proposed

    # Every paragraph approved from the keyboard, then the document.
    settled(editor)
    editor.evaluate("() => document.activeElement.blur()")
    # n goes to the first row that needs a look; each Enter approves and goes on to the next.
    editor.keyboard.press("n")
    for index, paragraph in enumerate(rows):
        expect(editor.locator(f"#row-{paragraph.pk}")).to_be_focused()
        editor.keyboard.press("Enter")
        expect(editor.locator(f"#row-{paragraph.pk} .approved-mark")).to_be_visible()
        expect(editor.locator("#progress label")).to_have_text(
            f"{index + 1} of {len(rows)} paragraphs approved"
        )
        settled(editor)
    assert set(Paragraph.objects.filter(document=document).values_list("status", flat=True)) == {
        Paragraph.Status.APPROVED
    }
    editor.goto(url)  # the stage buttons are drawn with the page, not swapped with the rows
    # The editor's graded comments put this short article over the quality threshold.
    take_stage_move(editor, "Approve document", despite_quality=True)
    expect(editor.locator(".messages")).to_contain_text("Approve document: done.")
    expect(editor.locator(".doc-meta .stage")).to_have_text("Approved")

    # The manager's turn: she is told, and marks it published.
    manager = other_page("jiwon")
    assert unread(manager) == 1
    manager.goto(url)
    take_stage_move(manager, "Mark published")
    expect(manager.locator(".messages")).to_contain_text("Mark published: done.")
    expect(manager.locator(".doc-meta .stage")).to_have_text("Published")
    assert Document.objects.get(pk=document.pk).stage == Stage.PUBLISHED
    assert not Revision.objects.filter(
        paragraph__document=document, state=Revision.State.PROPOSED
    ).exists()

    # The activity page lists it all, oldest first.
    manager.get_by_role("link", name="Activity").click()
    events = manager.locator("ol.activity li.event")
    verbs = [
        re.search(r"event-(\w+)", name).group(1)
        for name in events.evaluate_all("items => items.map(item => item.className)")
    ]
    assert verbs == [
        "uploaded",
        "transition",
        "transition",
        "commented",
        "commented",
        "proposed",
        "resolved",
        "accepted",
        "approved_paragraph",
        "approved_paragraph",
        "approved_paragraph",
        "approved_paragraph",
        "transition",
        "transition",
    ]
    texts = events.all_inner_texts()
    assert "Jiwon Han moved the document: aligning → translating" in texts[1]
    assert "Mina Seo moved the document: translating → reviewing" in texts[2]
    assert "Daniel Park commented in paragraph 2 (accuracy, major)" in texts[3]
    assert "Mina Seo commented in paragraph 2" in texts[4]
    assert "Daniel Park resolved a comment in paragraph 2" in texts[6]
    assert "Daniel Park moved the document: reviewing → approved" in texts[12]
    assert "Jiwon Han moved the document: approved → published" in texts[13]


def test_approve_document_button_follows_the_last_paragraph_approval(page, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    rows = list(Paragraph.objects.filter(document=document).order_by("position"))
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    button = page.get_by_role("button", name="Approve document")
    expect(button).to_be_disabled()
    page.keyboard.press("n")
    for paragraph in rows:
        expect(page.locator(f"#row-{paragraph.pk}")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(f"#row-{paragraph.pk} .approved-mark")).to_be_visible()
        settled(page)
    expect(page.locator("#progress label")).to_have_text(f"{len(rows)} of 4 paragraphs approved")
    expect(button).to_be_enabled(timeout=2_000)


def test_resized_comment_box_posts_without_csp_violation(page, page_errors, people, document):
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    box = page.locator("#new-comment-document")
    box.scroll_into_view_if_needed()
    corner = box.bounding_box()
    right, bottom = corner["x"] + corner["width"] - 2, corner["y"] + corner["height"] - 2
    # Drag the resize handle: the browser writes the new height into the style attribute.
    page.mouse.move(right, bottom)
    page.mouse.down()
    page.mouse.move(right, bottom + 60, steps=5)
    page.mouse.up()
    assert "height" in (box.get_attribute("style") or "")
    box.fill("A note on the whole document.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#threads-document article.thread")).to_have_count(1)
    settled(page)
    seen = list(page_errors)
    page_errors.clear()  # reported here, not again by the fixture's teardown
    assert seen == []
