"""Text as people give it (files, pasted text, edits, titles, comments, credit lines), cleaned
once, the same way everywhere, so that whatever the app stores every export can carry.

A plain function over strings with no Django import: reviews.formats uses it for imports and
exports, the services (editing, comments, workflow, importing) for what people type.
"""

import re
import unicodedata

# Characters that end a line in some editor or platform. Word puts a vertical tab where a
# person pressed Shift+Enter, and that is how "\x0b" reaches a pasted paragraph.
_LINE_BREAK = re.compile("\r\n?|[\v\f\x1c-\x1e\x85\u2028]")
_PARAGRAPH_SEPARATOR = "\u2029"
# Control characters (C0 but tab and newline, DEL, C1), lone surrogates, Unicode's
# noncharacters (U+FDD0..U+FDEF and the last two code points of every plane: XML cannot carry
# U+FFFE or U+FFFF at all), and zero-width characters that only get in the way of comparing and
# aligning text. The zero-width joiner and non-joiner stay: emoji and some scripts need them.
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNWANTED = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}"
    "\u200b\u2060\ufeff\u180e]"
)


def clean_text(text: str) -> str:
    """Line breaks as "\\n", no control characters (tab and newline stay), no lone surrogates
    or noncharacters, no zero-width spaces, NFC. Emoji and combining marks are kept."""
    text = _LINE_BREAK.sub("\n", text).replace(_PARAGRAPH_SEPARATOR, "\n\n")
    return unicodedata.normalize("NFC", _UNWANTED.sub("", text))


def clean_line(text: str) -> str:
    """A one-line field (a title, a credit line): cleaned, whitespace runs as one space."""
    return " ".join(clean_text(text).split())
