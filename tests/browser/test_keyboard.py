"""The keyboard flow of issue 14 in real Chromium: a whole review from opening the document to
approving it with keys alone (no click anywhere, the log-in included), the alignment editor's
keys, and the keys hint and list that show only what the person may do."""

from django.urls import reverse
from playwright.sync_api import expect

from reviews import editing, pairing
from reviews.models import Document, Event, Paragraph, Revision, Stage
from tests.browser.conftest import screenshot, settled
from tests.conftest import ENGLISH, new_document

IN_REVIEW = ("confirm_pairing", "submit_for_review")
# Paragraph 3 says 45% where the Korean has 4.5%: the number check finds it.
WRONG = [*ENGLISH[:2], ENGLISH[2].replace("4.5%", "45%"), ENGLISH[3]]


def log_in_by_keyboard(page, username, password="pw"):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)


def tab_to(page, locator, key="Tab", limit=120):
    """Press Tab (or Shift+Tab) until `locator` has the focus, as a person would."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} was not reached with {key}")


def focused_row_id(page):
    return page.evaluate(
        "() => document.activeElement && document.activeElement.matches('[data-row]')"
        " ? document.activeElement.id : null"
    )


def rows_of(document):
    return list(Paragraph.objects.filter(document=document).order_by("position"))


def test_a_whole_review_with_the_keyboard_alone(page, people):
    document = new_document(people, stage_actions=IN_REVIEW, target=WRONG)
    first, second, third, fourth = rows_of(document)
    # Two proposals by the translator: a wording on paragraph 2, the figure on paragraph 3.
    editing.save_edit(
        people.translator, second.pk, ENGLISH[1].replace("passed", "adopted"), second.version
    )
    editing.save_edit(people.translator, third.pk, ENGLISH[2], third.version)
    assert Revision.objects.filter(state=Revision.State.PROPOSED).count() == 2
    third.refresh_from_db()
    assert third.findings, "the number check should find 45%"

    log_in_by_keyboard(page, "daniel")
    page.goto(document.get_absolute_url())
    grid = page.locator("[data-row]")
    expect(grid).to_have_count(4)
    # The server marks why each row needs a look; the script does not guess.
    assert grid.nth(1).get_attribute("data-attention") == "proposal unapproved"
    assert grid.nth(2).get_attribute("data-attention") == "proposal finding unapproved"

    # The hint names what an editor may do here, approving and deciding included.
    hint = page.locator("#keys-hint")
    expect(hint).to_contain_text("n/p next/previous row to look at")
    expect(hint).to_contain_text("a accept, r reject")
    expect(hint).to_contain_text("Enter approve and go on")

    # ? lists every key; Escape closes the list.
    page.keyboard.press("?")
    shortcuts = page.locator("#shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("save and accept the edit")
    screenshot(page, "keys-list-editor")
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()

    # n and p move between rows that need a look.
    page.keyboard.press("n")
    expect(page.locator(f"#row-{first.pk}")).to_be_focused()
    page.keyboard.press("n")
    expect(page.locator(f"#row-{second.pk}")).to_be_focused()
    page.keyboard.press("p")
    expect(page.locator(f"#row-{first.pk}")).to_be_focused()

    # Enter approves paragraph 1 and goes on to paragraph 2.
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{first.pk} .approved-mark")).to_be_visible()
    settled(page)
    expect(page.locator(f"#row-{second.pk}")).to_be_focused()
    assert page.locator(f"#row-{first.pk}").get_attribute("data-attention") == ""
    # p from paragraph 2 finds nothing above it to look at now, and says so.
    page.keyboard.press("p")
    expect(page.locator("#keys-status")).to_have_text("No row above needs a look.")
    expect(page.locator(f"#row-{second.pk}")).to_be_focused()

    # Paragraph 2: a accepts the proposal, Enter approves, on to paragraph 3.
    page.keyboard.press("a")
    expect(page.locator(f"#row-{second.pk} .notice")).to_have_text("Accepted.")
    expect(page.locator(f"#row-{second.pk}")).to_be_focused()
    settled(page)
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{third.pk}")).to_be_focused()
    settled(page)

    # Paragraph 3: accepting the fixed figure clears the finding; approve, on to 4.
    page.keyboard.press("a")
    expect(page.locator(f"#row-{third.pk} .notice")).to_have_text("Accepted.")
    expect(page.locator(f"#row-{third.pk} .findings")).to_have_count(0)
    settled(page)
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{fourth.pk}")).to_be_focused()
    settled(page)
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{fourth.pk} .approved-mark")).to_be_visible()
    settled(page)
    # Nothing below needs a look: the focus stays on the last row.
    expect(page.locator(f"#row-{fourth.pk}")).to_be_focused()
    expect(page.locator("#progress")).to_contain_text("4 of 4 paragraphs approved")
    assert {p.status for p in rows_of(document)} == {Paragraph.Status.APPROVED}

    # The stage move: Shift+Tab back to "Approve document", Enter opens its confirmation, the
    # note gets the focus, Tab to "Yes", Enter.
    approve = page.locator("#transitions").get_by_role("button", name="Approve document")
    tab_to(page, approve, "Shift+Tab")
    page.keyboard.press("Enter")
    note = page.get_by_label("Note for them")
    expect(note).to_be_focused()
    note.press_sequentially("Clean copy, thanks.")
    confirm = page.get_by_role("button", name="Yes: approve document")
    tab_to(page, confirm)
    page.keyboard.press("Enter")
    expect(page.locator(".stage-approved")).to_be_visible()
    assert Document.objects.get(pk=document.pk).stage == Stage.APPROVED
    moved = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).last()
    assert (moved.payload["to"], moved.payload["note"]) == ("approved", "Clean copy, thanks.")


def test_save_and_accept_from_the_editor(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    second = rows_of(document)[1]
    log_in_by_keyboard(page, "daniel")
    page.goto(document.get_absolute_url())
    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(page.locator(f"#row-{second.pk}")).to_be_focused()
    page.keyboard.press("e")
    textarea = page.locator(f"#text-{second.pk}")
    expect(textarea).to_be_focused()
    settled(page)
    textarea.press("End")
    textarea.press_sequentially(" It takes effect in January.")
    page.keyboard.press("Control+Shift+Enter")
    expect(page.locator(f"#row-{second.pk}")).to_be_focused()
    expect(page.locator(f"#row-{second.pk} .cell-target")).to_contain_text(
        "It takes effect in January."
    )
    settled(page)
    second.refresh_from_db()
    assert second.text.endswith("It takes effect in January.")
    assert not Revision.objects.filter(state=Revision.State.PROPOSED).exists()


def test_the_translator_is_shown_only_the_keys_she_may_use(page, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    log_in_by_keyboard(page, "mina")
    page.goto(document.get_absolute_url())
    hint = page.locator("#keys-hint")
    expect(hint).to_contain_text("e edit")
    expect(hint).not_to_contain_text("accept")
    expect(hint).not_to_contain_text("approve")
    page.keyboard.press("?")
    shortcuts = page.locator("#shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("propose the edit")
    expect(shortcuts).not_to_contain_text("accept")
    expect(shortcuts).not_to_contain_text("approve the paragraph")
    page.keyboard.press("Escape")

    # On a phone there is no hint and no list of keys.
    page.set_viewport_size({"width": 390, "height": 800})
    expect(hint).to_be_hidden()
    page.keyboard.press("?")
    expect(shortcuts).to_be_hidden()


KO = ["가 문단.", "나 문단.", "다 문단.", "라 문단."]
EN = ["Paragraph A.", "Paragraph B.", "Paragraph C.", "Paragraph D."]


def cells(document):
    return [(p.source, p.text) for p in document.paragraphs.order_by("position")]


def paragraphs_in(page, row, side):
    """The paragraphs of one cell of the alignment editor, as the page shows them."""
    return page.locator(
        f'[data-pairing-cell][data-pairing-row="{row}"][data-side="{side}"] > p:not(.empty-cell)'
    )


def selected_cell(page):
    return page.evaluate(
        "() => { const c = document.activeElement;"
        " return c && c.matches('[data-pairing-cell]')"
        " ? [Number(c.dataset.pairingRow), c.dataset.side] : null; }"
    )


def test_the_alignment_editor_from_the_keyboard(page, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    log_in_by_keyboard(page, "mina")
    page.goto(document.get_absolute_url())
    expect(page.locator("#keys-hint")).to_contain_text("m merge with the next row")

    # j selects the first row, l its English cell, j the English cell of row 2.
    page.keyboard.press("j")
    page.keyboard.press("l")
    assert selected_cell(page) == [0, "target"]
    page.keyboard.press("j")
    assert selected_cell(page) == [1, "target"]
    screenshot(page, "alignment-cell-selected")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert selected_cell(page) == [1, "target"]

    # m merges row 3's English into row 2; the cell stays selected.
    page.keyboard.press("m")
    expect(paragraphs_in(page, 1, "target")).to_have_count(2)
    settled(page)
    assert selected_cell(page) == [1, "target"]
    assert cells(document)[1] == ("나 문단.", "Paragraph B.\n\nParagraph C.")

    # Shift+Up moves English paragraph 2 up into row 1; the selection follows it.
    page.keyboard.press("Shift+ArrowUp")
    expect(paragraphs_in(page, 0, "target")).to_have_count(2)
    settled(page)
    assert selected_cell(page) == [0, "target"]
    assert cells(document)[:2] == [
        ("가 문단.", "Paragraph A.\n\nParagraph B."),
        ("나 문단.", "Paragraph C."),
    ]

    # h goes to the Korean side; Shift+Down moves Korean paragraph 1 down to row 2.
    page.keyboard.press("h")
    assert selected_cell(page) == [0, "source"]
    page.keyboard.press("Shift+ArrowDown")
    expect(paragraphs_in(page, 1, "source")).to_have_count(2)
    settled(page)
    assert selected_cell(page) == [1, "source"]
    assert cells(document)[1] == ("가 문단.\n\n나 문단.", "Paragraph C.")

    # z undoes that move.
    page.keyboard.press("z")
    expect(paragraphs_in(page, 1, "source")).to_have_count(1)
    settled(page)
    assert cells(document)[0] == ("가 문단.", "Paragraph A.\n\nParagraph B.")

    # Each key sent the form's pairing_version: four changes, four versions on.
    assert Document.objects.get(pk=document.pk).pairing_version == 4
    page.goto(reverse("activity", args=[document.pk]))
    activity = page.locator(".activity")
    expect(activity).to_contain_text("merged rows 2 and 3 on the English side")
    expect(activity).to_contain_text("moved English paragraph 2 up to row 1")
    expect(activity).to_contain_text("moved Korean paragraph 1 down to row 2")
    expect(activity).to_contain_text("undid the last pairing change")


def test_an_alignment_key_on_a_stale_page_is_refused(page, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    log_in_by_keyboard(page, "mina")
    page.goto(document.get_absolute_url())
    page.keyboard.press("j")
    page.keyboard.press("l")
    page.keyboard.press("j")
    assert selected_cell(page) == [1, "target"]
    # The pairing changes meanwhile (the same translator, in another tab).
    pairing.change_pairing(people.translator, document, "merge_next", 2, "source", seen_version=0)
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator(".pairing-bar .form-error")).to_be_visible()
    settled(page)
    # Refused: only the other change happened, and the selection stays where it was.
    assert cells(document)[1:3] == [
        ("나 문단.", "Paragraph B."),
        ("다 문단.\n\n라 문단.", "Paragraph C."),
    ]
    assert selected_cell(page) == [1, "target"]
