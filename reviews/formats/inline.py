"""Inline markup of XLIFF and TMX segments as plain-text placeholders.

Formatting codes (bold, links, line breaks, fields) come as elements inside a segment. The
workbench edits plain text, so each code becomes a short placeholder the translator can see and
move: `{1}` opens, `{/1}` closes, `{2/}` stands alone. Nothing is dropped: the text inside paired
codes stays, and the native code that <bpt>, <ept> and <ph> carry is represented by its
placeholder.
"""

import itertools
import re

from .interchange import XML_NS

# Codes whose content is text to translate, kept between an opening and a closing placeholder.
_PAIRED = {"g", "pc", "mrk", "hi", "sub"}
# Codes that open or close a span and whose content, if any, is native code.
_OPENING = {"bx", "bpt", "sc", "sm"}
_CLOSING = {"ex", "ept", "ec", "em"}
_IDENTITY = re.compile(r"[^\w.:-]")


def local_name(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def preserves_space(element) -> bool:
    """xml:space is inherited: the nearest ancestor that says anything decides."""
    for node in [element, *element.iterancestors()]:
        value = node.get(f"{{{XML_NS}}}space")
        if value is not None:
            return value == "preserve"
    return False


def _identity(element, counter, *names) -> str:
    for name in names:
        value = element.get(name)
        if value:
            return _IDENTITY.sub("", value)[:24] or str(next(counter))
    return str(next(counter))


def _code(child, counter) -> str:
    tag = local_name(child)
    if tag == "cp":
        try:
            code_point = int(child.get("hex", ""), 16)
            char = chr(code_point)
        except (ValueError, OverflowError):
            return "\ufffd"
        # A NUL cannot be stored; every other code point XLIFF escapes can.
        return "\ufffd" if code_point == 0 else char
    if tag == "mrk" and child.get("mtype") == "seg":
        # Trados marks sentence segments with <mrk mtype="seg">: structure, not formatting.
        return _content(child, counter)
    if tag in _CLOSING:
        return "{/" + _identity(child, counter, "startRef", "rid", "i", "id", "x") + "}"
    if tag in _OPENING:
        return "{" + _identity(child, counter, "id", "rid", "i", "x") + "}"
    if tag == "it":
        ident = _identity(child, counter, "id", "rid", "x")
        closes = child.get("pos") in ("close", "end")
        return "{/" + ident + "}" if closes else "{" + ident + "}"
    if tag in _PAIRED:
        ident = _identity(child, counter, "id", "mid", "x", "i")
        return "{" + ident + "}" + _content(child, counter) + "{/" + ident + "}"
    if tag in ("x", "ph", "ut"):
        return "{" + _identity(child, counter, "id", "x", "i") + "/}"
    # An element no format here defines: mark where it was and keep any text it holds.
    ident = _identity(child, counter, "id") if child.get("id") else tag or "code"
    inner = _content(child, counter)
    return "{" + ident + "}" + inner + "{/" + ident + "}" if inner else "{" + ident + "/}"


def _content(element, counter) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_code(child, counter))
        parts.append(child.tail or "")
    return "".join(parts)


def segment_text(element) -> str:
    """The text of a <source>, <target> or <seg> with its codes as placeholders; whitespace
    collapsed unless xml:space="preserve" says it matters."""
    if element is None:
        return ""
    text = _content(element, itertools.count(1))
    if preserves_space(element):
        return text
    return " ".join(text.split())
