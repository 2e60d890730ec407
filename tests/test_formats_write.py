"""Writing exports (reviews.formats); XLIFF and TMX are in test_interchange_formats.py."""

import io

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reviews.formats import EXPORT_FORMATS, read_upload, write_export

# The default WORKBENCH_MAX_UPLOAD_BYTES; callers always pass the setting.
LIMIT = 5 * 1024 * 1024

TITLE = "Seoul sets 48 trillion won budget for 2026"
PARAGRAPHS = [
    "Seoul unveiled a 48 trillion won budget for next year on Tuesday.",
    "The city said youth housing and public transport would come first.",
]
CREDIT = "Translated by Kim Ji-won; edited by Lee Min-ho."


def test_export_formats_name_content_types_and_extensions():
    assert EXPORT_FORMATS == {
        "txt": ("text/plain; charset=utf-8", "txt"),
        "md": ("text/markdown; charset=utf-8", "md"),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "html": ("text/html; charset=utf-8", "html"),
    }


def test_it_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="Unknown export format 'pdf'"):
        write_export("pdf", TITLE, PARAGRAPHS, CREDIT)


def test_txt_is_title_paragraphs_and_credit_separated_by_blank_lines():
    data = write_export("txt", TITLE, [*PARAGRAPHS, "  ", "A merged\n\nrow"], CREDIT)

    assert data.decode("utf-8") == (
        f"{TITLE}\n\n{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n\nA merged\n\nrow\n\n{CREDIT}\n"
    )


def test_md_has_a_heading_escaped_paragraphs_and_an_italic_credit():
    paragraphs = [
        "# Not a heading",
        "- not a list",
        "+ nor this",
        "1. nor a numbered item",
        "2026) also not",
        "> not a quote",
        "Prices rose 3*2 times, *not* emphasis, __nor__ this; see [the report](x) & <b>.",
    ]

    text = write_export("md", "Seoul's #1 budget", paragraphs, CREDIT).decode()

    assert text == (
        "# Seoul's #1 budget\n\n"
        "\\# Not a heading\n\n"
        "\\- not a list\n\n"
        "\\+ nor this\n\n"
        "1\\. nor a numbered item\n\n"
        "2026\\) also not\n\n"
        "\\> not a quote\n\n"
        "Prices rose 3\\*2 times, \\*not\\* emphasis, \\_\\_nor\\_\\_ this; "
        "see \\[the report\\](x) & \\<b\\>.\n\n"
        f"*{CREDIT}*\n"
    )


awkward_text = st.text(
    alphabet=st.sampled_from(list("ab 가나#*_-+>=1.)[]()<>`~\\&;!|")), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=300, deadline=None)
@given(st.lists(awkward_text, min_size=1, max_size=4))
def test_md_export_reads_back_as_the_same_paragraphs(paragraphs):
    data = write_export("md", TITLE, paragraphs, CREDIT)

    expected = [" ".join(p.split()) for p in paragraphs]
    assert read_upload(data, "final.md", max_bytes=LIMIT) == [TITLE, *expected, CREDIT]


def test_docx_has_the_title_heading_paragraphs_and_an_italic_credit_last():
    data = write_export("docx", TITLE, [PARAGRAPHS[0], f"{PARAGRAPHS[1]}\n\nSecond half."], CREDIT)

    document = docx.Document(io.BytesIO(data))
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    assert texts == [
        ("Heading 1", TITLE),
        ("Normal", PARAGRAPHS[0]),
        ("Normal", PARAGRAPHS[1]),
        ("Normal", "Second half."),
        ("Normal", CREDIT),
    ]
    assert all(run.italic for run in document.paragraphs[-1].runs)
    assert not any(run.italic for run in document.paragraphs[1].runs)
    assert document.core_properties.title == TITLE
    assert read_upload(data, "final.docx", max_bytes=LIMIT) == [
        TITLE,
        *PARAGRAPHS,
        "Second half.",
        CREDIT,
    ]


def test_html_is_a_standalone_escaped_document():
    nasty = "<script>alert(1)</script> & \"quotes\" 'apostrophes'"

    data = write_export("html", f"{TITLE} <i>", [PARAGRAPHS[0], nasty], CREDIT)

    text = data.decode("utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#x27;apos" in text
    assert "style" not in text
    root = etree.fromstring(data, etree.HTMLParser())
    assert root.findtext("head/title") == f"{TITLE} <i>"
    assert root.findtext(".//h1") == f"{TITLE} <i>"
    assert [p.text for p in root.iter("p")] == [PARAGRAPHS[0], nasty, CREDIT]
    assert root.find(".//p[last()]").get("class") == "credit"


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_every_export_reads_back_in_order(fmt):
    paragraphs = ["한국어 인용: “예산은 시민을 위한 것”이라고 말했다.", PARAGRAPHS[1]]

    data = write_export(fmt, TITLE, paragraphs, CREDIT)

    assert read_upload(data, f"final.{EXPORT_FORMATS[fmt][1]}", max_bytes=LIMIT) == [
        TITLE,
        *paragraphs,
        CREDIT,
    ]


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_a_first_paragraph_that_is_the_headline_is_not_written_twice(fmt):
    headline = "Seoul Sets 48 Trillion Won Budget"
    paragraphs = [f"{headline.lower()}\n\n{PARAGRAPHS[0]}", PARAGRAPHS[1]]

    data = write_export(fmt, f" {headline} ", paragraphs, CREDIT)

    read_back = read_upload(data, f"final.{EXPORT_FORMATS[fmt][1]}", max_bytes=LIMIT)
    assert read_back == [headline, *PARAGRAPHS, CREDIT]


def test_a_headline_that_differs_from_the_title_is_kept():
    data = write_export("txt", "Budget", ["Seoul sets its budget", PARAGRAPHS[0]], "")

    assert data.decode() == f"Budget\n\nSeoul sets its budget\n\n{PARAGRAPHS[0]}\n"
