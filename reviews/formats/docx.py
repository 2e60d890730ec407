"""Word (.docx): checked as a zip archive before python-docx sees it, then read in body order.

About XML safety: before python-docx opens anything, every part it could parse as XML (each
.rels part, [Content_Types].xml, every part with an XML content type, every part named .xml,
whatever its case) is parsed by `safexml.parse`, which refuses any document type declaration
in whatever encoding the part is written. Word itself never writes one. python-docx then
parses the same parts with `resolve_entities=False` (docx/oxml/parser.py in python-docx 1.2),
so even without the first check neither external entities nor entity expansion could happen.
"""

import functools
import gc
import io
import posixpath
import re
import zipfile
from datetime import UTC, datetime

from lxml import etree

from reviews.cleaning import clean_text

from . import safexml
from .errors import UnreadableFile
from .text import clean_paragraph

MAX_ENTRIES = 2000
MAX_TOTAL_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
# Ratios are only meaningful for parts big enough to matter: a 2 KB part of repeated
# whitespace can compress 200:1 in a perfectly ordinary document.
RATIO_APPLIES_ABOVE = 1024 * 1024
CONTENT_TYPES = "[Content_Types].xml"
REQUIRED_PARTS = (CONTENT_TYPES, "word/document.xml")
# What a written .docx says made it (core and extended properties), not python-docx.
APPLICATION = "Workbench"
_EXTENDED_PROPERTIES = "docProps/app.xml"
_EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def frees_documents(function):
    """Run `function`, which makes python-docx Documents, and free them before returning.

    A Document's package and parts refer to each other, so dropping it frees nothing until the
    cyclic collector's next full pass; the collector sees only its few Python objects, not the
    ~5 MB of parsed XML behind them (the template's styles part alone), and may wait a long
    time: a gunicorn worker exporting .docx grew by 40 MB in 15 requests
    (bench/worker_memory.py). A full collection right after frees it; with the startup objects
    frozen (workbench/wsgi.py) it walks only what was made since, well under a millisecond.
    """

    @functools.wraps(function)
    def freeing(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            gc.collect()

    return freeing


@frees_documents
def read_docx(data: bytes, name: str) -> list[str]:
    # python-docx (about 8 MB with its classes) is imported by the requests that need it.
    import docx

    check_archive(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_block_texts(document))
    except Exception as error:  # python-docx raises many kinds for damaged files
        raise _invalid(name) from error
    return [p for p in (clean_paragraph(clean_text(text)) for text in paragraphs) if p]


def _block_texts(container):
    """Paragraph texts in body order; tables row by row, each cell's paragraphs in order,
    merged cells once."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            # A merged cell appears once per grid column it spans. The set holds the elements
            # themselves (not ids): lxml reuses a live proxy, and ids of dead ones get recycled.
            seen = set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    yield from _block_texts(cell)


def _invalid(name: str) -> UnreadableFile:
    return UnreadableFile(f"{name} is not a valid Word document.")


def check_archive(data: bytes, name: str) -> None:
    """Refuse zip bombs and damaged archives using only the central directory's declared sizes
    (zipfile never returns more than an entry's declared size, so these numbers bind)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise _invalid(name) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UnreadableFile(
                f"{name} has too many parts ({len(entries)}) to be an ordinary Word document."
            )
        names = set()
        total = 0
        total_compressed = 0
        for entry in entries:
            if _unsafe_name(entry.filename) or entry.filename in names:
                raise _invalid(name)
            names.add(entry.filename)
            if entry.flag_bits & 0x1:
                raise UnreadableFile(f"{name} is encrypted and cannot be read.")
            total += entry.file_size
            total_compressed += entry.compress_size
            if entry.file_size > RATIO_APPLIES_ABOVE and (
                entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
            ):
                raise _too_large(name)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _too_large(name)
        if total > RATIO_APPLIES_ABOVE and total > MAX_RATIO * max(total_compressed, 1):
            raise _too_large(name)
        if any(part not in names for part in REQUIRED_PARTS):
            raise _invalid(name)
        try:
            check_xml_parts(archive, entries, name)
        except UnreadableFile:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
            raise _invalid(name) from e
        except NotImplementedError as error:  # an unsupported compression method
            raise _invalid(name) from error


def check_xml_parts(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], name: str) -> None:
    """Parse every part python-docx could parse as XML with the DTD-refusing parser. Which
    parts those are comes from [Content_Types].xml, looked up the way python-docx looks
    (part names and extensions without regard to case), plus every .xml and .rels name."""
    types_entry = archive.getinfo(CONTENT_TYPES)
    content_types = safexml.parse(_read_part(archive, types_entry), f"{name} ({CONTENT_TYPES})")
    overrides = {
        element.get("PartName", "").lower(): element.get("ContentType", "")
        for element in content_types.iter(f"{_CT}Override")
    }
    defaults = {
        element.get("Extension", "").lower(): element.get("ContentType", "")
        for element in content_types.iter(f"{_CT}Default")
    }
    for entry in entries:
        if entry.filename == CONTENT_TYPES or entry.is_dir():
            continue
        lowered = entry.filename.lower()
        extension = lowered.rsplit(".", 1)[-1] if "." in lowered.rsplit("/", 1)[-1] else ""
        content_type = overrides.get("/" + lowered, defaults.get(extension, "")).lower()
        # Images (an SVG included) are kept as bytes by python-docx, never parsed.
        xml_type = content_type.endswith("xml") and not content_type.startswith("image/")
        if xml_type or lowered.endswith((".xml", ".rels")):
            safexml.parse(_read_part(archive, entry), f"{name} ({entry.filename})")


def _read_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, never more than its declared size: a single bounded read keeps an
    entry that hides its real size from being inflated whole (ZipFile.read would be)."""
    with archive.open(entry) as stream:
        return stream.read(entry.file_size)


def _too_large(name: str) -> UnreadableFile:
    return UnreadableFile(
        f"{name} expands to more than {MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB or is "
        "compressed suspiciously well, so it was not opened."
    )


def _unsafe_name(filename: str) -> bool:
    path = filename.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or "\x00" in path:
        return True
    return ".." in path.split("/") or posixpath.isabs(path)


# python-docx refuses a core property (title, author) longer than this, and a title may hold 300
# characters: the property gets the start, the heading in the body keeps the whole title.
MAX_PROPERTY_CHARS = 255


def core_property(text: str) -> str:
    return text[:MAX_PROPERTY_CHARS]


@frees_documents
def write_docx(title: str, paragraphs: list[str], credit: str, *, draft="", author="") -> bytes:
    import docx

    document = docx.Document()
    now = datetime.now(UTC).replace(microsecond=0)
    properties = document.core_properties
    properties.title = core_property(title)
    properties.author = core_property(author)
    properties.last_modified_by = APPLICATION
    properties.comments = draft  # the template says "generated by python-docx"
    properties.content_status = "Draft" if draft else "Final"
    properties.language = "en"
    properties.created = properties.modified = now
    properties.revision = 1
    if draft:
        document.add_paragraph().add_run(draft).bold = True
    if title:
        document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if credit:
        document.add_paragraph().add_run(credit).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_application(buffer.getvalue())


def _with_application(data: bytes) -> bytes:
    """python-docx copies its template's extended properties ("Microsoft Macintosh Word",
    a page count of an empty page); the file says it was written by Workbench instead."""
    source = zipfile.ZipFile(io.BytesIO(data))
    properties = etree.Element(f"{{{_EXTENDED_NS}}}Properties", nsmap={None: _EXTENDED_NS})
    etree.SubElement(properties, f"{{{_EXTENDED_NS}}}Application").text = APPLICATION
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == _EXTENDED_PROPERTIES:
                content = etree.tostring(
                    properties, xml_declaration=True, encoding="UTF-8", standalone=True
                )
            target.writestr(entry, content)
    return out.getvalue()
