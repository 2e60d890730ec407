"""Glossary terms marked in the Korean of the document page, English on hover and on focus.

Cost: a page must not try every term on every row. The glossary is compiled once per
version into one regular expression shaped as a trie of all the Korean terms, so one pass
over a row finds the candidate terms in time that grows with the row's length, not with the
glossary. Only the few candidates found are handed to `reviews.korean.find_term`, which
judges word starts and particles. The compiled matcher is kept per process and rebuilt when
the glossary's version (its latest change) moves on; bench/glossary.py measures it.
"""

import html
import re
import threading
from dataclasses import dataclass, field

from django.db.models import Max

from reviews import korean
from reviews.models import GlossaryChange, GlossaryTerm


@dataclass
class TermMatcher:
    version: tuple
    # Korean term -> the English renderings the glossary approves for it.
    english: dict = field(default_factory=dict)
    pattern: re.Pattern | None = None

    def spans(self, text):
        """Non-overlapping (start, end, korean term) found in text, longer terms first."""
        if self.pattern is None or not text:
            return []
        candidates = set()
        for match in self.pattern.finditer(text):
            found = match.group(1)
            # The trie gives the longest term starting here; shorter terms it contains start
            # here too (북한 inside 북한군).
            candidates.update(
                found[:cut] for cut in range(1, len(found)) if found[:cut] in self.english
            )
            candidates.add(found)
        spans = sorted(
            (
                (start, end, term)
                for term in candidates
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

    def render(self, text, id_prefix):
        """The text as HTML with each term in a focusable span whose tooltip gives the
        English; everything is escaped."""
        parts, position = [], 0
        for number, (start, end, term) in enumerate(self.spans(text)):
            tip_id = f"{id_prefix}-{number}"
            english = "; ".join(self.english[term])
            parts.append(html.escape(text[position:start]))
            parts.append(
                f'<span class="term" tabindex="0" aria-describedby="{tip_id}">'
                f"{html.escape(text[start:end])}"
                f'<span class="term-tip" role="tooltip" id="{tip_id}">{html.escape(english)}'
                "</span></span>"
            )
            position = end
        parts.append(html.escape(text[position:]))
        return "".join(parts)


def trie_pattern(words):
    """One regular expression matching any of `words`, built as a trie so matching at a
    position costs the length of the longest word there, not the number of words."""
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def expression(node):
        branches = [re.escape(char) + expression(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return expression(trie)


def build_matcher(version, terms):
    english = {}
    for term_korean, term_english in terms:
        english.setdefault(term_korean, []).append(term_english)
    if not english:
        return TermMatcher(version)
    # A lookahead, so overlapping candidates (a term starting inside another) are all seen.
    pattern = re.compile(f"(?=({trie_pattern(sorted(english))}))")
    return TermMatcher(version, english, pattern)


_cache = {"matcher": None}
_lock = threading.Lock()


def glossary_version():
    """The latest change to the glossary. Its time as well as its id, because an id can come
    back after a rolled-back transaction."""
    latest = GlossaryChange.objects.aggregate(pk=Max("pk"), at=Max("created_at"))
    return (latest["pk"], latest["at"])


def term_matcher():
    """The matcher for the glossary as it is now: one small query when nothing changed."""
    version = glossary_version()
    matcher = _cache["matcher"]
    if matcher is not None and matcher.version == version:
        return matcher
    with _lock:
        terms = GlossaryTerm.objects.order_by().values_list("korean", "english")
        matcher = build_matcher(version, terms)
        _cache["matcher"] = matcher
    return matcher
