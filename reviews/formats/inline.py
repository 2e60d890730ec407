"""Inline markup of XLIFF and TMX segments as plain-text placeholders.

Formatting codes (bold, links, line breaks, fields) come as elements inside a segment. The
workbench edits plain text, so each code becomes a short placeholder the translator can see and
move: `{1}` opens, `{/1}` closes, `{2/}` stands alone. Nothing is dropped: the text inside paired
codes stays, and the native code that <bpt>, <ept> and <ph> carry is represented by its
placeholder.
"""

import itertools
import re

from lxml import etree

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


_PLACEHOLDER = re.compile(r"\{(/?)([\w.:-]{1,24})(/?)\}")


def placeholder_tokens(text: str):
    """The text as [("text", s) | ("open", id) | ("close", id) | ("standalone", id)] when its
    placeholders nest properly and each id is used once, else None (then it is plain text:
    "{a}" in prose is not a code)."""
    tokens, stack, seen = [], [], set()
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        closing, ident, alone = match.group(1), match.group(2), match.group(3)
        if closing and alone:
            return None
        if match.start() > position:
            tokens.append(("text", text[position : match.start()]))
        position = match.end()
        if closing:
            if not stack or stack.pop() != ident:
                return None
            tokens.append(("close", ident))
            continue
        if ident in seen:
            return None
        seen.add(ident)
        if alone:
            tokens.append(("standalone", ident))
        else:
            stack.append(ident)
            tokens.append(("open", ident))
    if stack or not seen:
        return None
    if position < len(text):
        tokens.append(("text", text[position:]))
    return tokens


def append_text(element, text: str) -> None:
    """Text after the element's last child (or as its text when it has none)."""
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def write_codes(element, text: str, *, paired: str, standalone: str, add_text=append_text):
    """Placeholders back into codes (`paired` around their content, `standalone` alone), so a
    file that came in with codes goes out with them; plain text stays plain."""
    tokens = placeholder_tokens(text)
    if tokens is None:
        add_text(element, text)
        return
    open_elements = [element]
    for kind, value in tokens:
        if kind == "text":
            add_text(open_elements[-1], value)
        elif kind == "open":
            open_elements.append(etree.SubElement(open_elements[-1], paired, id=value))
        elif kind == "close":
            open_elements.pop()
        else:
            etree.SubElement(open_elements[-1], standalone, id=value)
