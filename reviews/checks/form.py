"""Checks on the form of the English: Hangul left in it, an empty or copied side, brackets and
quotes, spacing, repeated words and the final punctuation."""

import re

from reviews.checks import caseless
from reviews.checks.findings import ERROR, WARNING, Finding

HANGUL_RUN = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
LETTER = re.compile(r"[A-Za-z\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def check_empty(source: str, target: str) -> list[Finding]:
    if source.strip() and not target.strip():
        return [Finding("empty", ERROR, "The English is empty.", None, (0, len(source)))]
    return []


def hangul_share(text: str) -> float:
    # Most English has no Hangul at all: its share is 0 without counting its letters.
    if not HANGUL_RUN.search(text):
        return 0.0
    letters = LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if not ch.isascii()) / len(letters)


def check_untranslated(source: str, target: str) -> list[Finding]:
    squeezed_source, squeezed_target = "".join(source.split()), "".join(target.split())
    if not squeezed_target:
        return []
    if squeezed_source == squeezed_target and LETTER.search(squeezed_source):
        message = "The English is a copy of the Korean."
    elif hangul_share(target) > 0.5:
        message = "The English is mostly Korean: it looks untranslated."
    else:
        return []
    return [Finding("untranslated", ERROR, message, (0, len(target)), (0, len(source)))]


def check_hangul(source: str, target: str) -> list[Finding]:
    runs = list(HANGUL_RUN.finditer(target))
    if not runs:
        return []
    words = ", ".join(dict.fromkeys(match.group(0) for match in runs))
    return [
        Finding(
            "hangul",
            ERROR,
            f"Korean left in the English: {words}.",
            runs[0].span(),
            None,
        )
    ]


PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "「": "」", "『": "』", "《": "》", "〈": "〉"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
# The only characters unbalanced() acts on: it visits these rather than every character.
BRACKET_OR_QUOTE = re.compile("[" + re.escape("".join(PAIRS) + "".join(CLOSERS)) + '"]')


def unbalanced(text: str) -> tuple[str, int] | None:
    """The first bracket or quotation mark without its partner, and where it is."""
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    for match in BRACKET_OR_QUOTE.finditer(text):
        index, ch = match.start(), match.group()
        if ch in PAIRS:
            stack.append((ch, index))
        elif ch in CLOSERS:
            if stack and stack[-1][0] == CLOSERS[ch]:
                stack.pop()
            elif ch == "”" and straight_open is not None:
                straight_open = None
            else:
                return ch, index
        elif ch == '"':
            if stack and stack[-1][0] == "“":
                stack.pop()  # a curly quote closed with a straight one: punctuation's job
            elif straight_open is None:
                straight_open = index
            else:
                straight_open = None
    if straight_open is not None:
        return '"', straight_open
    if stack:
        return stack[0]
    # Single curly quotes double as apostrophes ("Korea’s", "leaders’"): only an opening
    # one never closed is certain.
    openings = text.count("‘")
    if openings and openings > len(re.findall(r"’(?![A-Za-z])", text)):
        return "‘", text.index("‘")
    return None


def opens_quotation(text: str) -> bool:
    """Whether a paragraph's English starts with a double quotation mark: the one thing about
    the next row that check_brackets reads."""
    return text.lstrip()[:1] in ("“", '"')


def check_brackets(source: str, target: str, next_target: str = "") -> list[Finding]:
    problem = unbalanced(target)
    if problem is None:
        return []
    mark, index = problem
    # A quotation that runs over several paragraphs is left open (or closed) in both
    # languages; in English each paragraph of it opens again. Only an imbalance the Korean
    # does not share is the translator's.
    if mark in '“”"' and unbalanced(source) is not None:
        return []
    if mark in '“"' and opens_quotation(next_target):
        return []
    return [
        Finding(
            "brackets",
            ERROR,
            f"The English has an unmatched {mark}.",
            (index, index + 1),
            None,
        )
    ]


DOUBLE_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)|\t")
SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<=\w)[ \t]+[,.;:!?](?!\.\.)(?=\s|$|[\"”’)])")
SPACE_INSIDE_BRACKETS = re.compile(r"[(\[][ \t]+|[ \t]+[)\]]")


# What each spacing pattern cannot match without: plain substring tests, much cheaper than
# the patterns' lookarounds at every character of a text that has none of them.
SPACE_OR_TAB_BEFORE_PUNCTUATION = re.compile(r"[ \t][,.;:!?]")


def may_double_space(text: str) -> bool:
    return "  " in text or "\t" in text


def may_space_before_punctuation(text: str) -> bool:
    return SPACE_OR_TAB_BEFORE_PUNCTUATION.search(text) is not None


def may_space_inside_brackets(text: str) -> bool:
    return "\t" in text or any(pair in text for pair in ("( ", "[ ", " )", " ]"))


def check_spacing(source: str, target: str) -> list[Finding]:
    findings = []
    for pattern, possible, message in (
        (DOUBLE_SPACE, may_double_space, "A double space in the English."),
        (
            SPACE_BEFORE_PUNCTUATION,
            may_space_before_punctuation,
            "A space before punctuation in the English.",
        ),
        (
            SPACE_INSIDE_BRACKETS,
            may_space_inside_brackets,
            "A space inside brackets in the English.",
        ),
    ):
        match = pattern.search(target) if possible(target) else None
        if match:
            findings.append(Finding("spacing", WARNING, message, match.span(), None))
    return findings[:1]


REPEATED_WORD = re.compile(r"\b([A-Za-z]+)[ \t]+\1\b", re.IGNORECASE)
LOWER_REPEATED_WORD = re.compile(REPEATED_WORD.pattern)  # for reviews.checks.caseless
# Repeats that English grammar allows: "had had", "that that".
ALLOWED_REPEATS = frozenset({"had", "that", "is", "bye", "very", "knock", "no", "yes"})


def check_repeat(source: str, target: str) -> list[Finding]:
    for match in caseless.finditer(LOWER_REPEATED_WORD, target):
        word = target[match.start(1) : match.end(1)]
        if word.lower() in ALLOWED_REPEATS:
            continue
        return [Finding("repeat", ERROR, f"“{word}” is repeated.", match.span(), None)]
    return []


TRAILING_CLOSERS = "\"'”’)]」』》〉 \n"


def final_mark(text: str) -> tuple[str, int]:
    """The kind of the last sentence's punctuation ('?', '!', '.', ':' or '' for none) and
    where it is, looking through closing quotes and brackets."""
    stripped = text.rstrip(TRAILING_CLOSERS)
    if not stripped:
        return "", 0
    last = stripped[-1]
    kind = {"?": "?", "？": "?", "!": "!", "！": "!", ".": ".", "。": ".", "…": ".", ":": ":"}
    return kind.get(last, ""), len(stripped) - 1


QUESTION_START = re.compile(
    r"(Who|What|When|Where|Why|How|Which|Whose|Is|Are|Was|Were|Do|Does|Did|Can|Could|Will|"
    r"Would|Should|Shall|May|Might|Must|Has|Have|Had)\b"
)


def headline_like(text: str) -> bool:
    """A headline or caption: short, or most of its words capitalised."""
    words = text.split()
    if len(words) < 6:
        return True
    capitalised = sum(1 for word in words if word[:1].isupper())
    return capitalised / len(words) > 0.6


NAMES = {"?": "a question mark", "!": "an exclamation mark", ".": "a full stop", ":": "a colon"}


def check_punctuation(source: str, target: str) -> list[Finding]:
    findings = []
    korean, _ = final_mark(source)
    english, index = final_mark(target)
    # A headline or a list item has no final mark in either language; "!" often becomes
    # "." in news English, and a colon that introduces a list may become a full stop.
    if korean == english or {korean, english} in ({"!", "."}, {":", "."}):
        pass
    elif korean and english or (english == "?" and not korean):
        message = (
            f"The Korean ends with {NAMES.get(korean, 'no final punctuation')}, the English "
            f"with {NAMES[english]}."
        )
        findings.append(Finding("punctuation", ERROR, message, (index, index + 1), None))
    elif korean == "?" and QUESTION_START.match(target.lstrip("\"“‘'( ")):
        message = "The Korean is a question; the English asks it without a question mark."
        findings.append(Finding("punctuation", ERROR, message, (index, index + 1), None))
    elif korean == "." and not english and not headline_like(target):
        message = "The English has no final punctuation."
        findings.append(Finding("punctuation", WARNING, message, (index, index + 1), None))
    # A quotation opened with a curly mark and closed with a straight one, or the reverse.
    if "“" in target and re.search(r"“[^“”\"]*\"", target):
        match = re.search(r"“[^“”\"]*\"", target)
        findings.append(
            Finding(
                "punctuation",
                WARNING,
                'A quotation opens with “ and closes with a straight ".',
                (match.end() - 1, match.end()),
                None,
            )
        )
    return findings[:1]
