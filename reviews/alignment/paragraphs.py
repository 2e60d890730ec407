"""The features of a paragraph that the link costs compare: length, sentence count, anchors
(numbers and dates), Latin-script words, quotation marks and the sounds of names."""

import re
from typing import NamedTuple

from reviews.alignment.lexicon import (
    english_concepts,
    english_terms,
    korean_concepts,
    korean_terms,
)
from reviews.alignment.names import (
    CAPITALISED_WORD,
    HANGUL_WORD,
    MIN_NAME_SKELETON,
    english_skeleton,
    hangul_skeleton,
)
from reviews.alignment.numbers import (
    ENGLISH_MONTHS,
    ENGLISH_WEEKDAYS,
    LATIN_WORD,
    _english_keys,
    _korean_keys,
)
from reviews.alignment.units import english_measures
from reviews.sentences import split_sentences

# A switch for measuring what the conversion of measures adds (units.py).
UNITS = True


class Paragraph(NamedTuple):
    length: int
    sentences: int
    anchors: frozenset  # numbers, months and weekdays, as "n:5", "m:3", "w:mon"
    firm: frozenset  # the anchors a translation nearly always keeps
    words: frozenset  # Latin-script words, lower case
    quoted: bool
    sounds: frozenset  # consonant skeletons: of Hangul words, or of English names
    terms: frozenset = frozenset()  # lexicon words: Korean keys, or English lemmas
    concepts: frozenset = frozenset()  # the Korean keys of those words, on both sides


DOUBLE_QUOTES = re.compile(r"[\"“”«»「」『』]")


def korean_paragraph(text: str) -> Paragraph:
    anchors, firm = _korean_keys(text)
    terms = korean_terms(text)
    return Paragraph(
        length=len(text.strip()),
        sentences=max(1, len(split_sentences(text, "ko"))),
        anchors=anchors,
        firm=firm,
        words=frozenset(w.lower() for w in LATIN_WORD.findall(text) if len(w) > 1),
        quoted=bool(DOUBLE_QUOTES.search(text)),
        sounds=frozenset(
            skeleton
            for skeleton in map(hangul_skeleton, HANGUL_WORD.findall(text))
            if len(skeleton) >= MIN_NAME_SKELETON - 1
        ),
        terms=terms,
        concepts=korean_concepts(text, terms),
    )


def english_paragraph(text: str, common_words: frozenset = frozenset()) -> Paragraph:
    """Features of an English paragraph. A capitalised word counts as a name unless it also
    appears in lower case in `common_words` (the document's), as "The" and "But" do."""
    anchors, firm = _english_keys(text)
    if UNITS:
        converted, measured = english_measures(text)
        anchors, firm = anchors | converted, firm - measured
    terms = english_terms(text)
    return Paragraph(
        length=len(text.strip()),
        sentences=max(1, len(split_sentences(text, "en"))),
        anchors=anchors,
        firm=firm,
        words=frozenset(w.lower() for w in LATIN_WORD.findall(text)),
        quoted=bool(DOUBLE_QUOTES.search(text)),
        sounds=frozenset(
            skeleton
            for word in CAPITALISED_WORD.findall(text)
            if word.lower() not in common_words
            and len(skeleton := english_skeleton(word)) >= MIN_NAME_SKELETON
        ),
        terms=terms,
        concepts=english_concepts(text, terms),
    )


def english_names(texts: list[str], common_words: frozenset) -> dict:
    """The names of an English document, as english_paragraph finds them: each skeleton
    with the words it came from."""
    names = {}
    for text in texts:
        for match in CAPITALISED_WORD.finditer(text):
            word = match.group()
            before = text[: match.start()].rstrip()
            # A capital after a sentence's end may be any word; days and months are
            # anchors, weighed as such.
            opens_sentence = not before or before[-1] in ".!?\"'“‘:—-("
            if (
                word.lower() not in common_words
                and not opens_sentence
                and word.lower() not in ENGLISH_WEEKDAYS
                and word.lower() not in ENGLISH_MONTHS
            ):
                skeleton = english_skeleton(word)
                if len(skeleton) >= MIN_NAME_SKELETON:
                    names.setdefault(skeleton, set()).add(word)
    return names
