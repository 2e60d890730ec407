"""Quality checks on a Korean-English row pair and on a whole document: plain functions over
strings, no Django import, so the app, `checks_eval` and the bench all call the same code.

    check_pair(source, target, glossary=..., ratio=..., reference_date=..., next_target=...)
        -> list[Finding] for one row
    check_document(rows, glossary=..., reference_date=...)
        -> (a list of findings per row, the document-wide findings)

A glossary is a list of (korean, english) or (korean, english, forbidden_variants) entries.
"""

from reviews.checks.content import ENGLISH_PER_KOREAN, check_content
from reviews.checks.findings import ERROR, KINDS, WARNING, Finding
from reviews.checks.form import (
    check_brackets,
    check_empty,
    check_hangul,
    check_punctuation,
    check_repeat,
    check_spacing,
    check_untranslated,
)
from reviews.checks.numbers import check_numbers
from reviews.checks.terms import check_consistency, check_glossary

__all__ = [
    "ERROR",
    "KINDS",
    "WARNING",
    "Finding",
    "check_document",
    "check_glossary",
    "check_pair",
    "document_ratio",
    "ratio_of",
]

# Weight, in rows, of the usual length ratio against the document's own.
RATIO_PRIOR_ROWS = 6


def check_pair(
    source: str,
    target: str,
    *,
    glossary=(),
    ratio: float | None = None,
    reference_date=None,
    next_target: str = "",
) -> list[Finding]:
    """Findings for one row: Korean `source`, English `target`. `ratio` is the document's
    English characters per Korean character; `reference_date` the article's date (to test
    a weekday against a day of the month); `next_target` the next row's English (a quotation
    may run on into it)."""
    source, target = source or "", target or ""
    if not source.strip():
        if target.strip():
            message = "The English has no Korean beside it: an added paragraph?"
            return [Finding("addition", ERROR, message, (0, len(target)), None)]
        return []
    for whole in (check_empty, check_untranslated):
        findings = whole(source, target)
        if findings:
            # Nothing else in an empty or untranslated row is worth reading.
            return findings
    content = check_content(source, target, ratio)
    numbers = check_numbers(source, target, reference_date)
    if content:
        # A figure in a dropped or added sentence is part of that finding, not another one.
        side = "source_span" if content[0].kind == "omission" else "target_span"
        numbers = [f for f in numbers if f.severity != ERROR or getattr(f, side) is None]
    return [
        *numbers,
        *check_hangul(source, target),
        *content,
        *check_glossary(source, target, glossary),
        *check_brackets(source, target, next_target),
        *check_spacing(source, target),
        *check_repeat(source, target),
        *check_punctuation(source, target),
    ]


def document_ratio(rows) -> float:
    """English characters per Korean character over the document's rows with both sides,
    pulled towards the usual ratio when there are few."""
    pairs = [(len(s.strip()), len(t.strip())) for s, t in rows if s.strip() and t.strip()]
    korean = sum(k for k, _ in pairs)
    english = sum(e for _, e in pairs)
    return ratio_of(korean, english, len(pairs))


def ratio_of(korean: int, english: int, pairs: int) -> float:
    """document_ratio from its sums: the stripped characters of each side over the `pairs`
    rows with both sides (the database can sum them without sending the rows)."""
    if not korean:
        return ENGLISH_PER_KOREAN
    own = english / korean
    return (ENGLISH_PER_KOREAN * RATIO_PRIOR_ROWS + own * pairs) / (RATIO_PRIOR_ROWS + pairs)


def check_document(rows, *, glossary=(), reference_date=None):
    """Findings for every (source, target) row, and the document-wide ones (consistency),
    each of those with the row indices it concerns in `places`."""
    rows = [(source or "", target or "") for source, target in rows]
    ratio = document_ratio(rows)
    glossary = list(glossary)
    per_row = [
        check_pair(
            source,
            target,
            glossary=glossary,
            ratio=ratio,
            reference_date=reference_date,
            next_target=rows[index + 1][1] if index + 1 < len(rows) else "",
        )
        for index, (source, target) in enumerate(rows)
    ]
    return per_row, check_consistency(rows)
