"""Reading uploaded or pasted text into paragraphs, and writing documents out.

Plain functions over bytes and strings; nothing here imports Django.
"""

import re

from reviews.cleaning import clean_line

from .docx import read_docx, write_docx
from .errors import UnreadableFile, bare_filename
from .html import read_html, write_html
from .text import (
    decode_text_naming_encoding,
    split_markdown,
    split_plain,
    write_md,
    write_txt,
)
from .tmx import read_tmx, write_tmx
from .xliff import read_xliff, write_xliff, write_xliff12

__all__ = [
    "EXPORT_FORMATS",
    "UnreadableFile",
    "bare_filename",
    "read_pasted",
    "read_tmx",
    "read_upload",
    "read_upload_naming_encoding",
    "too_large",
    "read_xliff",
    "write_export",
    "write_tmx",
    "write_xliff",
    "write_xliff12",
]

ACCEPTED = ".txt, .md, .docx or .html"

_TEXT_READERS = {
    "txt": lambda text, name: split_plain(text),
    "md": lambda text, name: split_markdown(text),
    "markdown": lambda text, name: split_markdown(text),
    "html": read_html,
    "htm": read_html,
}


def read_upload(data: bytes, filename: str, *, max_bytes: int) -> list[str]:
    """Paragraphs of an uploaded file, chosen by its extension; UnreadableFile otherwise.
    `max_bytes` is the caller's WORKBENCH_MAX_UPLOAD_BYTES: the setting is the one source."""
    return read_upload_naming_encoding(data, filename, max_bytes=max_bytes)[0]


def read_upload_naming_encoding(
    data: bytes, filename: str, *, max_bytes: int
) -> tuple[list[str], str]:
    """read_upload, and the encoding found, for the upload's preview."""
    name = bare_filename(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != "docx" and extension not in _TEXT_READERS:
        raise UnreadableFile(f"{name} is not a file type we can read; upload {ACCEPTED}.")
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    if not data:
        raise UnreadableFile(f"{name} has no text.")
    if extension == "docx":
        # A .docx holds its text as XML in UTF-8 (or UTF-16), which the reader decodes.
        paragraphs, encoding = read_docx(data, name), "Word document (XML inside)"
    else:
        text, encoding = decode_text_naming_encoding(data, name)
        paragraphs = _TEXT_READERS[extension](text, name)
    if not paragraphs:
        raise UnreadableFile(f"{name} has no text.")
    return paragraphs, encoding


def too_large(name: str, max_bytes: int) -> UnreadableFile:
    """The refusal of a file over the size cap, the same whether the file was read or cut off."""
    return UnreadableFile(f"{name} is larger than the {max_bytes / 1024 / 1024:g} MB limit.")


def read_pasted(text: str) -> list[str]:
    """Paragraphs of pasted text: split on blank lines, or one per line if there are none."""
    paragraphs = split_plain(text or "")
    if not paragraphs:
        raise UnreadableFile("The pasted text is empty.")
    return paragraphs


EXPORT_FORMATS = {
    "txt": ("text/plain; charset=utf-8", "txt"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "html": ("text/html; charset=utf-8", "html"),
}

_WRITERS = {"txt": write_txt, "md": write_md, "docx": write_docx, "html": write_html}
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def write_export(
    fmt: str, title: str, paragraphs: list[str], credit: str, *, draft: str = "", author: str = ""
) -> bytes:
    """The final English as a file. A merged row (paragraphs separated by a blank line) is
    written as separate paragraphs; a single line break inside a paragraph becomes a space.
    Text is cleaned on the way out too, so text stored before cleaning existed still exports.
    The title is written once: a first paragraph that repeats it is left out. `draft`, when
    given, is a notice written above everything ("Draft, not approved: reviewing"); `author`
    goes into the file's properties where the format has them."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        known = ", ".join(sorted(_WRITERS))
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {known}.") from None
    title = clean_line(title or "")
    pieces = [
        line
        for paragraph in paragraphs
        for line in map(clean_line, _BLANK_LINE.split(paragraph or ""))
        if line
    ]
    # An article's first row is usually its headline, which is also the document's title.
    if pieces and title and pieces[0].casefold() == title.casefold():
        pieces = pieces[1:]
    return writer(
        title, pieces, clean_line(credit or ""), draft=clean_line(draft), author=clean_line(author)
    )
