"""Writing exports and bilingual exchange files (reviews.formats)."""

import io
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reviews.formats import EXPORT_FORMATS, read_upload, write_export, write_tmx, write_xliff
from tests.conftest import shared_file

# The default WORKBENCH_MAX_UPLOAD_BYTES; callers always pass the setting.
LIMIT = 5 * 1024 * 1024

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

TITLE = "Seoul sets 48 trillion won budget for 2026"
PARAGRAPHS = [
    "Seoul unveiled a 48 trillion won budget for next year on Tuesday.",
    "The city said youth housing and public transport would come first.",
]
CREDIT = "Translated by Kim Ji-won; edited by Lee Min-ho."
PAIRS = [
    ("서울시는 26일 내년도 예산안을 48조 원 규모로 편성했다.", PARAGRAPHS[0]),
    ("시는 청년 주거 지원과 대중교통 확충을 우선했다.", PARAGRAPHS[1]),
    ("시의회는 다음 달 심의에 들어간다.", ""),
    ("", "The council will vote in December."),
]


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


# -- XLIFF 2.1 and TMX 1.4b ----------------------------------------------------------------


def schema(name: str) -> Path:
    return shared_file("schemas", name)


def test_xliff_is_valid_against_the_core_schema():
    data = write_xliff(PAIRS + [("제어 문자\x07 포함", "Bell\x07 inside")], title=TITLE)

    xsd = etree.XMLSchema(etree.parse(str(schema("xliff_core_2.0.xsd"))))
    document = etree.fromstring(data)
    assert xsd.validate(document), xsd.error_log


def test_xliff_keeps_every_pair_in_order_with_korean_intact():
    data = write_xliff(PAIRS, title=TITLE, doc_id="doc-42")

    root = etree.fromstring(data)
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "ko", "en")
    file = root.find(f"{XLIFF}file")
    assert file.get("id") == "f1"
    assert file.get("original") == "doc-42"
    assert file.findtext(f"{XLIFF}notes/{XLIFF}note") == TITLE
    units = file.findall(f"{XLIFF}unit")
    assert [u.get("id") for u in units] == ["u1", "u2", "u3", "u4"]
    pairs = [(u.findtext(f".//{XLIFF}source"), u.findtext(f".//{XLIFF}target")) for u in units]
    assert pairs == [
        (PAIRS[0][0], PAIRS[0][1]),
        (PAIRS[1][0], PAIRS[1][1]),
        (PAIRS[2][0], None),  # no target element for an untranslated paragraph
        ("", PAIRS[3][1]),  # an empty <source/> for a paragraph with no Korean
    ]


def test_xliff_keeps_paragraph_breaks_of_a_merged_row():
    data = write_xliff([("첫 문단.\n\n둘째 문단.", "First.\n\nSecond.")], title=TITLE)

    source = etree.fromstring(data).find(f".//{XLIFF}source")
    assert source.text == "첫 문단.\n\n둘째 문단."
    assert source.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_xliff_writes_characters_xml_cannot_carry_as_cp():
    data = write_xliff([("종\x07소리", "A bell\x07")], title=TITLE)

    source = etree.fromstring(data).find(f".//{XLIFF}source")
    assert source.text == "종"
    assert source[0].tag == f"{XLIFF}cp" and source[0].get("hex") == "0007"
    assert source[0].tail == "소리"


def test_xliff_needs_at_least_one_unit():
    with pytest.raises(ValueError, match="at least one unit"):
        write_xliff([], title=TITLE)


def test_xliff_escapes_markup_in_text():
    data = write_xliff([("<b>굵게</b> & 기타", "<b>Bold</b> & more")], title="A <title>")

    root = etree.fromstring(data)
    assert root.findtext(f".//{XLIFF}target") == "<b>Bold</b> & more"
    assert b"&lt;b&gt;Bold&lt;/b&gt; &amp; more" in data


def test_tmx_is_valid_against_the_dtd():
    data = write_tmx(PAIRS + [("제어\x07", "Bell\x07")], title=TITLE)

    with schema("tmx14.dtd").open("rb") as dtd_file:
        dtd = etree.DTD(dtd_file)
    document = etree.fromstring(data)
    assert dtd.validate(document), dtd.error_log


def test_tmx_has_the_header_and_only_complete_pairs():
    data = write_tmx(PAIRS, title=TITLE, creation_tool="Workbench test")

    root = etree.fromstring(data)
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert {k: header.get(k) for k in ["creationtool", "datatype", "segtype", "srclang"]} == {
        "creationtool": "Workbench test",
        "datatype": "plaintext",
        "segtype": "paragraph",
        "srclang": "ko",
    }
    assert (header.get("adminlang"), header.get("o-tmf")) == ("en", "Workbench")
    units = [
        [(tuv.get(XML_LANG), tuv.findtext("seg")) for tuv in tu.findall("tuv")]
        for tu in root.iter("tu")
    ]
    assert units == [
        [("ko", PAIRS[0][0]), ("en", PAIRS[0][1])],
        [("ko", PAIRS[1][0]), ("en", PAIRS[1][1])],
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
