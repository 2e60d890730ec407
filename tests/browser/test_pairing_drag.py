"""Dragging a paragraph to another row of the alignment editor in real Chromium, with the mouse
and from the keyboard; the split key; the keys hint on a touch screen; axe on the editor while
a drop is being chosen."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from reviews.models import Document, Event
from tests.browser import test_accessibility
from tests.browser.conftest import log_in, screenshot, settled
from tests.browser.test_accessibility import assert_clean, check_page
from tests.conftest import new_document

axe_source = test_accessibility.axe_source  # the fixture that reads axe-core from node_modules

KO = ["가 문단.", "나 문단.", "다 문단.", "라 문단.", "마 문단."]
EN = ["Paragraph A.", "Paragraph B.", "Paragraph C.", "Paragraph D.", "Paragraph E."]


def cells(document):
    return [(p.source, p.text) for p in document.paragraphs.order_by("position")]


def cell(page, row, side):
    return page.locator(f'[data-pairing-cell][data-pairing-row="{row}"][data-side="{side}"]')


def paragraphs_in(page, row, side):
    return cell(page, row, side).locator("> p:not(.empty-cell)")


def selected_cell(page):
    return page.evaluate(
        "() => { const c = document.activeElement;"
        " return c && c.matches('[data-pairing-cell]')"
        " ? [Number(c.dataset.pairingRow), c.dataset.side] : null; }"
    )


def test_dragging_an_english_paragraph_to_another_row(page, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    # Both ends of each drag on the screen: a drag that has to scroll its target into view
    # never starts in headless Chromium.
    page.set_viewport_size({"width": 1400, "height": 1400})
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    page.evaluate("window.__sameDocument = true")

    # While English paragraph 4 (row 4) is dragged over row 2, a bar at the end of that cell
    # shows where it would land (events dispatched by hand: Playwright's drag_to below does not
    # stop in the middle), and the drop is not made.
    dragged, target = paragraphs_in(page, 3, "target").first, cell(page, 1, "target")
    transfer = page.evaluate_handle("() => new DataTransfer()")
    dragged.dispatch_event("dragstart", {"dataTransfer": transfer})
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    expect(target).to_have_class(re.compile(r"\bdrop-after\b"))
    expect(dragged).to_have_class(re.compile(r"\bis-dragged\b"))
    screenshot(page, "alignment-drag-indicator")
    dragged.dispatch_event("dragend", {"dataTransfer": transfer})
    expect(page.locator(".drop-after, .is-dragged")).to_have_count(0)
    assert not document.events.filter(verb=Event.Verb.REALIGNED).exists()

    # The real drag, in Chromium: English paragraph 4 up to row 2; C (row 3), between, goes too.
    dragged.drag_to(target)
    expect(paragraphs_in(page, 1, "target")).to_have_text(
        ["Paragraph B.", "Paragraph C.", "Paragraph D."]
    )
    settled(page)
    assert cells(document)[1:4] == [
        ("나 문단.", "Paragraph B.\n\nParagraph C.\n\nParagraph D."),
        ("다 문단.", ""),
        ("라 문단.", ""),
    ]
    expect(page.locator("#announce-polite")).to_have_text(
        "Moved English paragraph 4 from row 4 to row 2, taking paragraph 3 along to keep the order."
    )

    assert page.evaluate("window.__sameDocument") is True  # swapped in place, no reload

    # English D from row 2 down to row 4 again, on its own this time.
    paragraphs_in(page, 1, "target").last.drag_to(cell(page, 3, "target"))
    expect(paragraphs_in(page, 3, "target")).to_have_text(["Paragraph D."])
    settled(page)
    assert cells(document)[3] == ("라 문단.", "Paragraph D.")

    events = document.events.filter(verb=Event.Verb.REALIGNED).order_by("pk")
    assert [(e.payload["action"], e.payload["to"]) for e in events] == [
        ("move_to", 1),
        ("move_to", 3),
    ]
    assert Document.objects.get(pk=document.pk).pairing_version == 2

    # The existing Undo takes the last drag back.
    page.get_by_role("button", name="Undo").click()
    expect(paragraphs_in(page, 1, "target")).to_have_count(3)
    page.goto(reverse("activity", args=[document.pk]))
    activity = page.locator(".activity")
    expect(activity).to_contain_text(
        "moved English paragraph 4 from row 4 to row 2, taking paragraph 3 along"
    )
    expect(activity).to_contain_text("moved English paragraph 4 from row 2 to row 4")
    expect(activity).to_contain_text("undid the last pairing change")


def test_dropping_on_the_other_side_or_the_same_row_does_nothing(page, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    paragraphs_in(page, 0, "target").first.drag_to(cell(page, 2, "source"))
    paragraphs_in(page, 0, "target").first.drag_to(cell(page, 0, "target"))
    page.wait_for_timeout(300)
    assert cells(document) == list(zip(KO, EN, strict=True))
    assert not document.events.filter(verb=Event.Verb.REALIGNED).exists()


def test_moving_a_paragraph_several_rows_and_splitting_from_the_keyboard(page, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    expect(page.locator("#keys-hint")).to_contain_text("s split")
    page.keyboard.press("j")
    page.keyboard.press("l")
    assert selected_cell(page) == [0, "target"]

    # g picks English A up; j j goes to row 3, which shows where it would land; Enter drops.
    page.keyboard.press("g")
    expect(cell(page, 0, "target")).to_have_class(re.compile(r"\bis-moving\b"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(cell(page, 2, "target")).to_have_class(re.compile(r"\bdrop-before\b"))
    page.keyboard.press("Enter")
    expect(paragraphs_in(page, 2, "target")).to_have_text(
        ["Paragraph A.", "Paragraph B.", "Paragraph C."]
    )
    settled(page)
    assert selected_cell(page) == [2, "target"]  # the focus went with the paragraph
    assert [target for _, target in cells(document)][:3] == [
        "",
        "",
        "Paragraph A.\n\nParagraph B.\n\nParagraph C.",
    ]

    # s splits the cell after its first paragraph; the focus goes to the new row, so s again
    # splits what is left.
    page.keyboard.press("s")
    expect(paragraphs_in(page, 3, "target")).to_have_text(["Paragraph B.", "Paragraph C."])
    settled(page)
    assert selected_cell(page) == [3, "target"]
    page.keyboard.press("s")
    expect(paragraphs_in(page, 4, "target")).to_have_text(["Paragraph C."])
    settled(page)

    # A cell with one paragraph: s is refused by the server, said at once, nothing changes.
    before = cells(document)
    page.keyboard.press("s")
    expect(page.locator("#announce-assertive")).to_have_text(
        "Split at a break between two paragraphs."
    )
    settled(page)
    assert cells(document) == before
    assert selected_cell(page) == [4, "target"]

    # Escape puts a picked-up paragraph down again.
    page.keyboard.press("g")
    page.keyboard.press("k")
    page.keyboard.press("Escape")
    expect(page.locator(".is-moving, .drop-before, .drop-after")).to_have_count(0)
    events = document.events.filter(verb=Event.Verb.REALIGNED).order_by("pk")
    actions = [event.payload["action"] for event in events]
    assert actions == ["move_to", "split", "split"]

    # The ? dialog lists the new keys.
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_contain_text("split the cell after its first paragraph")
    expect(page.locator("#shortcuts")).to_contain_text("move a paragraph to another row")


def test_no_keys_hint_on_a_touch_screen_held_sideways(browser, live_server, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 844, "height": 390},
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    try:
        log_in(phone, "mina")
        phone.goto(document.get_absolute_url())
        assert phone.evaluate("() => matchMedia('(pointer: coarse)').matches")
        assert phone.evaluate("() => innerWidth") > 44 * 16  # wider than the narrow query
        expect(phone.locator("#keys-hint")).to_be_hidden()
    finally:
        context.close()


def test_the_alignment_editor_passes_axe_while_a_drop_is_chosen(page, axe_source, people):
    document = new_document(people, stage_actions=(), source=KO, target=EN)
    log_in(page, "mina")

    def choose_a_drop(page):
        page.keyboard.press("j")
        page.keyboard.press("l")
        page.keyboard.press("g")
        page.keyboard.press("j")
        expect(cell(page, 1, "target")).to_have_class(re.compile(r"\bdrop-before\b"))

    url = document.get_absolute_url()
    assert_clean(check_page(page, axe_source, "alignment-drop", url, then=choose_a_drop))
