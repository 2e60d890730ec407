"""HTML: paragraphs from the block elements of a page, and a standalone page for export."""

import html
import re

import lxml.html
from lxml import etree

from reviews.cleaning import clean_text

from .errors import UnreadableFile
from .text import clean_paragraph, split_plain

# Elements whose text is a paragraph of their own.
PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "td",
        "th",
        "dt",
        "dd",
        "figcaption",
        "caption",
        "pre",
    }
)
# Elements that separate text but are not paragraphs themselves.
BOUNDARY_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "body",
        "dl",
        "div",
        "fieldset",
        "figure",
        "footer",
        "header",
        "hr",
        "main",
        "ol",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
# Never article text.
IGNORED_TAGS = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
        "button",
        "select",
        "textarea",
    }
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BREAK = "\n"


def read_html(text: str, name: str) -> list[str]:
    # lxml refuses a str that still declares an encoding; the bytes are already decoded.
    text = clean_text(_XML_DECLARATION.sub("", text))
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, recover=True
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise UnreadableFile(f"{name} could not be read as HTML.") from error
    for element in list(root.iter(*IGNORED_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(root.xpath("//*[@hidden]")):
        if element.getparent() is not None:
            element.drop_tree()

    has_paragraphs = next(root.iter(*PARAGRAPH_TAGS), None) is not None
    walker = _Walker(collect_everything=not has_paragraphs)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    if not has_paragraphs:
        return split_plain("".join(walker.loose))
    return walker.paragraphs


class _Walker:
    """Walks the tree in document order. With paragraph elements present, text inside them is
    collected, each nested paragraph element flushing the one around it; without any, all the
    text is collected with newlines at block boundaries and split like plain text."""

    def __init__(self, collect_everything: bool):
        self.collect_everything = collect_everything
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []
        self.loose: list[str] = []
        self.depth = 0

    def add(self, text):
        if not text:
            return
        if self.collect_everything:
            self.loose.append(text)
        elif self.depth:
            self.buffer.append(text)

    def flush(self):
        if self.collect_everything:
            self.loose.append("\n\n")
            return
        # Two line breaks in a row inside one paragraph element separate paragraphs.
        for piece in re.split(r"\n[^\S\n]*\n", "".join(self.buffer)):
            if cleaned := clean_paragraph(piece):
                self.paragraphs.append(cleaned)
        self.buffer.clear()

    def walk(self, element):
        tag = element.tag if isinstance(element.tag, str) else ""
        paragraph = tag in PARAGRAPH_TAGS
        boundary = paragraph or tag in BOUNDARY_TAGS
        if boundary:
            self.flush()
        if tag == "br":
            self.add(_BREAK)
        if paragraph:
            self.depth += 1
        self.add(element.text)
        for child in element:
            self.walk(child)
            self.add(child.tail)
        if paragraph:
            self.depth -= 1
        if boundary:
            self.flush()


def write_html(title: str, paragraphs: list[str], credit: str, *, draft="", author="") -> bytes:
    def esc(text):
        return html.escape(text, quote=True)

    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(f'{draft}: {title}' if draft else title)}</title>",
    ]
    if author:
        lines.append(f'<meta name="author" content="{esc(author)}">')
    lines += ["</head>", "<body>", "<article>"]
    if draft:
        lines.append(f'<p class="draft"><strong>{esc(draft)}</strong></p>')
    if title:
        lines.append(f"<h1>{esc(title)}</h1>")
    lines.extend(f"<p>{esc(paragraph)}</p>" for paragraph in paragraphs)
    if credit:
        lines.append(f'<p class="credit">{esc(credit)}</p>')
    lines += ["</article>", "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")
