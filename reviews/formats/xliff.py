"""XLIFF 1.2 and 2.1, written from and read into `interchange.Bilingual`.

1.2 (OASIS strict schema) is what most CAT tools import best; 2.1 keeps the 2.0 core namespace
and carries our document metadata in the Metadata module (mda), comment details in our own
namespace's attributes, both of which 2.x tools ignore safely.
"""

import re
from datetime import UTC

from lxml import etree

from . import safexml
from .errors import UnreadableFile, bare_filename
from .inline import append_text, local_name, segment_text, write_codes
from .interchange import (
    APPROVED,
    NEW,
    NOT_XML,
    PRIORITY_OF_SEVERITY,
    PROPOSED,
    TOOL,
    TOOL_VERSION,
    TRANSLATED,
    WORKBENCH_NS,
    XML_NS,
    Bilingual,
    Note,
    Unit,
    needs_preserve,
    xml_safe,
)

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
MEMOQ_NS = "MQXliff"
SPACE = f"{{{XML_NS}}}space"
# Header notes that carry our metadata in 1.2, which has no place for it otherwise.
METADATA_AUTHOR = TOOL
_LABELLED = re.compile(r"^\[([a-z]+)(?:, ([a-z]+))?\] ", re.S)
_RANK = {NEW: 0, TRANSLATED: 1, PROPOSED: 1, APPROVED: 2}

STATE_12 = {
    NEW: "new",
    TRANSLATED: "translated",
    PROPOSED: "needs-review-translation",
    APPROVED: "signed-off",
}
STATE_2 = {NEW: "initial", TRANSLATED: "translated", PROPOSED: "translated", APPROVED: "final"}


def _iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _labelled(note: Note) -> str:
    """1.2 notes have no category or severity: they lead the text, as "[accuracy, major] "."""
    label = ", ".join(part for part in (note.category or "other", note.severity) if part)
    return f"[{label}] {note.body}" if (note.category or note.severity) else note.body


# -- writing 1.2 -------------------------------------------------------------------------


def _note12(parent, note: Note, annotates: str) -> None:
    element = etree.SubElement(parent, f"{{{XLIFF12_NS}}}note")
    if note.author:
        element.set("from", xml_safe(note.author))
    element.set("priority", str(PRIORITY_OF_SEVERITY.get(note.severity, 8)))
    element.set("annotates", annotates)
    element.text = xml_safe(_labelled(note))


def write_xliff12(document: Bilingual) -> bytes:
    if not document.units:
        raise ValueError("An XLIFF file needs at least one unit.")
    x = f"{{{XLIFF12_NS}}}"
    root = etree.Element(f"{x}xliff", nsmap={None: XLIFF12_NS}, version="1.2")
    file = etree.SubElement(
        root,
        f"{x}file",
        original=xml_safe(document.doc_id or document.title or "document"),
        datatype="plaintext",
        **{"source-language": document.source_lang, "target-language": document.target_lang},
    )
    file.set("tool-id", "workbench")
    if document.title:
        file.set("product-name", xml_safe(document.title))
    if document.updated_at:
        file.set("date", _iso(document.updated_at))
    header = etree.SubElement(file, f"{x}header")
    people = [("translation", document.translator), ("review", document.editor)]
    if any(name for _, name in people):
        phases = etree.SubElement(header, f"{x}phase-group")
        for phase_name, name in people:
            if name:
                etree.SubElement(
                    phases,
                    f"{x}phase",
                    {"phase-name": phase_name, "process-name": phase_name},
                    **{"contact-name": xml_safe(name), "tool-id": "workbench"},
                )
    etree.SubElement(
        header,
        f"{x}tool",
        {"tool-id": "workbench", "tool-name": TOOL, "tool-version": TOOL_VERSION},
    )
    if document.draft:
        _note12(header, Note(body=document.draft, author=METADATA_AUTHOR), "general")
    for label, value in (
        ("Title", document.title),
        ("Stage", document.stage),
        ("Credit line", document.credit),
    ):
        if value:
            _note12(header, Note(body=f"{label}: {value}", author=METADATA_AUTHOR), "general")
    for note in document.notes:
        _note12(header, note, "general")
    body = etree.SubElement(file, f"{x}body")
    for number, unit in enumerate(document.units, start=1):
        element = etree.SubElement(body, f"{x}trans-unit", id=f"u{number}")
        status = unit.status if unit.target else NEW
        if status == APPROVED:
            element.set("approved", "yes")
        if needs_preserve(unit.source) or needs_preserve(unit.target):
            element.set(SPACE, "preserve")
        codes = {"paired": f"{x}g", "standalone": f"{x}x"}
        write_codes(etree.SubElement(element, f"{x}source"), xml_safe(unit.source), **codes)
        target = etree.SubElement(element, f"{x}target", state=STATE_12[status])
        write_codes(target, xml_safe(unit.target), **codes)
        for note in unit.notes:
            _note12(element, note, "target")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- writing 2.1 -------------------------------------------------------------------------


def _add_text(element, text: str) -> None:
    """Text into a 2.x element; characters XML cannot carry become <cp hex=".."/>."""
    position = 0
    for match in NOT_XML.finditer(text):
        append_text(element, text[position : match.start()])
        etree.SubElement(element, f"{{{XLIFF2_NS}}}cp", hex=f"{ord(match.group()):04X}")
        position = match.end()
    append_text(element, text[position:])


def _fill(element, text: str) -> None:
    """A 2.x <source>/<target>: placeholders as <pc>/<ph>, whitespace kept where it matters."""
    write_codes(
        element,
        text,
        paired=f"{{{XLIFF2_NS}}}pc",
        standalone=f"{{{XLIFF2_NS}}}ph",
        add_text=_add_text,
    )
    if needs_preserve(text):
        element.set(SPACE, "preserve")


def _notes2(parent, notes: list[Note]) -> None:
    if not notes:
        return
    container = etree.SubElement(parent, f"{{{XLIFF2_NS}}}notes")
    for note in notes:
        element = etree.SubElement(container, f"{{{XLIFF2_NS}}}note")
        if note.key:
            element.set("id", note.key)
        if note.reply_to:
            element.set(f"{{{WORKBENCH_NS}}}replyTo", note.reply_to)
        if note.category:
            element.set("category", note.category)
        element.set("priority", str(PRIORITY_OF_SEVERITY.get(note.severity, 8)))
        if note.severity:
            element.set(f"{{{WORKBENCH_NS}}}severity", note.severity)
        if note.author:
            element.set(f"{{{WORKBENCH_NS}}}author", xml_safe(note.author))
        element.text = xml_safe(note.body)


def write_xliff(document: Bilingual) -> bytes:
    """XLIFF 2.1: one <unit> with one <segment> per row; an empty target is left out."""
    if not document.units:
        raise ValueError("An XLIFF file needs at least one unit.")
    x = f"{{{XLIFF2_NS}}}"
    root = etree.Element(
        f"{x}xliff",
        nsmap={None: XLIFF2_NS, "mda": MDA_NS, "wb": WORKBENCH_NS},
        version="2.1",
        srcLang=document.source_lang,
        trgLang=document.target_lang,
    )
    file = etree.SubElement(root, f"{x}file", id="f1")
    file.set("original", xml_safe(document.doc_id or document.title or "document"))
    described = [
        ("title", document.title),
        ("stage", document.stage),
        ("draft", document.draft),
        ("translator", document.translator),
        ("editor", document.editor),
        ("credit-line", document.credit),
        ("updated-at", _iso(document.updated_at) if document.updated_at else ""),
        ("tool", f"{TOOL} {TOOL_VERSION}"),
    ]
    metadata = etree.SubElement(file, f"{{{MDA_NS}}}metadata")
    group = etree.SubElement(metadata, f"{{{MDA_NS}}}metaGroup", category="document")
    for kind, value in described:
        if value:
            etree.SubElement(group, f"{{{MDA_NS}}}meta", type=kind).text = xml_safe(value)
    _notes2(file, document.notes)
    for number, unit in enumerate(document.units, start=1):
        element = etree.SubElement(file, f"{x}unit", id=f"u{number}")
        _notes2(element, unit.notes)
        status = unit.status if unit.target else NEW
        segment = etree.SubElement(element, f"{x}segment", state=STATE_2[status])
        if status == PROPOSED:
            segment.set("subState", "workbench:proposed")
        _fill(etree.SubElement(segment, f"{x}source"), unit.source or "")
        if unit.target:
            _fill(etree.SubElement(segment, f"{x}target"), unit.target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- reading -----------------------------------------------------------------------------


def read_xliff(data: bytes, name: str) -> Bilingual:
    """A Bilingual from XLIFF 1.2 or 2.x; UnreadableFile with one sentence otherwise."""
    root = safexml.parse(data, bare_filename(name))
    shown = bare_filename(name)
    if local_name(root) != "xliff":
        raise UnreadableFile(f"{shown} is not an XLIFF file (its root is <{local_name(root)}>).")
    namespace = etree.QName(root).namespace
    if namespace == XLIFF12_NS or (namespace is None and root.get("version", "").startswith("1")):
        document = _read12(root, namespace or "")
    elif namespace == XLIFF2_NS:
        document = _read2(root)
    else:
        version = root.get("version") or "unknown"
        raise UnreadableFile(f"{shown} is XLIFF version {version}; we read 1.2 and 2.x.")
    if not document.units:
        raise UnreadableFile(f"{shown} has no translation units.")
    if not any(unit.source.strip() or unit.target.strip() for unit in document.units):
        raise UnreadableFile(f"{shown} has no text.")
    return document


def _read_note(element, *, category="", severity="", author="") -> Note | None:
    body = (element.text or "").strip()
    match = _LABELLED.match(body)
    if match and not category:
        category, severity = match.group(1), match.group(2) or ""
        body = body[match.end() :]
    if not body:
        return None
    return Note(body=body, author=author.strip(), category=category, severity=severity)


def _status12(unit, target, target_text) -> str:
    if not target_text.strip():
        return NEW
    state = target.get("state", "") if target is not None else ""
    memoq = unit.get(f"{{{MEMOQ_NS}}}status", "")
    trados = [
        seg.get("conf", "") for seg in unit.iter(f"{{{SDL_NS}}}seg") if isinstance(seg.tag, str)
    ]
    if (
        unit.get("approved") == "yes"
        or state in ("signed-off", "final")
        or memoq in ("Reviewer1Confirmed", "Reviewer2Confirmed")
        or (trados and all(conf in ("ApprovedTranslation", "ApprovedSignOff") for conf in trados))
    ):
        return APPROVED
    if state.startswith("needs-review"):
        return PROPOSED
    return TRANSLATED


def _read12(root, namespace: str) -> Bilingual:
    x = f"{{{namespace}}}" if namespace else ""
    files = root.findall(f"{x}file")
    first = files[0] if files else root
    document = Bilingual(
        title=first.get("product-name", "") or first.get("original", ""),
        units=[],
        source_lang=first.get("source-language", "ko"),
        target_lang=first.get("target-language", "") or "en",
    )
    for file in files:
        for note in file.findall(f"{x}header/{x}note"):
            author = note.get("from", "")
            if author == METADATA_AUTHOR:
                continue
            read = _read_note(note, author=author)
            if read:
                document.notes.append(read)
        for body in file.findall(f"{x}body"):
            document.units.extend(_units12(body, x))
    return document


def _unit12(element, x) -> Unit:
    target = element.find(f"{x}target")
    # Trados keeps the whole paragraph in <source> and its sentences in <seg-source>.
    source_text = segment_text(element.find(f"{x}source"))
    target_text = segment_text(target)
    notes = [
        note
        for note in (_read_note(n, author=n.get("from", "")) for n in element.findall(f"{x}note"))
        if note
    ]
    status = _status12(element, target, target_text)
    return Unit(source=source_text, target=target_text, status=status, notes=notes)


def _units12(container, x) -> list[Unit]:
    units = []
    for child in container:
        tag = local_name(child)
        if tag == "trans-unit":
            units.append(_unit12(child, x))
        elif tag == "group":
            units.extend(_group(child, _units12(child, x), f"{x}group"))
    return units


def _group(group, members: list[Unit], group_tag: str) -> list[Unit]:
    """A group of units only is one row (its units are the parts of one paragraph or of one
    merged block); a group that holds groups is read group by group."""
    if group.find(group_tag) is not None or len(members) <= 1:
        return members
    return [_merge(members)]


def _merge(members: list[Unit]) -> Unit:
    source = "\n\n".join(unit.source for unit in members if unit.source)
    target = "\n\n".join(unit.target for unit in members if unit.target)
    status = min((unit.status for unit in members), key=_RANK.__getitem__)
    if not target:
        status = NEW
    return Unit(
        source=source,
        target=target,
        status=status,
        notes=[note for unit in members for note in unit.notes],
    )


def _status2(segment, target_text) -> str:
    if not target_text.strip():
        return NEW
    state = segment.get("state", "initial")
    if state in ("final", "reviewed"):
        return APPROVED
    if segment.get("subState") == "workbench:proposed":
        return PROPOSED
    return TRANSLATED


def _notes_of2(container) -> list[Note]:
    notes = []
    for element in container.findall(f"{{{XLIFF2_NS}}}notes/{{{XLIFF2_NS}}}note"):
        if element.get("category") == "title":
            continue
        note = _read_note(
            element,
            category=element.get("category", ""),
            severity=element.get(f"{{{WORKBENCH_NS}}}severity", ""),
            author=element.get(f"{{{WORKBENCH_NS}}}author", ""),
        )
        if note:
            note.key = element.get("id", "")
            note.reply_to = element.get(f"{{{WORKBENCH_NS}}}replyTo", "")
            notes.append(note)
    return notes


def _join(pieces: list[str]) -> str:
    """Segments of one unit, in order; a space where neither side brought whitespace."""
    text = ""
    for piece in pieces:
        if text and piece and not text[-1].isspace() and not piece[0].isspace():
            text += " "
        text += piece
    return text


def _unit2(element) -> Unit:
    x = f"{{{XLIFF2_NS}}}"
    sources, targets, statuses = [], [], []
    for part in element:
        tag = local_name(part)
        if tag not in ("segment", "ignorable"):
            continue
        source = segment_text(part.find(f"{x}source"))
        target = segment_text(part.find(f"{x}target"))
        sources.append(source)
        targets.append(target)
        if tag == "segment":
            statuses.append(_status2(part, target))
    target = _join(targets)
    status = min(statuses or [NEW], key=_RANK.__getitem__) if target.strip() else NEW
    if status == NEW and target.strip():
        status = TRANSLATED
    return Unit(source=_join(sources), target=target, status=status, notes=_notes_of2(element))


def _units2(container) -> list[Unit]:
    units = []
    for child in container:
        tag = local_name(child)
        if tag == "unit":
            units.append(_unit2(child))
        elif tag == "group":
            units.extend(_group(child, _units2(child), f"{{{XLIFF2_NS}}}group"))
    return units


def _read2(root) -> Bilingual:
    files = root.findall(f"{{{XLIFF2_NS}}}file")
    document = Bilingual(
        title="",
        units=[],
        source_lang=root.get("srcLang", "ko"),
        target_lang=root.get("trgLang", "") or "en",
    )
    meta = {}
    for element in root.iterfind(f"{{{XLIFF2_NS}}}file/{{{MDA_NS}}}metadata//{{{MDA_NS}}}meta"):
        meta.setdefault(element.get("type", ""), (element.text or "").strip())
    document.title = meta.get("title", "") or (files[0].get("original", "") if files else "")
    document.stage = meta.get("stage", "")
    for file in files:
        document.notes.extend(_notes_of2(file))
        document.units.extend(_units2(file))
    return document
