"""The one XML parser for uploads (reviews.formats.safexml) and the Word parts it guards."""

import io
import zipfile

import docx
import pytest

from reviews.formats import UnreadableFile, read_upload, safexml

LIMIT = 5 * 1024 * 1024
ENTITY_DOCTYPE = '<!DOCTYPE w:document [<!ENTITY secret "leaked">]>'


def test_it_parses_ordinary_xml_in_every_encoding():
    for encoding in ["utf-8", "utf-16", "utf-16-le", "utf-32", "utf-32-be"]:
        data = f'<?xml version="1.0" encoding="{encoding}"?><a b="예">문단 &amp; 끝</a>'
        root = safexml.parse(data.encode(encoding), "a.xml")
        assert (root.tag, root.get("b"), root.text) == ("a", "예", "문단 & 끝")
    assert safexml.parse("<a>한국어</a>".encode("utf-32"), "a.xml").text == "한국어"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32", "utf-32-le"])
@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE a [<!ENTITY x "y">]>',
        '<!DOCTYPE a SYSTEM "http://example.org/a.dtd">',
        '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        "<!DOCTYPE a>",
    ],
)
def test_it_refuses_any_document_type_declaration_in_any_encoding(encoding, doctype):
    data = f'<?xml version="1.0" encoding="{encoding}"?>{doctype}<a>text</a>'.encode(encoding)

    with pytest.raises(UnreadableFile) as refused:
        safexml.parse(data, "unit.xlf")

    assert str(refused.value) == (
        "unit.xlf contains a document type declaration (DTD), which is not allowed, "
        "so it was not opened."
    )


def test_it_refuses_entities_not_well_formed_xml_and_oversize_parts():
    reasons = {}
    for label, data in [
        ("entity", b"<a>&undeclared;</a>"),
        ("malformed", b"<a><b></a>"),
        ("empty", b""),
        ("too large", b"<a>" + b" " * safexml.MAX_BYTES + b"</a>"),
    ]:
        with pytest.raises(UnreadableFile) as refused:
            safexml.parse(data, "t.tmx")
        reasons[label] = str(refused.value)

    assert reasons == {
        "entity": "t.tmx declares or uses entities, which are not allowed, so it was not opened.",
        "malformed": "t.tmx is not well-formed XML (line 1).",
        "empty": "t.tmx is empty.",
        "too large": "t.tmx is larger than the 50 MB an XML file may have, so it was not opened.",
    }
    assert all("\n" not in reason for reason in reasons.values())


# -- Word parts ------------------------------------------------------------------------------


def plain_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("The council passed the budget.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rebuilt(data: bytes, change) -> bytes:
    """A copy of the archive; `change(parts)` edits the dict of name -> bytes in place."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_doctype(xml: bytes, encoding: str) -> bytes:
    """The part re-encoded, its declaration naming the encoding, a DTD with an entity added."""
    text = xml.decode("utf-8")
    declaration_end = text.index("?>") + 2
    body = text[declaration_end:]
    return (f'<?xml version="1.0" encoding="{encoding.upper()}"?>{ENTITY_DOCTYPE}{body}').encode(
        encoding
    )


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-16", "utf-16-be"])
@pytest.mark.parametrize(
    "part", ["word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"]
)
def test_a_word_part_with_a_dtd_is_refused_in_any_encoding(encoding, part):
    def change(parts):
        parts[part] = with_doctype(parts[part], encoding)

    data = rebuilt(plain_docx(), change)

    with pytest.raises(UnreadableFile) as refused:
        read_upload(data, "story.docx", max_bytes=LIMIT)
    assert str(refused.value) == (
        f"story.docx ({part}) contains a document type declaration (DTD), which is not "
        "allowed, so it was not opened."
    )


def test_an_oddly_named_part_with_a_dtd_is_refused():
    """The styles part renamed to styles.dat, declared XML by an Override: python-docx parses
    it whatever its name, so it is checked whatever its name."""

    def change(parts):
        parts["word/styles.dat"] = with_doctype(parts.pop("word/styles.xml"), "utf-32")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b'PartName="/word/styles.xml"', b'PartName="/WORD/Styles.DAT"'
        )
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(b'Target="styles.xml"', b'Target="styles.dat"')

    data = rebuilt(plain_docx(), change)
    assert b'PartName="/WORD/Styles.DAT"' in zipfile.ZipFile(io.BytesIO(data)).read(
        "[Content_Types].xml"
    )

    with pytest.raises(UnreadableFile, match=r"^story\.docx \(word/styles\.dat\) contains a doc"):
        read_upload(data, "story.docx", max_bytes=LIMIT)


def test_a_word_document_in_utf_16_without_a_dtd_is_still_read():
    def change(parts):
        text = parts["word/document.xml"].decode("utf-8")
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        parts["word/document.xml"] = text.encode("utf-16")

    data = rebuilt(plain_docx(), change)

    assert read_upload(data, "story.docx", max_bytes=LIMIT) == ["The council passed the budget."]


def test_an_svg_image_with_a_doctype_is_not_parsed_as_a_word_part():
    svg = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>'
    )

    def change(parts):
        parts["word/media/logo.svg"] = svg
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"<Default ", b'<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1
        )

    data = rebuilt(plain_docx(), change)

    assert read_upload(data, "story.docx", max_bytes=LIMIT) == ["The council passed the budget."]
