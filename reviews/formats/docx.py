"""Word (.docx): checked as a zip archive before python-docx sees it, then read in body order.

About XML safety: python-docx parses every part with
`lxml.etree.XMLParser(remove_blank_text=True, resolve_entities=False)` (docx/oxml/parser.py and
docx/opc/oxml.py in python-docx 1.2). lxml's defaults leave `load_dtd=False` and
`no_network=True`, and `resolve_entities=False` keeps entity references unexpanded, so neither
external entities nor "billion laughs" expansion can happen there. Word itself never writes a
document type declaration, so as a second line of defence any XML part that declares one is
refused before parsing (`_check_prolog`).
"""

import io
import posixpath
import re
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from reviews.cleaning import clean_text

from .errors import UnreadableFile
from .text import clean_paragraph

MAX_ENTRIES = 2000
MAX_TOTAL_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
# Ratios are only meaningful for parts big enough to matter: a 2 KB part of repeated
# whitespace can compress 200:1 in a perfectly ordinary document.
RATIO_APPLIES_ABOVE = 1024 * 1024
# How far into an XML part a document type declaration is looked for (it can only appear
# before the root element, which in real files starts within the first few hundred bytes).
PROLOG_SCAN_BYTES = 64 * 1024
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")

_DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(r"<[A-Za-z_]")
_PROLOG_NOISE = re.compile(r"<\?.*?\?>|<!--.*?-->", re.DOTALL)


def read_docx(data: bytes, name: str) -> list[str]:
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
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    _check_prolog(archive, entry, name)
        except UnreadableFile:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
            raise _invalid(name) from e
        except NotImplementedError as error:  # an unsupported compression method
            raise _invalid(name) from error


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


def _check_prolog(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
    with archive.open(entry) as stream:
        head = stream.read(PROLOG_SCAN_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        encoding = (
            "utf-16-be" if head.startswith(b"\xfe\xff") or head[:1] == b"\x00" else "utf-16-le"
        )
        text = head.decode(encoding, errors="ignore")
    else:
        text = head.decode("latin-1")
    prolog = _PROLOG_NOISE.sub("", text)
    root = _ROOT_START.search(prolog)
    prolog = prolog[: root.start()] if root else prolog
    if _DECLARATION.search(prolog):
        raise UnreadableFile(
            f"{name} contains a document type declaration, which Word never writes, "
            "so it was not opened."
        )
    if not root and len(head) == PROLOG_SCAN_BYTES:
        raise _invalid(name)


def write_docx(title: str, paragraphs: list[str], credit: str) -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = "en"
    if title:
        document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if credit:
        document.add_paragraph().add_run(credit).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
