"""Split a Korean or English paragraph into sentences.

`split_sentences(text, lang)` returns the (start, end) character spans of the sentences, so
that callers can mark a sentence in the original text without re-finding it. Standard
library only, and no Django import: the aligner and the quality checks both call it.

A sentence ends at ".", "!", "?", "…" or "。" (perhaps several, perhaps followed by closing
quotes or brackets) before whitespace or the end of the text, and at a line break. The
exceptions are what a news desk's text is full of:

- abbreviations: titles ("Mr.", "Dr.") never end a sentence; other abbreviations ("U.S.",
  "Jan.", "No.", "Inc.", "p.m.") end one only before a word that usually opens a sentence
  ("the U.S. The talks" splits, "the U.S. Army" does not);
- initials ("J. K. Rowling") and decimal numbers ("3.5") do not end sentences, and a figure
  before a stop ("rose 3.5%. Wages") is no abbreviation; "No." is one only before a figure;
- the next English sentence starts with a capital, a digit or an opening quote, so
  '"Why?" he asked' and "wait... and see" are one sentence;
- a Korean quotation that closes before a quoting particle ('"좋다." 라고 말했다') and a
  Korean date written with periods ("2019. 12. 1.") are not ends either; a Korean ending
  run together with the next sentence ("열린다.이후") is one.
"""

import functools
import re

# The end of a sentence: terminators (two or more periods, else any run of them), then
# closing quotes and brackets. Curly closing quotes cannot open anything, so one set off by a
# space still closes. Written to open with its one terminator, so that re looks for the
# terminators' characters rather than trying the pattern at every position (four times
# faster); it finds what (?:\.{2,}|[.!?…。]+) at its head finds (tests/test_checks_speed.py).
SENTENCE_END = re.compile(
    r"[.!?…。](?:(?<=\.)\.+|[.!?…。]*)(?:[\"'”’»」』)\]]|\s+[”’»」』])*(?=\s|$)"
)
LINE_BREAK = re.compile(r"\n\s*")
# Korean run together without a space ("열린다.이후"): an ending, a stop, then Hangul.
KOREAN_RUN_ON = re.compile(r"(?<=[다요까죠네])[.!?](?=[가-힣])")
# "U.S.", "D.C.", "p.m.": letters and periods; "3.5%" is a figure, not an abbreviation.
DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")
OPENING = "\"'“‘«「『(["

# Titles go before a name: they never end a sentence.
TITLES = frozenset(
    ("mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gov", "gen", "lt", "col", "sgt",
     "capt", "cmdr", "adm", "maj", "pres", "rev", "fr", "mt", "ft", "messrs", "hon", "amb",
     "supt", "insp", "det", "cpl", "pvt", "vs", "v", "cf", "approx", "dept", "ave", "blvd")
)  # fmt: skip
# Abbreviations that may also close a sentence ("... of Apple Inc. The company").
ABBREVIATIONS = frozenset(
    ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
     "nos", "inc", "co", "corp", "ltd", "plc", "jr", "sr", "etc", "al", "est", "univ", "assn",
     "bros", "fig", "vol", "pp", "ed", "eds", "govt", "intl", "natl", "min", "max")
)  # fmt: skip
# Abbreviations that stand before a figure only ("No. 3"); before anything else the word.
NUMBER_SIGNS = frozenset(("no", "nos"))
# Words that usually open a sentence: after an abbreviation they mean it closed one.
SENTENCE_OPENERS = frozenset(
    ("the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its",
     "their", "our", "but", "and", "or", "so", "yet", "this", "that", "these", "those",
     "there", "here", "in", "on", "at", "for", "after", "before", "when", "while", "if",
     "as", "since", "however", "meanwhile", "still", "also", "some", "many", "most", "one",
     "no", "not", "what", "who", "why", "how", "where", "officials", "police", "then")
)  # fmt: skip
# Korean particles and verbs that follow a closed quotation ('"좋다." 라고 말했다').
# Syllables that end a Korean sentence (했다, 해요, 할까, 했죠, 하네, 하지, 하오, 하자).
KOREAN_FINAL_SYLLABLES = frozenset("다요까죠네지오자냐니")
QUOTATIVE = re.compile(r"(?:라고|이라고|하고|고\s|며|라며|라는|이라는|란|하며|는\s|등)")
# Compiled once: re.match with a pattern string looks it up in re's cache on every call,
# which costs more than the match (a few ends per sentence, for every paragraph uploaded).
NEXT_WORD = re.compile(r"[^\s]*")
HANGUL_LAST = re.compile(r"[가-힣]$")


# An upload splits each paragraph three times: the aligner counts its sentences, its second
# pass aligns them, and the checks count them again on each row (most rows are one paragraph
# of each side). The spans are a pure function of the text, so each text is split once: the
# last SPLIT_TEXTS texts of up to SPLIT_CACHED_CHARS characters are kept (a few hundred
# kilobytes for news paragraphs, at most about 4 MB), enough for both sides of an article.
SPLIT_TEXTS = 512
SPLIT_CACHED_CHARS = 2_000


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the sentences of `text`, in order, without the spaces
    between them: text[start:end] is one sentence. `lang` is "ko" or "en". Blank text has
    no sentences; text without an end is one sentence."""
    if lang not in ("ko", "en"):
        raise ValueError(f"lang must be 'ko' or 'en', not {lang!r}")
    if len(text) > SPLIT_CACHED_CHARS:
        return list(_spans(text, lang))
    # A copy, so no caller can change what the next one gets.
    return list(_cached_spans(text, lang))


def _spans(text: str, lang: str) -> tuple[tuple[int, int], ...]:
    ends = set()
    for match in SENTENCE_END.finditer(text):
        if _ends_sentence(text, match.start(), match.end(), lang):
            ends.add(match.end())
    for match in LINE_BREAK.finditer(text):
        ends.add(match.start())
    if lang == "ko":
        ends.update(match.end() for match in KOREAN_RUN_ON.finditer(text))
    spans = []
    start = 0
    for end in sorted(ends) + [len(text)]:
        span = _trimmed(text, start, end)
        if span and spans and not any(char.isalnum() for char in text[span[0] : span[1]]):
            # Stray punctuation ("... in statement. ”") belongs to the sentence before it.
            spans[-1] = (spans[-1][0], span[1])
        elif span:
            spans.append(span)
        start = end
    return tuple(spans)


_cached_spans = functools.lru_cache(maxsize=SPLIT_TEXTS)(_spans)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _ends_sentence(text: str, start: int, end: int, lang: str) -> bool:
    """Whether the terminator text[start:end] (with its closing quotes) ends a sentence."""
    rest = text[end:].lstrip()
    if not rest:
        return True
    next_word = NEXT_WORD.match(rest).group(0)
    first = next(
        (char for char in next_word if char not in OPENING), next_word[0] if next_word else ""
    )
    before = text[:start]
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip(OPENING)
    terminator = text[start:end]
    is_period = terminator[0] == "." and not terminator.startswith("..")

    if lang == "ko" and HANGUL_LAST.search(word):
        # A Korean ending: only a quoting particle right after a quote keeps it open.
        closes_quote = terminator[-1] in "\"'”’»」』"
        if closes_quote and QUOTATIVE.match(rest):
            return False
        # An ellipsis inside a Korean sentence trails off; after an ending it closes one.
        return is_period or terminator[0] not in ".…" or word[-1] in KOREAN_FINAL_SYLLABLES
    if lang == "ko" and is_period and word.isdigit():
        return False  # "2019. 12. 1.": Korean sentences end with a verb, not a figure
    if first.islower():
        return False  # "wait... and see", '"Why?" he asked', "3 p.m. local time"
    if not is_period:
        return True
    bare = word.lower().rstrip(".")
    if bare in TITLES:
        return False
    if len(bare) == 1 and bare.isalpha():
        # An initial ("J. K. Rowling"), unless a sentence opener follows ("Plan B. The").
        return next_word.lower().strip(OPENING) in SENTENCE_OPENERS
    if bare in ABBREVIATIONS or DOTTED.fullmatch(bare):
        # "Jan. 5", "No. 3": a figure after the abbreviation belongs to it.
        if first.isdigit():
            return False
        if bare in NUMBER_SIGNS or terminator[-1] in "\"'”’»":
            return True  # 'He said "no." Then': "No." is short for a number only before one
        return next_word.lower().strip(OPENING + ",") in SENTENCE_OPENERS
    return True
