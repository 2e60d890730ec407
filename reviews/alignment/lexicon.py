"""Evidence from content words: a lexicon of common news words written by hand
(lexicon.txt), each Korean noun with the English words that render it ("선거" election,
vote, poll). A link whose two sides share such a word is likelier; a word one side of the
document has and the other side never renders anywhere is evidence that its paragraph was
dropped or added, as with names (names.unheard_names).

Korean words are matched on their stems, particles taken off with reviews.korean.stem, and
inside compounds by their head or first noun ("중간선거" has "선거"). English words are
matched on a crude lemma: the word itself if the lexicon has it, else the word less a
plural or verb ending ("elections", "elected", "voting").
"""

import re
from collections import Counter
from pathlib import Path

from reviews.alignment.learning import english_word
from reviews.alignment.word_caches import word_cache
from reviews.korean import stem

LEXICON_FILE = Path(__file__).with_name("lexicon.txt")
HANGUL_WORD = re.compile(r"[가-힣]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]+")
# Shortest Korean key: one syllable is part of too many unrelated words.
MIN_KOREAN_KEY = 2
# Endings taken off an English word to find its lexicon form, with what replaces them.
ENGLISH_ENDINGS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
)


def read_lexicon(path: Path = LEXICON_FILE) -> dict[str, frozenset]:
    """Korean key -> the English words that render it, from a file of lines
    "korean english english ..." ("#" starts a comment line)."""
    lexicon = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        korean, english = fields[0], fields[1:]
        if len(korean) < MIN_KOREAN_KEY or not english or not HANGUL_WORD.fullmatch(korean):
            raise ValueError(f"{path}, line {number}: expected a Korean word and English words")
        lexicon[korean] = lexicon.get(korean, frozenset()) | {word.lower() for word in english}
    return lexicon


KOREAN_TO_ENGLISH = read_lexicon()
ENGLISH_TO_KOREAN: dict[str, frozenset] = {}
for _korean, _words in KOREAN_TO_ENGLISH.items():
    for _word in _words:
        ENGLISH_TO_KOREAN[_word] = ENGLISH_TO_KOREAN.get(_word, frozenset()) | {_korean}
LONGEST_KOREAN_KEY = max(map(len, KOREAN_TO_ENGLISH))


@word_cache
def korean_keys_of_word(word: str) -> frozenset:
    """The lexicon keys of one Hangul word: its stem, or the stem's head or first noun
    when it is a compound."""
    noun = stem(word)
    if noun in KOREAN_TO_ENGLISH:
        return frozenset((noun,))
    found = set()
    for size in range(MIN_KOREAN_KEY, min(len(noun), LONGEST_KOREAN_KEY + 1)):
        for part in (noun[:size], noun[-size:]):
            if part in KOREAN_TO_ENGLISH:
                found.add(part)
    return frozenset(found)


@word_cache
def english_lemma(word: str) -> str:
    """The lexicon's form of an English word (lower case), or "" if it has none."""
    word = word.lower()
    if word in ENGLISH_TO_KOREAN:
        return word
    for ending, replacement in ENGLISH_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[: -len(ending)]
            for candidate in (base + replacement, base[:-1] if base[-1] == base[-2] else ""):
                if candidate in ENGLISH_TO_KOREAN:
                    return candidate
    return ""


def korean_terms(text: str) -> frozenset:
    """The lexicon keys of a Korean text."""
    keys = set()
    for word in HANGUL_WORD.findall(text):
        keys |= korean_keys_of_word(word)
    return frozenset(keys)


def english_terms(text: str) -> frozenset:
    """The lexicon words (lemmas) of an English text."""
    return frozenset(filter(None, map(english_lemma, ENGLISH_WORD.findall(text))))


def rendered_keys(english_lemmas: frozenset) -> frozenset:
    """The Korean keys that some of these English words render."""
    keys = set()
    for lemma in english_lemmas:
        keys |= ENGLISH_TO_KOREAN[lemma]
    return frozenset(keys)


def unrendered_terms(korean_text: str, english_text: str) -> frozenset:
    """The lexicon words of one side of a document that the other side never renders: the
    Korean keys none of whose English words the English has, and the English lemmas none
    of whose Korean keys the Korean has (one set: Hangul and Latin never clash)."""
    korean = korean_terms(korean_text)
    english = english_terms(english_text)
    korean_heard = rendered_keys(english)
    unrendered = {key for key in korean if key not in korean_heard}
    unrendered.update(lemma for lemma in english if not ENGLISH_TO_KOREAN[lemma] & korean)
    return frozenset(unrendered)


def confined_terms(unrendered: frozenset, paragraphs) -> frozenset:
    """The unrendered terms found in only one paragraph of their side (`paragraphs` holds
    the features of both sides). A paragraph the translator added, or dropped, takes its
    words with it; a word the other side never renders that recurs across several
    paragraphs says rather that the translator renders it in a way the lexicon lacks
    ("rally" as 집회 where it knows 시위), since those paragraphs were seldom all added.
    Such a word is evidence against none of them."""
    paragraphs_with = Counter(term for p in paragraphs for term in p.terms & unrendered)
    return frozenset(term for term in unrendered if paragraphs_with[term] == 1)


# The learned lexicon (learning.py, from the desk's approved rows): Korean stem -> English
# words, and back. Empty until use_learned is called; the app loads it from the table
# reviews_learnedterm (reviews/learned_lexicon.py), align_eval from a gold file.
LEARNED_KOREAN: dict[str, frozenset] = {}
LEARNED_ENGLISH: dict[str, frozenset] = {}
learned_version = None


def use_learned(lexicon: dict, version=None) -> None:
    """Use these learned associations (Korean stem -> English words) from now on, in place
    of any learned before; `version` says which build they are (None: none). The two maps
    are replaced, not changed in place, so an alignment running in another thread reads
    either the old ones or the new."""
    global LEARNED_KOREAN, LEARNED_ENGLISH, learned_version
    korean = {key: frozenset(words) for key, words in lexicon.items() if words}
    english: dict[str, frozenset] = {}
    for key, words in korean.items():
        for word in words:
            english[word] = english.get(word, frozenset()) | {key}
    LEARNED_KOREAN, LEARNED_ENGLISH, learned_version = korean, english, version


_korean_stem = word_cache(stem)
_english_form = word_cache(english_word)


def korean_concepts(text: str, terms: frozenset) -> frozenset:
    """The concepts a Korean text shows: its hand-written lexicon keys (`terms`) and its
    stems the learned lexicon has."""
    if not LEARNED_KOREAN:
        return terms
    learned = set(map(_korean_stem, HANGUL_WORD.findall(text)))
    learned.intersection_update(LEARNED_KOREAN)
    return terms | learned if learned else terms


def english_concepts(text: str, terms: frozenset) -> frozenset:
    """The Korean keys an English text renders: by the hand-written lexicon (from its
    lemmas, `terms`) and by the learned one."""
    rendered = rendered_keys(terms)
    if not LEARNED_ENGLISH:
        return rendered
    learned = set()
    for word in ENGLISH_WORD.findall(text):
        keys = LEARNED_ENGLISH.get(_english_form(word))
        if keys:
            learned |= keys
    return rendered | learned if learned else rendered
