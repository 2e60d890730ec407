"""What a screen reader hears after htmx updates, in real Chromium: the page's polite live region
holds the server's sentence after a save, an accept and a comment; a conflict goes to the
assertive one; the swapped rows bring no live region of their own."""

from playwright.sync_api import expect

from reviews import editing, workflow
from tests.browser.conftest import log_in, settled
from tests.conftest import new_document


def live_regions_in_rows(page):
    # (The translation memory's slot in the editor is a live region of its own, for the
    # suggestions it loads, and says nothing these sentences say.)
    return page.locator("#grid-area [role=status], #grid-area [role=alert]")


def test_a_save_an_accept_and_a_comment_are_announced(page, people, other_page):
    document = new_document(people)  # translating
    rows = list(document.paragraphs.order_by("position"))
    polite = page.locator("#announce-polite")

    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    expect(polite).to_be_empty()
    second = page.locator(f"#row-{rows[1].pk}")
    second.get_by_role("link", name="Edit").click()
    second.get_by_label("English of paragraph 2").fill("The council met on Monday.")
    second.get_by_role("button", name="Save").click()
    expect(polite).to_have_text("Paragraph 2 saved.")
    settled(page)
    expect(second.locator(".cell-target")).to_contain_text("The council met on Monday.")
    expect(live_regions_in_rows(page)).to_have_count(0)

    # In review, the translator's proposal is accepted by the editor.
    workflow.take_transition(people.translator, "submit_for_review", document)
    first = rows[0]
    editing.save_edit(people.translator, first.pk, "The council passed the budget.", 1)
    editor = other_page("daniel")
    editor.goto(document.get_absolute_url())
    row = editor.locator(f"#row-{first.pk}")
    row.get_by_role("button", name="Accept").click()
    expect(editor.locator("#announce-polite")).to_have_text(
        "Proposal accepted on paragraph 1. Undo available."
    )
    expect(row.locator(".notice")).to_have_text("Accepted.")  # shown, not a second live region
    settled(editor)

    # A comment on the row.
    row.get_by_role("link", name="Comments").click()
    row.get_by_label("Comment on paragraph 1").fill("Is the figure from the Korean?")
    row.get_by_role("button", name="Comment", exact=True).click()
    expect(editor.locator("#announce-polite")).to_have_text("Comment added to paragraph 1.")
    settled(editor)
    expect(live_regions_in_rows(editor)).to_have_count(0)


def test_a_conflict_is_announced_at_once(page, people):
    document = new_document(people)
    row = document.paragraphs.order_by("position").first()
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    grid_row = page.locator(f"#row-{row.pk}")
    grid_row.get_by_role("link", name="Edit").click()
    settled(page)
    # Someone else changes the same words meanwhile.
    editing.save_edit(people.translator, row.pk, "Changed elsewhere.", row.version)
    grid_row.get_by_label("English of paragraph 1").fill("Changed here.")
    grid_row.get_by_role("button", name="Save").click()
    expect(page.locator("#announce-assertive")).to_contain_text(
        "Paragraph 1: This paragraph was changed by Mina Seo"
    )
    expect(page.locator("#announce-polite")).to_be_empty()
    expect(grid_row.locator(".conflict")).to_be_visible()
    expect(live_regions_in_rows(page)).to_have_count(0)
