"""The glossary's marks and the translation memory in real Chromium: a term's English on
keyboard focus, a suggestion beside the editor inserted with its key."""

import io
from xml.sax.saxutils import escape

from django.core.management import call_command
from playwright.sync_api import expect

from reviews import editing, glossary, workflow
from reviews.importing import create_document
from reviews.models import Paragraph
from tests.browser.conftest import log_in, screenshot, settled
from tests.browser.test_track_changes import open_editor
from tests.conftest import ENGLISH, KOREAN, new_document

APPROVED_KO = "서울시의회는 14일 본회의를 열고 내년도 예산안 12조3000억원을 통과시켰다."
APPROVED_EN = "The Seoul Metropolitan Council passed the 12.3 trillion won budget on the 14th."


def approved_story(people):
    document = create_document(
        title="Last month's budget",
        source_paragraphs=[APPROVED_KO],
        target_paragraphs=[APPROVED_EN],
        created_by=people.translator,
        translator=people.translator,
        editor=people.editor,
    )
    workflow.take_transition(people.manager, "confirm_pairing", document)
    for row in document.paragraphs.all():
        editing.approve_paragraph(people.editor, row.pk)
    return document


def test_a_suggestion_is_inserted_with_its_key(page, people):
    approved_story(people)
    document = new_document(people)
    # KOREAN[1] differs from the approved paragraph in one number only.
    row = Paragraph.objects.get(document=document, source=KOREAN[1])
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    textarea = open_editor(page, row)
    suggestion = page.locator(f"#memory-{row.pk} .memory-item")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text(APPROVED_EN)
    expect(suggestion.locator(".memory-percent")).to_contain_text("%")
    expect(suggestion.locator("del.diff-del")).to_contain_text("14일")
    screenshot(page, "memory-suggestion")
    # The key works from inside the editor, where the person is typing.
    expect(textarea).to_be_focused()
    page.keyboard.press("Control+Shift+Digit1")
    expect(textarea).to_have_value(APPROVED_EN)
    expect(textarea).to_be_focused()
    page.keyboard.press("ControlOrMeta+z")
    expect(textarea).to_have_value(ENGLISH[1])
    # A click does the same; then the edit saves as any other.
    suggestion.get_by_role("button", name="Insert").click()
    expect(textarea).to_have_value(APPROVED_EN)
    page.keyboard.press("Control+Enter")
    settled(page)
    expect(page.locator(f"#row-{row.pk} .cell-target")).to_contain_text(APPROVED_EN)
    row.refresh_from_db()
    assert row.text == APPROVED_EN


def test_a_terms_english_shows_on_keyboard_focus(page, people):
    glossary.add_term(people.editor, korean="서울시의회", english="Seoul Metropolitan Council")
    document = new_document(people)
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    term = page.locator(".cell-source .glossary-term", has_text="서울시의회").first
    tip = term.locator(".glossary-tip")
    expect(tip).to_be_hidden()
    term.focus()
    expect(tip).to_be_visible()
    expect(tip).to_have_text("Seoul Metropolitan Council")
    expect(term).to_have_accessible_description("Seoul Metropolitan Council")
    screenshot(page, "glossary-term-focus")
    page.mouse.move(0, 0)
    page.locator("body").focus()
    term.blur()
    expect(tip).to_be_hidden()
    page.locator(".cell-source .glossary-term", has_text="서울시의회").first.hover()
    expect(tip).to_be_visible()


def test_an_imported_tmx_pair_shows_its_file_and_no_link(page, people, tmp_path):
    # A vendor's memory holds the same story with another date and a blunter English.
    unit_ko = "서울시의회는 13일 본회의를 열고 내년도 예산안 12조3000억원을 통과시켰다."
    unit_en = "Seoul's council passed a <12.3 trillion won> budget on the 13th."
    tmx = tmp_path / "vendor-memory.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="Vendor"'
        ' creationtoolversion="1" segtype="paragraph" o-tmf="vendor" adminlang="en"'
        ' srclang="ko-KR" datatype="plaintext"/><body><tu>'
        f'<tuv xml:lang="ko-KR"><seg>{unit_ko}</seg></tuv>'
        f'<tuv xml:lang="en-US"><seg>{escape(unit_en)}</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    call_command("import_tmx", str(tmx), stdout=io.StringIO())
    document = new_document(people)
    row = Paragraph.objects.get(document=document, source=KOREAN[1])
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    textarea = open_editor(page, row)
    suggestion = page.locator(f"#memory-{row.pk} .memory-item")
    expect(suggestion).to_have_count(1)
    expect(suggestion.locator(".memory-target")).to_have_text(unit_en)
    expect(suggestion.locator(".memory-meta")).to_contain_text("vendor-memory.tmx, imported memory")
    expect(suggestion.locator("a")).to_have_count(0)
    expect(suggestion.locator("del.diff-del")).to_contain_text("13일")
    screenshot(page, "memory-imported-suggestion")
    page.keyboard.press("Control+Shift+Digit1")
    expect(textarea).to_have_value(unit_en)
