"""Case-insensitive matching without re.IGNORECASE, where it gives the same matches faster.

Python's re tries every alternative of an IGNORECASE alternation in full at each word ("two",
"three", ... "tenths" at every word of a paragraph); a case-sensitive one skips an alternative
on its first letter. A pattern whose letters are all lower-case ASCII finds, case-sensitively
in `lowered(text)`, exactly the spans IGNORECASE finds in `text`: IGNORECASE folds four
characters to an ASCII letter (İ and ı to i, ſ to s, the Kelvin sign K to k), which `lowered`
replaces by that letter first, and for every other character `str.lower()` keeps the length,
whether it is ASCII and whether it is a word character (tests/test_checks_speed.py checks this
over every code point), so the spans and word boundaries are the same. Callers take what they
show from `text` by span, and what they look up (a number's word) from the match, which is
then always plain ASCII.
"""

import functools

# What IGNORECASE matches each of them with: one ASCII letter, so lengths stay the same.
FOLDED = "\u0130\u0131\u017f\u212a"
ASCII_FOLDS = str.maketrans(FOLDED, "iisk")


# Three patterns (spelled-out numbers, vague amounts, repeated words) read each row's English
# in turn: it is lowered once. str.translate looks every character up in a dict, costlier
# than the lowering itself, and the four characters it replaces are almost never there.
@functools.lru_cache(maxsize=4)
def lowered(text: str) -> str:
    """`text` in lower case, as a lower-case pattern must see it to match as IGNORECASE does."""
    if any(char in text for char in FOLDED):
        text = text.translate(ASCII_FOLDS)
    return text.lower()


def finditer(lower_pattern, text: str):
    """The matches IGNORECASE would find in `text`, of `lower_pattern` (the same pattern, all
    lower case, case-sensitive) in `lowered(text)`: same spans, groups from the lowered text."""
    return lower_pattern.finditer(lowered(text))
