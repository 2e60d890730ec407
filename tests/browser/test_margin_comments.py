"""Comments beside the text in real Chromium: a quote becomes a marked span with its card in the
margin beside the row; card and mark light up together; the thread opens from the mark and is
resolved there. And the grid's columns: aligned down a 200-row document, nothing wider than a
390 px phone."""

from playwright.sync_api import expect

from reviews import editing
from reviews.comments import add_comment
from reviews.models import Comment, Paragraph
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot, settled
from tests.browser.test_review_workflow import select_words
from tests.conftest import new_document

IN_REVIEW = ("confirm_pairing", "submit_for_review")


def box(locator):
    locator.scroll_into_view_if_needed()
    return locator.bounding_box()


def test_a_quoted_comment_sits_beside_its_row_and_marks_its_words(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    second = Paragraph.objects.get(document=document, position=1)
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    row = page.locator(f"#row-{second.pk}")
    comments = row.get_by_role("link", name="Comments")
    expect(comments).to_contain_text("no comments")

    # Select English words, open the row's comments: the form quotes them; post it.
    select_words(page, row.locator(".cell-target"), "plenary session")
    comments.click()
    threads = row.locator(f".cell-margin #threads-{second.pk}")
    expect(threads.locator(".new-comment blockquote.quote")).to_have_text("plenary session")
    settled(page)
    form = threads.locator(".new-comment")
    form.get_by_label("Comment on paragraph 2").fill("Was the session on the 15th?")
    form.get_by_role("button", name="Comment").click()
    expect(threads.locator("article.thread")).to_have_count(1)
    # The quoted words are marked in the English at once, and the count says what it counts.
    mark = row.locator(".cell-target mark.quote-mark")
    expect(mark).to_have_text("plenary session")
    expect(comments).to_contain_text("1 open comment")
    thread = Comment.objects.get()
    assert (thread.quote, thread.quote_side) == ("plenary session", "target")

    # Closed, the margin shows the thread's card beside the row, level with it.
    settled(page)
    threads.get_by_role("button", name="Close").click()
    card = row.locator(f"#card-{thread.pk}")
    expect(card).to_contain_text("Daniel Park")
    expect(card).to_contain_text("Was the session on the 15th?")
    expect(row.locator(".margin-count")).to_have_text("1 open comment")
    settled(page)
    card_box, english, whole = box(card), box(row.locator(".cell-target")), box(row)
    assert card_box["x"] >= english["x"] + english["width"], (card_box, english)
    assert whole["y"] <= card_box["y"] < whole["y"] + whole["height"]
    screenshot(page, "margin-card-beside-row")

    # The card and its mark light up together, with an outline, not only a colour.
    card.hover()
    expect(mark).to_have_class("quote-mark is-linked")
    assert mark.evaluate("(m) => getComputedStyle(m).outlineStyle") == "solid"
    mark.hover()
    expect(card).to_have_class("margin-card is-linked")
    page.mouse.move(5, 5)
    expect(card).to_have_class("margin-card")

    # From page load too; a click on the marked words opens the thread, focused.
    page.reload()
    mark = row.locator(".cell-target mark.quote-mark")
    expect(row.locator(f"#card-{thread.pk}")).to_be_visible()
    settled(page)
    mark.click()
    opened = row.locator(f"#comment-{thread.pk}")
    expect(opened).to_be_focused()
    settled(page)
    opened.get_by_role("button", name="Resolve").click()
    expect(row.locator("article.thread .tag-resolved")).to_have_text("Resolved by Daniel Park")
    expect(row.locator(".cell-target mark.quote-mark")).to_have_count(0)
    expect(comments).to_contain_text("1 resolved comment")
    thread.refresh_from_db()
    assert thread.resolved_by == people.editor


def test_the_keyboard_reaches_the_thread_through_the_marks_link(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    second = Paragraph.objects.get(document=document, position=1)
    thread = add_comment(people.editor, document, "Which body?", paragraph=second,
                         quote="본회의를", quote_side="source")  # fmt: skip
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    link = page.get_by_role("link", name="Comment 1 by Daniel Park: open the thread")
    expect(link).to_have_count(1)
    link.focus()
    expect(page.locator(f"#card-{thread.pk}")).to_have_class("margin-card is-linked")
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{thread.pk}")).to_be_focused()


def long_document(people, rows=200):
    source = [f"{i}번째 문단: 시의회는 {i}일 예산안을 심사했다." for i in range(rows)]
    target = [f"Paragraph {i}: the council reviewed the budget on day {i}." for i in range(rows)]
    document = new_document(people, stage_actions=IN_REVIEW, source=source, target=target)
    rows_ = list(Paragraph.objects.filter(document=document).order_by("position"))
    # Rows of every kind: a long one, a proposal, open comments with and without a quote.
    editing.save_edit(people.editor, rows_[3].pk, rows_[3].text + " More." * 60, 1)
    for row in rows_[::17]:
        add_comment(people.editor, document, "A long remark " * 20, paragraph=row,
                    quote="the council", quote_side="target")  # fmt: skip
    add_comment(people.editor, document, "Another", paragraph=rows_[0])
    return document


COLUMN_EDGES = """() => Array.from(document.querySelectorAll("[data-row]")).map((row) => {
    const edges = (selector) => {
        const r = row.querySelector(selector).getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.width)];
    };
    return [...edges(".cell-source"), ...edges(".cell-target")];
})"""

OVERFLOWING = """() => {
    const page = document.documentElement, width = page.clientWidth, wide = [];
    if (page.scrollWidth > width) wide.push("page " + page.scrollWidth);
    const reachable = "a, button, input, select, textarea, summary, mark, p";
    document.querySelector("main").querySelectorAll(reachable).forEach((el) => {
        const r = el.getBoundingClientRect();
        if (r.width && (r.left < 0 || r.right > width + 0.5)) {
            wide.push(el.outerHTML.slice(0, 80) + " " + r.left + "-" + r.right);
        }
    });
    return wide;
}"""


def test_the_columns_line_up_on_200_rows_and_nothing_overflows_a_phone(page, people):
    document = long_document(people)
    log_in(page, "daniel")
    for width in (1400, 1000):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(document.get_absolute_url())
        edges = page.evaluate(COLUMN_EDGES)
        assert len(edges) == 200
        assert len({tuple(e) for e in edges}) == 1, (width, set(map(tuple, edges)))
        source_left, source_width, target_left, target_width = edges[0]
        # Both texts get a readable share: at least 20 em of a 16 px type.
        assert min(source_width, target_width) >= 320, (width, edges[0])
        assert target_left >= source_left + source_width
        assert page.evaluate(OVERFLOWING) == [], width
    # Wide: the margin is a column of its own, right of the actions, level with its row.
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(document.get_absolute_url())
    first = page.locator("[data-row]").first
    margin, actions = box(first.locator(".cell-margin")), box(first.locator(".cell-actions"))
    assert margin["x"] >= actions["x"] + actions["width"] - 1
    assert abs(margin["y"] - box(first)["y"]) < 2

    # A phone: one column, the margin below the texts, and nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(document.get_absolute_url())
    assert page.evaluate(OVERFLOWING) == []
    first = page.locator("[data-row]").first
    card = box(first.locator(".margin-card").first)
    english = box(first.locator(".cell-target"))
    assert card["y"] >= english["y"] + english["height"] - 1
    first.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "margin-phone.png"))
    # Every control of a row with a thread open is on the screen too.
    first.get_by_role("link", name="Comments").click()
    first.locator(".threads .new-comment").wait_for()
    settled(page)
    assert page.evaluate(OVERFLOWING) == []
    edges = page.evaluate(COLUMN_EDGES)
    assert len({tuple(e) for e in edges}) == 1
