"""Word-level diffs, track-changes HTML, edit rates and a three-way word merge.

Plain functions over strings; this module must not import Django.

Tokens
    A paragraph is split into tokens: words (runs of Unicode word characters, so Hangul
    eojeol such as "정부는" are single tokens; an apostrophe between word characters and a
    "." or "," between digits stay inside the word: "don't", "Korea's", "1,000.5"), runs of
    whitespace, and single other characters (punctuation, symbols). Concatenating the
    tokens gives the text back exactly.

Diffs
    ``diff_words`` uses diff-match-patch on token strings: every distinct token is mapped to
    one private character (the ``diff_linesToChars`` trick, for tokens instead of lines),
    ``diff_main`` runs on those characters with a bounded timeout, and the semantic cleanup
    is done *at token level*, before mapping back, so that no edit ever starts or ends in
    the middle of a word. (Running ``diff_cleanupSemantic`` on the mapped-back characters
    would let its overlap step turn "cat" -> "category" into "cat" + inserted "egory".)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from diff_match_patch import diff_match_patch

__all__ = [
    "DELETED_LABEL",
    "DELETED_END_LABEL",
    "DIFF_TIMEOUT_SECONDS",
    "EditRate",
    "INSERTED_LABEL",
    "INSERTED_END_LABEL",
    "MAX_PARAGRAPH_CHARS",
    "TextTooLong",
    "check_length",
    "diff_words",
    "edit_distance_words",
    "edit_rate",
    "rebase",
    "render_diff",
    "tokenize",
    "word_count",
]

DELETE, EQUAL, INSERT = -1, 0, 1

MAX_PARAGRAPH_CHARS = 10_000

# diff_main gives up refining after this long and returns a valid but coarser diff.
DIFF_TIMEOUT_SECONDS = 0.5

# Screen-reader labels (see render_diff). Visually hidden through the existing
# ``.visually-hidden`` rule in static/css/workbench.css.
DELETED_LABEL = "deleted: "
DELETED_END_LABEL = " (end deleted)"
INSERTED_LABEL = "inserted: "
INSERTED_END_LABEL = " (end inserted)"
VISUALLY_HIDDEN_CLASS = "visually-hidden"

# Combining marks are kept inside the word they decorate (decomposed "café").
_WORD_CHAR = r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_WORD = rf"{_WORD_CHAR}+(?:(?:['\u2019]|(?<=\d)[.,](?=\d)){_WORD_CHAR}+)*"
_TOKEN_RE = re.compile(
    _WORD  # word
    + r"|\s+"  # whitespace run
    r"|[^\w\s]",  # one punctuation / symbol character
)
_HAS_WORD_CHAR = re.compile(r"\w")

# Code points handed out to tokens: 1..0x10FFFF minus the surrogate block.
_SURROGATES = 0xE000 - 0xD800
MAX_DISTINCT_TOKENS = 0x10FFFF - _SURROGATES


class TextTooLong(ValueError):
    """A paragraph is longer than MAX_PARAGRAPH_CHARS. The message is meant for a person."""

    def __init__(self, length: int, limit: int = MAX_PARAGRAPH_CHARS) -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"This paragraph is {length:,} characters long; the limit is {limit:,}.")


def check_length(text: str) -> None:
    """Raise TextTooLong if ``text`` is longer than MAX_PARAGRAPH_CHARS characters."""
    if len(text) > MAX_PARAGRAPH_CHARS:
        raise TextTooLong(len(text))


# --------------------------------------------------------------------------- tokens


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace-run and single-character tokens."""
    return _TOKEN_RE.findall(text)


def _is_word(token: str) -> bool:
    return bool(_HAS_WORD_CHAR.search(token))


# The word alternative of _TOKEN_RE alone. Whitespace and punctuation tokens hold no
# _WORD_CHAR, so scanning for words finds exactly the word tokens tokenising finds.
_WORD_TOKEN_RE = re.compile(_WORD)
_COMBINING_MARK = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def word_count(text: str) -> int:
    """Number of word tokens in ``text`` (whitespace and punctuation do not count)."""
    if _COMBINING_MARK.search(text) is None:
        # Every row is counted on every insert: without combining marks each word token
        # holds a word character, so the word tokens need not be tested one by one.
        return len(_WORD_TOKEN_RE.findall(text))
    return sum(1 for token in tokenize(text) if _is_word(token))


class _TokenCodec:
    """Maps each distinct token to one character and back (shared by several texts)."""

    def __init__(self) -> None:
        self.tokens: list[str] = [""]  # code 0 unused, like diff_linesToChars
        self.codes: dict[str, str] = {}

    def encode(self, tokens: Iterable[str]) -> str:
        out = []
        for token in tokens:
            code = self.codes.get(token)
            if code is None:
                n = len(self.tokens)
                if n > MAX_DISTINCT_TOKENS:
                    raise OverflowError("too many distinct tokens")
                code = chr(n if n < 0xD800 else n + _SURROGATES)
                self.codes[token] = code
                self.tokens.append(token)
            out.append(code)
        return "".join(out)

    def token(self, code: str) -> str:
        n = ord(code)
        return self.tokens[n if n < 0xD800 else n - _SURROGATES]

    def decode(self, codes: str) -> str:
        return "".join(self.token(c) for c in codes)


class _TokenDiffer(diff_match_patch):
    """diff-match-patch working on token-encoded strings.

    Only the cosmetic "semantic lossless" step needs to know what the characters stand
    for: it slides an edit sideways to the nicest boundary, and the niceness must be
    judged on the real text at the boundary, not on the private code characters.
    """

    def __init__(self, codec: _TokenCodec, timeout: float = DIFF_TIMEOUT_SECONDS) -> None:
        super().__init__()
        self.codec = codec
        self.Diff_Timeout = timeout

    def _score(self, one: str, two: str) -> int:
        if not one or not two:
            return 6  # edges of the text are the best boundaries
        left = self.codec.token(one[-1])
        right = self.codec.token(two[0])
        char1, char2 = left[-1], right[0]
        non_alnum1 = not char1.isalnum()
        non_alnum2 = not char2.isalnum()
        space1 = non_alnum1 and char1.isspace()
        space2 = non_alnum2 and char2.isspace()
        break1 = space1 and ("\n" in left or "\r" in left)
        break2 = space2 and ("\n" in right or "\r" in right)
        if (break1 and left.count("\n") > 1) or (break2 and right.count("\n") > 1):
            return 5
        if break1 or break2:
            return 4
        if non_alnum1 and not space1 and space2:
            return 3  # end of a sentence
        if space1 or space2:
            return 2
        if non_alnum1 or non_alnum2:
            return 1
        return 0

    def diff_cleanupSemanticLossless(self, diffs):  # noqa: N802 (overrides the library)
        pointer = 1
        while pointer < len(diffs) - 1:
            if diffs[pointer - 1][0] == EQUAL and diffs[pointer + 1][0] == EQUAL:
                equality1 = diffs[pointer - 1][1]
                edit = diffs[pointer][1]
                equality2 = diffs[pointer + 1][1]
                # Slide as far left as possible, then try every position to the right.
                common = self.diff_commonSuffix(equality1, edit)
                if common:
                    shared = edit[-common:]
                    equality1 = equality1[:-common]
                    edit = shared + edit[:-common]
                    equality2 = shared + equality2
                best = (equality1, edit, equality2)
                best_score = self._score(equality1, edit) + self._score(edit, equality2)
                while edit and equality2 and edit[0] == equality2[0]:
                    equality1 += edit[0]
                    edit = edit[1:] + equality2[0]
                    equality2 = equality2[1:]
                    score = self._score(equality1, edit) + self._score(edit, equality2)
                    if score >= best_score:  # prefer trailing over leading whitespace
                        best_score = score
                        best = (equality1, edit, equality2)
                if diffs[pointer - 1][1] != best[0]:
                    if best[0]:
                        diffs[pointer - 1] = (EQUAL, best[0])
                    else:
                        del diffs[pointer - 1]
                        pointer -= 1
                    diffs[pointer] = (diffs[pointer][0], best[1])
                    if best[2]:
                        diffs[pointer + 1] = (EQUAL, best[2])
                    else:
                        del diffs[pointer + 1]
                        pointer -= 1
            pointer += 1


# --------------------------------------------------------------------------- diffs


def _normalise(ops: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop empty ops, merge neighbours with the same op, put deletions before insertions
    within each change run. Works on whole strings only (never splits or re-aligns text)."""
    out: list[tuple[int, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append((DELETE, "".join(deleted)))
            deleted.clear()
        if inserted:
            out.append((INSERT, "".join(inserted)))
            inserted.clear()

    for op, text in ops:
        if not text:
            continue
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        else:
            flush()
            if out and out[-1][0] == EQUAL:
                out[-1] = (EQUAL, out[-1][1] + text)
            else:
                out.append((EQUAL, text))
    flush()
    return out


def _char_diff(old: str, new: str) -> list[tuple[int, str]]:
    """Fallback: character-level diff with the semantic cleanup (always exact)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT_SECONDS
    ops = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(ops)
    return _normalise(ops)


def diff_words(old: str, new: str) -> list[tuple[int, str]]:
    """Word-level diff of ``old`` -> ``new`` as diff-match-patch style ``[(op, text)]``.

    ``op`` is -1 (deleted), 0 (equal) or 1 (inserted). Equal+deleted texts concatenate to
    ``old`` and equal+inserted texts to ``new``, exactly. Every edit boundary is a token
    boundary. Within a change run the deletion comes before the insertion. If diff_main
    runs out of time (DIFF_TIMEOUT_SECONDS) the diff is coarser but still exact; with more
    distinct tokens than code points (impossible within MAX_PARAGRAPH_CHARS) it falls back
    to a character-level diff.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    codec = _TokenCodec()
    try:
        old_codes = codec.encode(tokenize(old))
        new_codes = codec.encode(tokenize(new))
    except OverflowError:
        return _char_diff(old, new)
    differ = _TokenDiffer(codec)
    ops = differ.diff_main(old_codes, new_codes, False)
    differ.diff_cleanupSemantic(ops)
    return _normalise((op, codec.decode(codes)) for op, codes in ops)


def _change_runs(ops: Sequence[tuple[int, str]]) -> list[tuple[str, str]]:
    """(deleted text, inserted text) for each maximal run of non-equal ops."""
    runs: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, text in [*ops, (EQUAL, "")]:
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        elif deleted or inserted:
            runs.append(("".join(deleted), "".join(inserted)))
            deleted, inserted = [], []
    return runs


def edit_distance_words(ops: Sequence[tuple[int, str]]) -> int:
    """Words changed: for each change run, max(words deleted, words inserted).

    A replaced word counts once (not as one deletion plus one insertion); whitespace and
    punctuation tokens are not words, so a punctuation-only change counts 0.
    """
    return sum(max(word_count(d), word_count(i)) for d, i in _change_runs(ops))


class EditRate(NamedTuple):
    """Words changed, of how many, over one paragraph or many."""

    changed: int
    words: int

    @property
    def percent(self) -> float:
        return round(100 * self.changed / self.words, 1) if self.words else 0.0


def edit_rate(diffs: Iterable[Sequence[tuple[int, str]]]) -> EditRate:
    """The edit rate of one or more word diffs (one per paragraph): the only definition.

    Per diff: words changed (edit_distance_words) over the words of the larger of its two
    texts, the changed count capped at that size, so a rate never passes 100 %. Growing
    "Yes." into a six-word sentence is 5 of 6; a paragraph written from nothing is all new
    (100 %), one deleted entirely all changed. Over several diffs the counts add up, so a
    document's rate weighs each paragraph by its size. An unchanged paragraph is passed as
    one EQUAL op with its text, so that its words count too.
    """
    changed = words = 0
    for ops in diffs:
        old = "".join(text for op, text in ops if op != INSERT)
        new = "".join(text for op, text in ops if op != DELETE)
        larger = max(word_count(old), word_count(new))
        changed += min(edit_distance_words(ops), larger)
        words += larger
    return EditRate(changed, words)


# --------------------------------------------------------------------------- HTML


def render_diff(ops: Sequence[tuple[int, str]]) -> str:
    """Track-changes HTML for ``ops``.

    Equal text is escaped as is; deletions become
    ``<del class="diff-del"><span class="visually-hidden">deleted: </span>…<span
    class="visually-hidden"> (end deleted)</span></del>`` and insertions the same with
    ``<ins class="diff-ins">`` and "inserted". All text goes through
    ``html.escape(quote=True)``; the only tags are del, ins and span, and their only
    attribute is ``class``.

    Why spans rather than aria-label: screen readers mostly ignore aria-label on del/ins
    (generic, non-interactive roles) and many announce nothing at all for del/ins, so
    colour plus strike/underline would leave them with no cue. Visually hidden text is
    read everywhere. Labels are added at both ends so a listener knows where the change
    stops. Removing the ``visually-hidden`` spans gives back exactly the diff text, so
    both versions can still be rebuilt from the HTML.
    """
    parts: list[str] = []
    for op, text in ops:
        escaped = html.escape(text, quote=True)
        if op == EQUAL:
            parts.append(escaped)
        elif op == DELETE:
            parts.append(
                f'<del class="diff-del">{_hidden(DELETED_LABEL)}{escaped}'
                f"{_hidden(DELETED_END_LABEL)}</del>"
            )
        elif op == INSERT:
            parts.append(
                f'<ins class="diff-ins">{_hidden(INSERTED_LABEL)}{escaped}'
                f"{_hidden(INSERTED_END_LABEL)}</ins>"
            )
        else:
            raise ValueError(f"unknown diff op {op!r}")
    return "".join(parts)


def _hidden(label: str) -> str:
    return f'<span class="{VISUALLY_HIDDEN_CLASS}">{html.escape(label, quote=True)}</span>'


# --------------------------------------------------------------------------- rebase

# A change to the base: replace base tokens [start, end) by ``tokens`` (start == end is a
# pure insertion).
_Change = tuple[int, int, tuple[str, ...]]


def _changes(codec: _TokenCodec, base: str, other: str) -> list[_Change]:
    """Minimal token diff of base -> other, as changes in base token coordinates.

    No semantic cleanup here: the smaller each change, the fewer false conflicts.
    """
    ops = _TokenDiffer(codec).diff_main(base, other, False)
    changes: list[_Change] = []
    pos = 0
    start = None
    inserted: list[str] = []
    for op, codes in [*ops, (EQUAL, "")]:
        if op == EQUAL:
            if start is not None:
                changes.append((start, pos, tuple(inserted)))
                start, inserted = None, []
            pos += len(codes)
            continue
        if start is None:
            start = pos
        if op == DELETE:
            pos += len(codes)
        else:
            inserted.extend(codec.token(c) for c in codes)
    return changes


def _conflict(a: _Change, b: _Change) -> bool:
    """Two different changes conflict when their base ranges overlap or merely touch.

    Closed-interval test ``a.start <= b.end and b.start <= a.end``. It covers overlapping
    ranges, two insertions at the same position, an insertion at either edge of a replaced
    or deleted range, and two replaced ranges with no unchanged base token between them.
    In all those cases the order or meaning of the combined result is a guess, so the
    person has to decide. Identical changes (both sides made the same edit) never conflict.
    """
    if a == b:
        return False
    return a[0] <= b[1] and b[0] <= a[1]


def rebase(base: str, mine: str, theirs: str) -> str | None:
    """Three-way word-level merge, or None when the two sides' changes conflict.

    ``base`` is the text the author started from, ``mine`` the author's version and
    ``theirs`` the current text. Both sides' changes are computed as token ranges of
    ``base``; if every change of one side is separated from every change of the other by
    at least one unchanged base token (see _conflict), all of them are applied to ``base``
    and the result returned. Identical changes made on both sides are applied once.
    """
    if mine in (theirs, base):
        return theirs
    if theirs == base:
        return mine
    codec = _TokenCodec()
    base_tokens = tokenize(base)
    base_codes = codec.encode(base_tokens)
    mine_changes = _changes(codec, base_codes, codec.encode(tokenize(mine)))
    theirs_changes = _changes(codec, base_codes, codec.encode(tokenize(theirs)))

    for a in mine_changes:
        for b in theirs_changes:
            if b[0] > a[1]:
                break  # theirs_changes are sorted by position
            if _conflict(a, b):
                return None

    merged: list[str] = []
    pos = 0
    for start, end, tokens in sorted(set(mine_changes) | set(theirs_changes)):
        merged.extend(base_tokens[pos:start])
        merged.extend(tokens)
        pos = end
    merged.extend(base_tokens[pos:])
    return "".join(merged)
