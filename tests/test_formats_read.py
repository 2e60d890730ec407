"""Reading uploads and pasted text into paragraphs (reviews.formats)."""

import io
import struct
import time
import tracemalloc
import zipfile

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.formats import UnreadableFile, read_pasted, read_upload

# The default WORKBENCH_MAX_UPLOAD_BYTES; callers always pass the setting.
LIMIT = 5 * 1024 * 1024

KO_1 = "서울시는 26일 내년도 예산안을 48조 원 규모로 편성했다고 밝혔다."
KO_2 = "시는 청년 주거 지원과 대중교통 확충에 예산을 우선 배정했다."
KO_3 = "시의회는 다음 달 초부터 예산안 심의에 들어갈 예정이다."
KO_ARTICLE = f"{KO_1}\n\n{KO_2}\n\n{KO_3}\n"

EN_1 = "Seoul unveiled a 48 trillion won budget for next year on Tuesday."
EN_2 = "The city said youth housing and public transport would come first."


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace=None, drop=(), extra=()) -> bytes:
    """A copy of a zip archive with some entries replaced, dropped or added."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


def refused_in_bounded_memory(data: bytes, filename: str = "bomb.docx") -> str:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnreadableFile) as error:
            read_upload(data, filename, max_bytes=10 * 1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert time.perf_counter() - started < 5
    return str(error.value)


# -- Encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp949"]
)
def test_it_reads_korean_text_in_each_encoding(encoding):
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + KO_ARTICLE.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + KO_ARTICLE.encode("utf-16-be")
    else:
        data = KO_ARTICLE.encode(encoding)

    assert read_upload(data, "기사.txt", max_bytes=LIMIT) == [KO_1, KO_2, KO_3]


def test_it_reads_euc_kr():
    text = "한국은행은 기준금리를 연 3.25%로 동결했다.\n\n물가 상승세가 둔화됐다는 판단이다."
    data = text.encode("euc-kr")
    assert data != text.encode("utf-8")

    assert read_upload(data, "news.txt", max_bytes=LIMIT) == [
        "한국은행은 기준금리를 연 3.25%로 동결했다.",
        "물가 상승세가 둔화됐다는 판단이다.",
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_it_reads_utf16_without_a_bom(codec):
    assert read_upload(KO_ARTICLE.encode(codec), "news.txt", max_bytes=LIMIT) == [KO_1, KO_2, KO_3]


def test_it_does_not_read_windows_1252_english_as_korean():
    # As CP949 these bytes decode without error, to "didn뭪 comment".
    data = b"The minister didn\x92t comment on the budget.\n\nAides said it wasn\x92t final."

    paragraphs = read_upload(data, "story.txt", max_bytes=LIMIT)

    assert paragraphs == [
        "The minister didn’t comment on the budget.",
        "Aides said it wasn’t final.",
    ]


def test_it_strips_zero_width_characters_and_normalises_to_nfc():
    decomposed = "\u1109\u1165\u110b\u116e\u11af"  # 서울 as conjoining jamo
    data = f"\ufeff{decomposed}\u200b시는 발표했다.".encode()

    assert read_upload(data, "a.txt", max_bytes=LIMIT) == ["서울시는 발표했다."]


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 20,
        b"PK\x03\x04" + b"\x00\x17\xfe\x81" * 500,
        b"\x89PNG\r\n\x1a\n" + bytes([7, 200, 13, 0, 1, 2, 150]) * 300,
    ],
)
def test_it_refuses_binary_junk_as_text(data):
    with pytest.raises(UnreadableFile, match=r"^photo\.txt looks like a binary file, not text\.$"):
        read_upload(data, "photo.txt", max_bytes=LIMIT)


def test_it_refuses_control_characters_in_valid_utf8():
    data = ("\x01\x02\x03\x04 abc " * 50).encode()

    with pytest.raises(UnreadableFile, match="binary"):
        read_upload(data, "a.txt", max_bytes=LIMIT)


# -- Plain text splitting ------------------------------------------------------------------


def test_it_splits_on_blank_lines_and_joins_hard_wrapped_lines():
    text = (
        "Seoul unveiled a 48 trillion won budget\n"
        "for next year on Tuesday.\n"
        "   \n"
        "서울시는 내년도 예산안을\n"
        "48조 원 규모로 편성했다.\n\n\n"
        "The  city\tsaid   housing would come first.\n"
    )

    assert read_upload(text.encode(), "a.txt", max_bytes=LIMIT) == [
        "Seoul unveiled a 48 trillion won budget for next year on Tuesday.",
        "서울시는 내년도 예산안을 48조 원 규모로 편성했다.",
        "The city said housing would come first.",
    ]


def test_without_blank_lines_each_line_is_a_paragraph():
    text = f"\n{KO_1}\r\n{KO_2}\r{KO_3}\n\n"

    assert read_upload(text.encode(), "a.txt", max_bytes=LIMIT) == [KO_1, KO_2, KO_3]


def test_read_pasted_splits_like_plain_text():
    assert read_pasted(f"  {EN_1}\n\n\n{EN_2}  ") == [EN_1, EN_2]
    assert read_pasted(f"{KO_1}\n{KO_2}") == [KO_1, KO_2]


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", "\u200b\ufeff"])
def test_read_pasted_refuses_empty_text(text):
    with pytest.raises(UnreadableFile, match=r"^The pasted text is empty\.$"):
        read_pasted(text)


printable = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300
).filter(lambda s: any(c.isprintable() and not c.isspace() for c in s))


@settings(max_examples=300, deadline=None)
@given(printable)
def test_read_pasted_always_returns_clean_paragraphs(text):
    paragraphs = read_pasted(text)

    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph.strip() == paragraph != ""
        assert "\n" not in paragraph
        assert "  " not in paragraph


# -- Markdown ------------------------------------------------------------------------------


def test_it_reads_markdown_structure():
    text = """# 서울시, 내년 예산 48조 원 편성
서울시는 **26일** 내년도 예산안을 [발표](https://example.com/a)했다.
이는 _올해보다_ 3% 늘어난 규모다.

## 주요 내용

- 청년 주거 지원 확대
* 대중교통 확충
1. 노후 하수관 교체

> 시의회는 다음 달 심의에 들어간다.
> 확정은 12월이다.

---

```
코드 블록 내용
```

Setext headline
===============
Body with snake_case_name and 2 * 3 * 4 and \\*stars\\*.
"""

    assert read_upload(text.encode(), "기사.md", max_bytes=LIMIT) == [
        "서울시, 내년 예산 48조 원 편성",
        "서울시는 26일 내년도 예산안을 발표했다. 이는 올해보다 3% 늘어난 규모다.",
        "주요 내용",
        "청년 주거 지원 확대",
        "대중교통 확충",
        "노후 하수관 교체",
        "시의회는 다음 달 심의에 들어간다. 확정은 12월이다.",
        "코드 블록 내용",
        "Setext headline",
        "Body with snake_case_name and 2 * 3 * 4 and *stars*.",
    ]


def test_markdown_without_blank_lines_has_a_paragraph_per_line():
    text = "# Headline\nFirst line.\nSecond line with *emphasis*."

    assert read_upload(text.encode(), "a.MARKDOWN", max_bytes=LIMIT) == [
        "Headline",
        "First line.",
        "Second line with emphasis.",
    ]


# -- HTML ----------------------------------------------------------------------------------


def test_it_reads_html_blocks_in_order_and_ignores_scripts():
    page = """<!DOCTYPE html><html><head><title>Not text</title>
<style>p { color: red }</style><script>var p = "<p>no</p>";</script></head>
<body><nav><ul><li>Home</li><li>World</li></ul></nav>
<h1>Seoul&nbsp;unveils &amp; budget</h1>
<p>Seoul unveiled a budget
   for next <b>year</b>.</p>
<script>alert("x")</script><noscript><p>Enable JS</p></noscript>
<template><p>hidden template</p></template>
<ul><li>Housing <ul><li>Youth</li></ul></li><li><p>Transport</p></li></ul>
<blockquote><p>First quoted.</p><p>Second quoted.</p></blockquote>
<p>One<br>line<br><br>Another paragraph</p>
<table><tr><th>Year</th><td>2025</td></tr></table>
<p hidden>Secret</p>
</body></html>"""

    assert read_upload(page.encode(), "story.HTML", max_bytes=LIMIT) == [
        "Seoul unveils & budget",  # the no-break space is collapsed like any other
        "Seoul unveiled a budget for next year.",
        "Housing",
        "Youth",
        "Transport",
        "First quoted.",
        "Second quoted.",
        "One line",
        "Another paragraph",
        "Year",
        "2025",
    ]


def test_html_without_block_elements_falls_back_to_text_splitting():
    page = "<html><body><div>첫 문단이다.<br>이어지는 줄.</div><div>둘째 문단.</div></body></html>"

    assert read_upload(page.encode("utf-8"), "a.htm", max_bytes=LIMIT) == [
        "첫 문단이다. 이어지는 줄.",
        "둘째 문단.",
    ]
    assert read_upload(b"<body>One line<br>Another line</body>", "a.htm", max_bytes=LIMIT) == [
        "One line",
        "Another line",
    ]


def test_it_reads_euc_kr_html_with_an_xml_declaration():
    page = '<?xml version="1.0" encoding="euc-kr"?><html><body><p>서울시는 예산안을 발표했다.</p>'

    assert read_upload(page.encode("euc-kr"), "a.html", max_bytes=LIMIT) == [
        "서울시는 예산안을 발표했다."
    ]


def test_html_that_has_only_a_script_has_no_text():
    with pytest.raises(UnreadableFile, match=r"^a\.html has no text\.$"):
        read_upload(
            b"<html><head><script>1</script></head><body> </body></html>", "a.html", max_bytes=LIMIT
        )


def test_html_external_entities_are_not_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    page = (
        f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<html><body><p>Before &x; after</p></body></html>"
    )

    paragraphs = read_upload(page.encode(), "a.html", max_bytes=LIMIT)

    assert not any("TOP SECRET" in p for p in paragraphs)


# -- Word ----------------------------------------------------------------------------------


def test_it_reads_docx_paragraphs_and_tables_in_body_order():
    def build(document):
        document.add_heading("서울시, 내년 예산 48조 원 편성", level=1)
        document.add_paragraph(KO_1)
        document.add_paragraph("")
        document.add_paragraph("   ")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "구분"
        table.cell(0, 1).text = "금액"
        table.cell(1, 0).merge(table.cell(1, 1)).text = "48조 원"
        run_paragraph = document.add_paragraph("시는 청년 주거 지원에 ")
        run_paragraph.add_run("예산을").bold = True
        run_paragraph.add_run("  우선 배정했다.")
        document.add_paragraph(KO_3)

    assert read_upload(docx_bytes(build), "기사.DOCX", max_bytes=LIMIT) == [
        "서울시, 내년 예산 48조 원 편성",
        KO_1,
        "구분",
        "금액",
        "48조 원",
        "시는 청년 주거 지원에 예산을 우선 배정했다.",
        KO_3,
    ]


def test_a_docx_with_no_text_has_no_text():
    data = docx_bytes(lambda document: document.add_paragraph(""))

    with pytest.raises(UnreadableFile, match=r"^empty\.docx has no text\.$"):
        read_upload(data, "empty.docx", max_bytes=LIMIT)


@pytest.mark.parametrize(
    "data",
    [
        b"\x13\x37" * 4000,
        b"PK\x03\x04 this is not really a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),  # an old .doc (OLE2) renamed
    ],
)
def test_it_refuses_bytes_that_are_not_a_word_document(data):
    with pytest.raises(UnreadableFile, match=r"^report\.docx is not a valid Word document\.$"):
        read_upload(data, "report.docx", max_bytes=LIMIT)


def test_it_refuses_a_zip_without_the_document_part():
    data = rezip(docx_bytes(lambda d: d.add_paragraph(EN_1)), drop={"word/document.xml"})

    with pytest.raises(UnreadableFile, match="not a valid Word document"):
        read_upload(data, "report.docx", max_bytes=LIMIT)


def test_it_refuses_a_docx_whose_document_part_is_broken():
    original = docx_bytes(lambda d: d.add_paragraph(EN_1))
    data = rezip(original, replace={"word/document.xml": b"<w:document><w:body>"})

    message = r"^report\.docx \(word/document\.xml\) is not well-formed XML \(line 1\)\.$"
    with pytest.raises(UnreadableFile, match=message):
        read_upload(data, "report.docx", max_bytes=LIMIT)


def test_it_refuses_entry_names_that_leave_the_archive():
    original = docx_bytes(lambda d: d.add_paragraph(EN_1))

    with pytest.raises(UnreadableFile, match="not a valid Word document"):
        read_upload(
            rezip(original, extra=[("../../etc/cron.d/x", b"x")]), "a.docx", max_bytes=LIMIT
        )
    with pytest.raises(UnreadableFile, match="not a valid Word document"):
        read_upload(rezip(original, extra=[("/abs/path.xml", b"<a/>")]), "a.docx", max_bytes=LIMIT)


def test_it_refuses_too_many_entries():
    original = docx_bytes(lambda d: d.add_paragraph(EN_1))
    data = rezip(original, extra=[(f"word/media/p{i}.bin", b"") for i in range(2000)])

    with pytest.raises(UnreadableFile, match=r"too many parts \(20\d\d\)"):
        read_upload(data, "a.docx", max_bytes=LIMIT)


def _zip_with_zeros(megabytes: int) -> bytes:
    original = docx_bytes(lambda d: d.add_paragraph(EN_1))
    buffer = io.BytesIO(rezip(original))
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/padding.bin", "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(chunk)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb_without_decompressing_it():
    data = _zip_with_zeros(60)
    assert len(data) < 1024 * 1024

    message = refused_in_bounded_memory(data)

    assert "more than 50 MB" in message


def test_it_refuses_an_entry_compressed_a_thousand_to_one():
    data = _zip_with_zeros(10)  # under the total limit, but far past a ratio of 100

    message = refused_in_bounded_memory(data)

    assert "compressed suspiciously well" in message


def _patch_central_directory_size(data: bytes, entry_name: str, new_size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for one entry."""
    data = bytearray(data)
    name = entry_name.encode()
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", data, position + 24, new_size)
            return bytes(data)
        position += 4
    raise AssertionError(f"{entry_name} not found")


def test_it_refuses_a_small_file_that_declares_a_huge_size():
    original = docx_bytes(lambda d: d.add_paragraph(EN_1))
    data = _patch_central_directory_size(original, "word/styles.xml", 400 * 1024 * 1024)

    message = refused_in_bounded_memory(data)

    assert "more than 50 MB" in message


def test_an_entry_that_hides_its_real_size_is_cut_off_at_the_declared_size():
    original = docx_bytes(lambda d: d.add_paragraph(EN_1))
    bomb = rezip(original, replace={"word/document.xml": b"<a>" + b" " * (40 * 1024 * 1024)})
    data = _patch_central_directory_size(bomb, "word/document.xml", 200)

    message = refused_in_bounded_memory(data)

    assert "not a valid Word document" in message


def _document_xml_with(prolog: str, body_text: str) -> bytes:
    original = docx_bytes(lambda d: d.add_paragraph("PLACEHOLDER"))
    xml = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml").decode()
    xml = xml.replace("?>", "?>" + prolog, 1).replace("PLACEHOLDER", body_text)
    return rezip(original, replace={"word/document.xml": xml.encode()})


def test_it_refuses_a_docx_with_a_billion_laughs_entity():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    data = _document_xml_with(f"<!DOCTYPE w:document [{entities}]>", "&lol9;")

    message = refused_in_bounded_memory(data)

    assert message == (
        "bomb.docx (word/document.xml) declares or uses entities, which are not allowed, "
        "so it was not opened."
    )


def test_it_refuses_a_docx_with_an_external_entity(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = _document_xml_with(f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret}">]>', "&x;")

    with pytest.raises(UnreadableFile, match="document type declaration"):
        read_upload(data, "a.docx", max_bytes=LIMIT)


# -- Dispatch and limits -------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["report.pdf", "report.doc", "README", "archive.docx.zip"])
def test_it_refuses_unsupported_extensions(filename):
    with pytest.raises(UnreadableFile) as error:
        read_upload(b"text", filename, max_bytes=LIMIT)

    assert str(error.value) == (
        f"{filename} is not a file type we can read; upload .txt, .md, .docx or .html."
    )


def test_it_refuses_files_over_the_size_limit():
    data = ("가" * 1024 * 1024).encode()  # 3 MB

    with pytest.raises(UnreadableFile, match=r"^big\.txt is larger than the 2 MB limit\.$"):
        read_upload(data, "big.txt", max_bytes=2 * 1024 * 1024)
    assert read_upload(data, "big.txt", max_bytes=LIMIT)  # the default 5 MB limit lets it through


@pytest.mark.parametrize("filename", ["empty.txt", "empty.md", "empty.html", "empty.docx"])
def test_it_refuses_empty_files(filename):
    with pytest.raises(UnreadableFile, match=rf"^{filename.replace('.', r'\.')} has no text\.$"):
        read_upload(b"", filename, max_bytes=LIMIT)


def test_messages_name_only_the_file_not_its_path():
    with pytest.raises(UnreadableFile, match=r"^notes\.txt has no text\.$"):
        read_upload(b"\n\n  \n", "C:\\Users\\kim\\notes.txt", max_bytes=LIMIT)
