"""Bilingual exchange files for CAT tools: XLIFF 2.1 and TMX 1.4b."""

import re
from datetime import UTC, datetime

from lxml import etree

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
CREATION_TOOL_VERSION = "0.1"
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _x(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def _fill(element, text: str) -> None:
    """Text into an XLIFF <source>/<target>; characters XML cannot carry become <cp hex=".."/>,
    as XLIFF 2 prescribes. Paragraph breaks inside a merged row are kept as they are."""
    last = None
    position = 0
    for match in _NOT_XML.finditer(text):
        chunk = text[position : match.start()]
        if last is None:
            element.text = (element.text or "") + chunk
        else:
            last.tail = (last.tail or "") + chunk
        last = etree.SubElement(element, _x("cp"), hex=f"{ord(match.group()):04X}")
        position = match.end()
    rest = text[position:]
    if last is None:
        element.text = rest or None
    else:
        last.tail = rest or None
    if "\n" in text or "  " in text:
        element.set(f"{{{XML_NS}}}space", "preserve")


def write_xliff(
    units: list[tuple[str, str]],
    *,
    title: str,
    source_lang: str = "ko",
    target_lang: str = "en",
    doc_id: str = "",
    draft: str = "",
) -> bytes:
    """One <unit> per (source, target) pair; an empty target is left out, an empty source is an
    empty <source/> (a target paragraph with no counterpart)."""
    if not units:
        raise ValueError("An XLIFF file needs at least one unit.")
    root = etree.Element(
        _x("xliff"),
        nsmap={None: XLIFF_NS},
        version="2.1",
        srcLang=source_lang,
        trgLang=target_lang,
    )
    file = etree.SubElement(root, _x("file"), id="f1")
    file.set("original", _xml_safe(doc_id or title))
    if title or draft:
        notes = etree.SubElement(file, _x("notes"))
    if title:
        etree.SubElement(notes, _x("note"), category="title").text = _xml_safe(title)
    if draft:
        etree.SubElement(notes, _x("note"), category="status").text = _xml_safe(draft)
    for number, (source, target) in enumerate(units, start=1):
        unit = etree.SubElement(file, _x("unit"), id=f"u{number}")
        segment = etree.SubElement(unit, _x("segment"))
        _fill(etree.SubElement(segment, _x("source")), source or "")
        if target:
            _fill(etree.SubElement(segment, _x("target")), target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_tmx(
    units: list[tuple[str, str]],
    *,
    title: str,
    source_lang: str = "ko",
    target_lang: str = "en",
    creation_tool: str = "Workbench",
    draft: str = "",
) -> bytes:
    """One <tu> per pair with both sides present; pairs with an empty side teach a translation
    memory nothing and are skipped."""
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        creationtool=creation_tool,
        creationtoolversion=CREATION_TOOL_VERSION,
        datatype="plaintext",
        segtype="paragraph",
        adminlang="en",
        srclang=source_lang,
        **{"o-tmf": "Workbench"},
        creationdate=datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    )
    if title:
        etree.SubElement(header, "prop", type="x-document-title").text = _xml_safe(title)
    if draft:
        etree.SubElement(header, "prop", type="x-status").text = _xml_safe(draft)
    body = etree.SubElement(root, "body")
    for number, (source, target) in enumerate(units, start=1):
        source, target = _xml_safe(source or ""), _xml_safe(target or "")
        if not source.strip() or not target.strip():
            continue
        tu = etree.SubElement(body, "tu", tuid=str(number))
        for lang, text in ((source_lang, source), (target_lang, target)):
            tuv = etree.SubElement(tu, "tuv", {f"{{{XML_NS}}}lang": lang})
            etree.SubElement(tuv, "seg").text = text
    return etree.tostring(
        root,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
    )
