"""Whatever text a person gives the app is cleaned one way, and every exporter can carry it."""

import io

import docx
import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from reviews import editing, workflow
from reviews.cleaning import clean_line, clean_text
from reviews.comments import add_comment
from reviews.exporting import export_document
from reviews.formats import read_upload, write_export, write_tmx, write_xliff, write_xliff12
from reviews.formats.interchange import TRANSLATED, Bilingual, MemoryPair, Unit
from reviews.models import Document, Stage
from tests.conftest import new_document

C0 = "".join(chr(code) for code in range(0x20))
C1 = "".join(chr(code) for code in range(0x7F, 0xA0))
SURROGATES = "\ud800\udbff\udc00\udfff"
NONCHARACTERS = "\ufffe\uffff\ufdd0\U0001fffe"
EMOJI = "👩‍💻 👍🏽 🇰🇷"
# q with a combining dot above has no precomposed form, so NFC keeps the mark; 한 as jamo
# composes to the syllable.
COMBINING = "q\u0307 \u1112\u1161\u11ab"
HOSTILE = f"Line one{C0}line two{C1}{SURROGATES}{NONCHARACTERS} {EMOJI} {COMBINING}."
BAD_CHARACTERS = set(C0 + C1 + SURROGATES + NONCHARACTERS) - {"\n", "\t"}


def test_clean_text_keeps_emoji_and_combining_marks_and_drops_the_rest():
    cleaned = clean_text(HOSTILE)

    assert not set(cleaned) & BAD_CHARACTERS
    assert EMOJI in cleaned
    assert "q\u0307 한" in cleaned
    # Vertical tab, form feed, the separators and NEL end lines; carriage returns too.
    assert clean_text("one\x0btwo\x0cthree\r\nfour\rfive\x85six") == (
        "one\ntwo\nthree\nfour\nfive\nsix"
    )
    assert clean_line("  Budget\x0b\x00 passed\u200b ") == "Budget passed"


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_every_export_format_survives_any_text(fmt):
    data = write_export(fmt, HOSTILE, [HOSTILE, f"Second {HOSTILE}"], HOSTILE)

    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.core_properties.title
    elif fmt == "html":
        text = lxml.html.document_fromstring(data).text_content()
    else:
        text = data.decode("utf-8")
    assert not set(text) & BAD_CHARACTERS
    assert EMOJI in text and "q\u0307 한" in text
    assert read_upload(data, f"out.{fmt}", max_bytes=len(data))


def test_xliff_and_tmx_survive_any_text():
    pairs = [(f"한국어 {HOSTILE}", HOSTILE), ("둘째 문단", f"Second {HOSTILE}")]
    units = [Unit(source=source, target=target, status=TRANSLATED) for source, target in pairs]

    xliff = etree.fromstring(write_xliff(Bilingual(title=HOSTILE, units=units)))
    xliff12 = etree.fromstring(write_xliff12(Bilingual(title=HOSTILE, units=units)))
    tmx = etree.fromstring(
        write_tmx([MemoryPair(source=s, target=t) for s, t in pairs], title=HOSTILE)
    )

    for root in (xliff, xliff12, tmx):
        text = "".join(root.itertext())
        assert EMOJI in text
        assert "q\u0307" in text


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def test_a_vertical_tab_saved_through_the_edit_form_exports_as_docx(client, people, document):
    client.force_login(people.translator)
    row = document.paragraphs.get(position=1)

    response = client.post(
        reverse("edit", args=[document.pk, row.pk]),
        {"text": "Line one\x0bline two\x07", "version": row.version},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.text == "Line one\nline two"
    exported = client.get(reverse("export", args=[document.pk, "docx"]))
    assert exported.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(exported.content)).paragraphs]
    assert "Line one line two" in texts


def test_edits_comments_and_credit_lines_are_cleaned(people, reviewing):
    row = reviewing.paragraphs.get(position=2)

    revision = editing.save_edit(people.editor, row.pk, f"Fixed\x0c {HOSTILE}", row.version)
    comment = add_comment(people.editor, reviewing, f"Check\x1b this\x00 {EMOJI}", paragraph=row)
    workflow.set_credit_line(people.editor, reviewing, "Edited\x0b by\ufffe the desk\x7f.")

    assert revision.text.startswith("Fixed\n Line one\n")
    assert revision.text.endswith(f"{EMOJI} q\u0307 한.")
    assert not set(revision.text) & BAD_CHARACTERS
    comment.refresh_from_db()
    assert comment.body == f"Check this {EMOJI}"
    reviewing.refresh_from_db()
    assert reviewing.credit_line == "Edited by the desk."
    for fmt in ["txt", "md", "html", "docx", "xliff", "tmx"]:
        data, _, _ = export_document(reviewing, fmt, people.editor)
        assert data


def test_an_uploaded_title_is_cleaned_and_a_title_of_only_control_characters_is_refused(
    client, people
):
    client.force_login(people.translator)
    form = {"source_text": "서울시는 예산안을 발표했다.", "target_text": "Seoul set its budget."}

    refused = client.post(reverse("upload"), {"title": "\x0b\x07 \u200b", **form})
    accepted = client.post(reverse("upload"), {"title": "Seoul\x0b budget\x1b 👍🏽", **form})

    assert refused.status_code == 200
    assert refused.context["form"].errors["title"] == ["This field is required."]
    assert accepted.status_code == 302
    assert Document.objects.get().title == "Seoul budget 👍🏽"


def test_a_command_line_title_with_lone_surrogates_is_stored_clean(people, tmp_path):
    # Bytes that are not UTF-8 reach argv as lone surrogates (Python's surrogateescape).
    (tmp_path / "ko.txt").write_text("서울시는 예산안을 발표했다.", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Seoul set its budget.", encoding="utf-8")
    title = b"Budget \xff\xfe passed".decode("utf-8", "surrogateescape")

    call_command(
        "import_document",
        str(tmp_path / "ko.txt"),
        str(tmp_path / "en.txt"),
        "--title",
        title,
        "--translator",
        people.translator.username,
        stdout=io.StringIO(),
    )

    document = Document.objects.get()
    assert document.title == "Budget passed"
    assert document.stage == Stage.ALIGNING
    data, _, _ = export_document(document, "docx")
    assert docx.Document(io.BytesIO(data)).core_properties.title == "Budget passed"


def test_a_search_with_control_characters_is_a_search_not_an_error(client, people, document):
    client.force_login(people.editor)

    response = client.get(reverse("dashboard"), {"show": "all", "q": "Budget\x00\x0b"})

    assert response.status_code == 200
    assert response.context["search"] == "Budget"
    assert [d.pk for d in response.context["page"]] == [document.pk]


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html"])
def test_every_text_reader_cleans_what_it_reads(name):
    body = "An ordinary paragraph of words, long enough that one odd character is rare. " * 3
    data = f"<p>{body}Bell\x07 here\ufffe, {EMOJI}.</p>" if name.endswith("html") else body
    if not name.endswith("html"):
        data += f"Bell\x07 here\ufffe, {EMOJI}."

    [paragraph] = read_upload(data.encode(), name, max_bytes=len(data) * 4)

    assert paragraph.endswith(f"Bell here, {EMOJI}.")
