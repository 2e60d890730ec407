"""Case-insensitive matching without re.IGNORECASE, where it gives the same matches faster.

Python's re tries every alternative of an IGNORECASE alternation in full at each word ("two",
"three", ... "tenths" at every word of a paragraph); a case-sensitive one skips an alternative
on its first letter. A pattern whose letters are all lower-case ASCII finds, case-sensitively
in `text.lower()`, exactly the spans IGNORECASE finds in `text`, unless the text has one of the
four characters IGNORECASE folds to an ASCII letter (İ, ı, ſ and the Kelvin sign K): for every
other character `str.lower()` keeps the length, whether it is ASCII and whether it is a word
character (tests/test_checks_speed.py checks this over every code point), so the spans and
word boundaries are the same.
"""

import re

FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """`text` in lower case for a lower-case pattern, or None when IGNORECASE must be used."""
    if FOLDS_TO_ASCII.search(text):
        return None
    return text.lower()


def finditer(pattern: re.Pattern, lower_pattern: re.Pattern, text: str):
    """pattern.finditer(text), with `pattern` IGNORECASE and `lower_pattern` the same pattern
    case-sensitive. The matches' spans are the same; their groups are those of the lowered
    text, so callers take what they show from `text` by span."""
    folded = lowered(text)
    if folded is None:
        return pattern.finditer(text)
    return lower_pattern.finditer(folded)
