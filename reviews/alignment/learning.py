"""Learn Korean word -> English word associations from pairs that translate each other (the
desk's approved 1-1 rows): the learned lexicon that lexicon.py uses beside the hand-written
one.

Each pair is a bag of Korean stems (particles taken off with reviews.korean.stem) and a bag
of English words (lower case, a plural -s taken off). A Korean stem and an English word are
associated when they occur in the same pairs far more often than chance would put them
together: Dunning's log-likelihood ratio (G2) says whether the co-occurrence is significant,
and the Dice coefficient says whether it is strong enough to count (frequent words such as
"the" co-occur with everything, significantly, but their Dice with any one stem is small).
Each stem keeps its few best English words, and an English word its few best stems, so a
frequent stem cannot collect the whole vocabulary of its topic.

Standard library only, no Django import: the management command learn_lexicon and
align_eval both call it.
"""

import math
import re
from collections import Counter

from reviews.korean import stem

HANGUL_WORD = re.compile(r"[가-힣]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]+")
MIN_KOREAN = 2
MIN_ENGLISH = 3
# Longer runs of letters are not words (and would not fit the table's columns).
MAX_WORD = 40
# A pair of words must co-occur in this many pairs: once is chance.
MIN_PAIRS = 2
# G2 above 10.83 has p < 0.001 with one degree of freedom.
MIN_LOG_LIKELIHOOD = 10.83
MIN_DICE = 0.3
# How many English words a stem keeps, and how many stems an English word may render.
KEEP_PER_KOREAN = 3
KEEP_PER_ENGLISH = 3


def korean_words(text: str) -> frozenset:
    """The Korean stems of a text, as the learned lexicon keys them."""
    return frozenset(
        noun for noun in map(stem, HANGUL_WORD.findall(text)) if MIN_KOREAN <= len(noun) <= MAX_WORD
    )


def english_word(word: str) -> str:
    """The learned lexicon's form of an English word: lower case, a plural -s taken off."""
    word = word.lower()
    if len(word) > MIN_ENGLISH + 1 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def english_words(text: str) -> frozenset:
    return frozenset(
        english_word(word)
        for word in ENGLISH_WORD.findall(text)
        if MIN_ENGLISH <= len(word) <= MAX_WORD
    )


def _xlogx(count: float) -> float:
    return count * math.log(count) if count > 0 else 0.0


def log_likelihood(both: int, korean: int, english: int, pairs: int) -> float:
    """Dunning's G2 for a 2x2 table: pairs with both words, with each, and in all."""
    korean_only = korean - both
    english_only = english - both
    neither = pairs - korean - english + both
    cells = _xlogx(both) + _xlogx(korean_only) + _xlogx(english_only) + _xlogx(neither)
    margins = _xlogx(korean) + _xlogx(pairs - korean) + _xlogx(english) + _xlogx(pairs - english)
    return 2 * (cells - margins + _xlogx(pairs))


def learn(pairs) -> dict[str, dict[str, float]]:
    """Korean stem -> {English word: Dice} from (Korean text, English text) pairs that
    translate each other."""
    bags = []
    korean_count, english_count = Counter(), Counter()
    for korean_text, english_text in pairs:
        korean, english = korean_words(korean_text), english_words(english_text)
        if korean and english:
            bags.append((korean, english))
            korean_count.update(korean)
            english_count.update(english)
    total = len(bags)
    # Words seen in fewer than MIN_PAIRS pairs cannot qualify: leaving them out of the
    # pair counts keeps those counts to a fraction of the memory on a large desk.
    both_count = Counter()
    for korean, english in bags:
        korean = [k for k in korean if korean_count[k] >= MIN_PAIRS]
        english = [e for e in english if english_count[e] >= MIN_PAIRS]
        both_count.update((k, e) for k in korean for e in english)
    candidates = []
    for (korean, english), both in both_count.items():
        if both < MIN_PAIRS:
            continue
        k, e = korean_count[korean], english_count[english]
        if both * total <= k * e:  # no more often than chance
            continue
        dice = 2 * both / (k + e)
        if dice < MIN_DICE or log_likelihood(both, k, e, total) < MIN_LOG_LIKELIHOOD:
            continue
        candidates.append((dice, korean, english))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    kept_by_korean, kept_by_english = Counter(), Counter()
    lexicon: dict[str, dict[str, float]] = {}
    for dice, korean, english in candidates:
        if (
            kept_by_korean[korean] >= KEEP_PER_KOREAN
            or kept_by_english[english] >= KEEP_PER_ENGLISH
        ):
            continue
        kept_by_korean[korean] += 1
        kept_by_english[english] += 1
        lexicon.setdefault(korean, {})[english] = round(dice, 4)
    return lexicon
