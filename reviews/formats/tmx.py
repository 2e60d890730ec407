"""TMX 1.4b: approved pairs out to other translation memories, and their pairs in."""

from datetime import UTC, datetime

from lxml import etree

from . import safexml
from .errors import UnreadableFile, bare_filename
from .inline import local_name, segment_text
from .interchange import TOOL, TOOL_VERSION, XML_NS, MemoryPair, xml_safe

LANG = f"{{{XML_NS}}}lang"
TITLE_PROP = "x-document-title"
DRAFT_PROP = "x-draft"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def _date(moment) -> str:
    return moment.astimezone(UTC).strftime(DATE_FORMAT)


def write_tmx(
    pairs: list[MemoryPair],
    *,
    title: str = "",
    source_lang: str = "ko",
    creation_tool: str = TOOL,
    draft: str = "",
) -> bytes:
    """One <tu> per pair with both sides present (a pair with an empty side teaches a memory
    nothing); `title` names the one document the file comes from, if it is one."""
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        creationtool=creation_tool,
        creationtoolversion=TOOL_VERSION,
        datatype="plaintext",
        segtype="paragraph",
        adminlang="en",
        srclang=source_lang,
        **{"o-tmf": TOOL},
        creationdate=_date(datetime.now(UTC)),
    )
    if title:
        etree.SubElement(header, "prop", type=TITLE_PROP).text = xml_safe(title)
    if draft:
        etree.SubElement(header, "prop", type=DRAFT_PROP).text = xml_safe(draft)
    body = etree.SubElement(root, "body")
    number = 0
    for pair in pairs:
        source, target = xml_safe(pair.source), xml_safe(pair.target)
        if not source.strip() or not target.strip():
            continue
        number += 1
        tu = etree.SubElement(body, "tu", tuid=str(number))
        for attribute, value in (
            ("creationid", pair.creation_id),
            ("creationdate", _date(pair.creation_date) if pair.creation_date else ""),
            ("changeid", pair.change_id),
            ("changedate", _date(pair.change_date) if pair.change_date else ""),
        ):
            if value:
                tu.set(attribute, xml_safe(value))
        if pair.title:
            etree.SubElement(tu, "prop", type=TITLE_PROP).text = xml_safe(pair.title)
        for lang, text in ((pair.source_lang, source), (pair.target_lang, target)):
            tuv = etree.SubElement(tu, "tuv", {LANG: lang})
            seg = etree.SubElement(tuv, "seg")
            seg.text = text
    return etree.tostring(
        root,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
    )


def _parse_date(value: str | None):
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _lang(tuv) -> str:
    # TMX 1.1 wrote `lang`; 1.4 writes xml:lang.
    return (tuv.get(LANG) or tuv.get("lang") or "").strip()


def _same_language(a: str, b: str) -> bool:
    """ "ko" matches "ko-KR": memories mix region subtags freely."""
    return a.lower().split("-")[0] == b.lower().split("-")[0]


def read_tmx(data: bytes, name: str) -> list[MemoryPair]:
    """Every (source, other language) pair of every <tu>; the source language is the header's
    srclang (or the tu's), or the first variant when it says *all*."""
    root = safexml.parse(data, bare_filename(name), bare_doctype="tmx")
    shown = bare_filename(name)
    if local_name(root) != "tmx":
        raise UnreadableFile(f"{shown} is not a TMX file (its root is <{local_name(root)}>).")
    header = root.find("header")
    header_lang = header.get("srclang", "") if header is not None else ""
    pairs = []
    for tu in root.iterfind("body/tu"):
        variants = [(_lang(tuv), segment_text(tuv.find("seg"))) for tuv in tu.iterfind("tuv")]
        variants = [(lang, text) for lang, text in variants if lang and text.strip()]
        if len(variants) < 2:
            continue
        source_lang = tu.get("srclang") or header_lang
        if not source_lang or source_lang.lower() == "*all*":
            source_lang = variants[0][0]
        sources = [(lang, text) for lang, text in variants if _same_language(lang, source_lang)]
        if not sources:
            continue
        title = next(
            (
                (prop.text or "").strip()
                for prop in tu.iterfind("prop")
                if prop.get("type") == TITLE_PROP
            ),
            "",
        )
        for lang, text in variants:
            if _same_language(lang, source_lang):
                continue
            pairs.append(
                MemoryPair(
                    source=sources[0][1],
                    target=text,
                    source_lang=sources[0][0],
                    target_lang=lang,
                    creation_id=tu.get("creationid", ""),
                    creation_date=_parse_date(tu.get("creationdate")),
                    change_id=tu.get("changeid", ""),
                    change_date=_parse_date(tu.get("changedate")),
                    title=title,
                )
            )
    if not pairs:
        raise UnreadableFile(f"{shown} has no translation units with two languages.")
    return pairs
