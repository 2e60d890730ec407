"""Glossary terms marked in the Korean of the document page, English on hover and on focus.

Cost: a page must not try every term on every row. A term starts a word, or is long enough to
be found inside a compound (reviews/korean.py), so the candidates in a row are found word by
word: each word's prefixes (and, from the third syllable on, its inner pieces) are looked up in a
dict of the Korean terms (a term with a space or a hyphen is looked up by its first word;
the rare term that starts with punctuation, "(주)", is tried on every row). That is a few
dict lookups per word, whatever the glossary's size; only the few candidates found are
handed to `reviews.korean.find_term`, which judges particles. (A regular expression of all
the terms, even shaped as a trie, costs time per term: Python's regex engine tries a
group's alternatives one by one.) The dicts are built once per glossary version and kept
per process; bench/glossary.py measures it.
"""

import re
import threading
from dataclasses import dataclass, field

from django.db import connection

from reviews import korean
from reviews.models import GlossaryTerm

WORD = re.compile(r"\w+")


@dataclass
class TermMatcher:
    version: tuple
    # Korean term -> the English renderings the glossary approves for it.
    english: dict = field(default_factory=dict)
    # First word -> the terms of several words (or with punctuation) that start with it.
    phrases: dict = field(default_factory=dict)
    longest_word: int = 0
    # The rare terms that start with no word character ("(주)"), tried on every row.
    unusual: list = field(default_factory=list)

    def candidates(self, text):
        """Terms that start a word of the text, or sit inside a compound when they are long
        enough to be found there (korean.COMPOUND_TERM_LENGTH), for find_term to judge."""
        found = set()
        for match in WORD.finditer(text):
            word = match.group()
            for start in range(len(word)):
                shortest = 1 if start == 0 else korean.COMPOUND_TERM_LENGTH
                for cut in range(start + shortest, min(len(word), start + self.longest_word) + 1):
                    if word[start:cut] in self.english:
                        found.add(word[start:cut])
            # A phrase starts with this word, or with its end when it is found in compounds.
            for start in range(len(word)):
                for phrase in self.phrases.get(word[start:], ()):
                    if text.startswith(phrase, match.start() + start):
                        found.add(phrase)
        found.update(term for term in self.unusual if term in text)
        return found

    def spans(self, text):
        """Non-overlapping (start, end, korean term) found in text, longer terms first."""
        if not self.english or not text:
            return []
        spans = sorted(
            (
                (start, end, term)
                for term in self.candidates(text)
                for start, end in korean.find_term(text, term)
            ),
            key=lambda span: (span[0], span[0] - span[1]),
        )
        kept, reached = [], 0
        for start, end, term in spans:
            if start >= reached:
                kept.append((start, end, term))
                reached = end
        return kept


def build_matcher(version, terms):
    english, phrases, longest, unusual = {}, {}, 0, []
    for term_korean, term_english in terms:
        english.setdefault(term_korean, []).append(term_english)
    for term_korean in english:
        first = WORD.match(term_korean)
        if first is None:
            unusual.append(term_korean)
        elif first.end() == len(term_korean):
            longest = max(longest, len(term_korean))
        else:
            phrases.setdefault(first.group(), []).append(term_korean)
    return TermMatcher(version, english, phrases, longest, unusual)


_cache = {"matcher": None}
_lock = threading.Lock()


# Also read, as two scalar subqueries, by a write's checks (reviews/rechecking.py's
# NEIGHBOURS_AND_LENGTHS_SQL): a change here is made there too.
GLOSSARY_VERSION_SQL = "SELECT MAX(id), MAX(created_at) FROM reviews_glossarychange"


def glossary_version():
    """The latest change to the glossary. Its time as well as its id, because an id can come
    back after a rolled-back transaction.

    Plain SQL, as in reviews/progress.py: every document page and row asks it, and the ORM's
    aggregate costs about 0.4 ms of CPU to build and compile, this 0.05. The version is only
    compared and hashed into cache keys, so the time stays as the database driver gives it
    (a datetime from PostgreSQL, text from SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(GLOSSARY_VERSION_SQL)
        return tuple(cursor.fetchone())


def term_matcher(version=None):
    """The matcher for the glossary as it is now: one small query when nothing changed.
    `version`: glossary_version() as this request has already read it (a write's checks),
    so it is not read twice; never one kept from an earlier request."""
    if version is None:
        version = glossary_version()
    matcher = _cache["matcher"]
    if matcher is not None and matcher.version == version:
        return matcher
    with _lock:
        terms = GlossaryTerm.objects.order_by().values_list("korean", "english")
        matcher = build_matcher(version, terms)
        _cache["matcher"] = matcher
    return matcher
