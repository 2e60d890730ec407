"""Plain text and Markdown: bytes -> text (encoding detection) -> paragraphs, and back."""

import codecs
import re
import unicodedata

import charset_normalizer

from reviews.cleaning import clean_text

from .errors import UnreadableFile

_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
# Share of characters that may be control, unassigned or private-use before we call it binary.
_MAX_ODD_SHARE = 0.01


def binary_error(name: str) -> UnreadableFile:
    return UnreadableFile(f"{name} looks like a binary file, not text.")


def decode_text(data: bytes, name: str) -> str:
    """Decode uploaded text: UTF-8 (BOM or not), UTF-16 (BOM, or BOM-less when the zero bytes
    make the byte order obvious), CP949/EUC-KR, then whatever charset-normalizer is sure of."""
    return decode_text_naming_encoding(data, name)[0]


def decode_text_naming_encoding(data: bytes, name: str) -> tuple[str, str]:
    """decode_text, and the name of the encoding it found, as a person reads it ("CP949")."""
    text = encoding = None
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8"), "UTF-8 (with BOM)"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16"), "UTF-16"
    elif b"\x00" in data:
        # Valid UTF-8 never needs NUL; text with NULs is UTF-16 without a BOM or not text at all.
        text, encoding = _bomless_utf16(data), "UTF-16 (no BOM)"
        if text is None:
            raise binary_error(name)
    if text is None:
        text, encoding = _strict(data, "utf-8"), "UTF-8"
    if text is None:
        text, encoding = _strict(data, "cp949"), "CP949 (EUC-KR)"
        if text is not None and not _plausible_korean(text):
            text = None
    if text is None:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise binary_error(name)
        text, encoding = str(best), best.encoding.upper()
    if _looks_binary(text):
        raise binary_error(name)
    return text, encoding


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (spaces, digits, punctuation) put their zero byte
    on one side only. Require that pattern clearly before trusting it."""
    if len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    units = len(data) // 2
    # A Hangul syllable such as U+B300 has a zero byte of its own, so the other side need not
    # be free of zeros, only much rarer.
    if odd >= units * 0.1 and even * 4 <= odd:
        return _strict(data, "utf-16-le")
    if even >= units * 0.1 and odd * 4 <= even:
        return _strict(data, "utf-16-be")
    return None


def _plausible_korean(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    hangul = _HANGUL_SYLLABLE.findall(text)
    if len(hangul) < len(non_ascii) * 0.5:
        return False
    # Korean text keeps almost entirely to the 2,350 common syllables EUC-KR can encode. Bytes
    # of another legacy encoding read as CP949 land in the rare syllables CP949 added ("didn\x92t"
    # in Windows-1252 becomes "didn뭪").
    rare = sum(1 for syllable in hangul if not _common_syllable(syllable))
    return rare <= len(hangul) * 0.2


def _common_syllable(char: str) -> bool:
    """In KS X 1001 (the EUC-KR set): both CP949 bytes are 0xA1 or above. (Python's euc-kr
    codec cannot answer this: it spells rare syllables as eight-byte jamo sequences.)"""
    lead, trail = char.encode("cp949")
    return lead >= 0xA1 and trail >= 0xA1


_LINE_CONTROLS = re.compile("[\t\n\r\f\v]")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    odd = text.count("\ufffd")
    # Every character of the odd categories is unprintable: text that is all printable but
    # for its line controls (most text) has none, found without a loop over it in Python.
    if not _LINE_CONTROLS.sub("", text).isprintable():
        for char in text:
            if char in "\t\n\r\f\v" or char.isprintable():
                continue
            if unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}:
                odd += 1
    return odd > len(text) * _MAX_ODD_SHARE


def clean_paragraph(text: str) -> str:
    """One paragraph on one line: lines joined with a space, runs of spaces collapsed."""
    return _HORIZONTAL_SPACE.sub(" ", text.replace("\n", " ")).strip()


def split_plain(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; text without any blank line has one paragraph
    per line. Hard-wrapped lines inside a paragraph are joined with a space, which is also
    right for Korean (words are separated by spaces)."""
    text = clean_text(text).strip()
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    return [p for p in (clean_paragraph(block) for block in blocks) if p]


# -- Markdown ---------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+")

_ESCAPABLE = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_ESCAPE = re.compile(rf"\\([{_ESCAPABLE}])")
_PROTECTED = re.compile("[\ue000-\ue07f]")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # <https://...>
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
]


def strip_inline_markdown(text: str) -> str:
    # Escaped characters ("\*") are moved out of the way first so they are never read as syntax.
    protect = not _PROTECTED.search(text)
    if protect:
        text = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    if protect:
        return _PROTECTED.sub(lambda m: chr(ord(m.group(0)) - 0xE000), text)
    return _ESCAPE.sub(r"\1", text)


def split_markdown(text: str) -> list[str]:
    """Markdown to paragraphs: headings, list items and block quotes lose their markers and a
    heading or list item is always its own paragraph; rules and code fences are dropped."""
    text = clean_text(text).strip()
    one_per_line = not _BLANK_LINE.search(text)
    paragraphs: list[str] = []
    block: list[str] = []
    in_code = False

    def flush(markdown=True):
        joined = clean_paragraph(" ".join(block))
        if markdown:
            joined = clean_paragraph(strip_inline_markdown(joined))
        if joined:
            paragraphs.append(joined)
        block.clear()

    for line in text.split("\n"):
        if _FENCE.match(line):
            flush(markdown=not in_code)
            in_code = not in_code
            continue
        if in_code:
            block.append(line)
            continue
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        if not line.strip() or _RULE.match(line) or (_SETEXT_H1.match(line) and block):
            flush()
            continue
        if _LINK_DEFINITION.match(line):
            continue
        if heading := _HEADING.match(line):
            flush()
            block.append(heading.group(1) or "")
            flush()
            continue
        if item := _LIST_ITEM.match(line):
            flush()
            line = item.group(1)
        block.append(line)
        if one_per_line:
            flush()
    flush(markdown=not in_code)
    return paragraphs


# -- Writing ----------------------------------------------------------------------------------

_MD_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^([#>+=|-])")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def escape_markdown(text: str) -> str:
    """Text that renders as itself: inline markers escaped everywhere, block markers at the
    start of the line (each paragraph is written on one line)."""
    text = _MD_INLINE_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LINE_START.sub(r"\\\1", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


def write_txt(title: str, paragraphs: list[str], credit: str, *, draft="", author="") -> bytes:
    blocks = [b for b in [draft, title, *paragraphs, credit] if b]
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def write_md(title: str, paragraphs: list[str], credit: str, *, draft="", author="") -> bytes:
    blocks = [escape_markdown(p) for p in paragraphs]
    if title:
        blocks.insert(0, "# " + escape_markdown(title))
    if draft:
        blocks.insert(0, "**" + escape_markdown(draft) + "**")
    if credit:
        blocks.append("*" + escape_markdown(credit) + "*")
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
