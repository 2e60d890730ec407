"""Omission and addition: a sentence or clause missing from the English, or added to it.

A length ratio alone raises too many false alarms on real news (translators compress and
expand), so a finding needs the length to be off against the document's own ratio *and*
something carried by one side only: a sentence more, figures, Latin-script names or a
quotation. Only a very large gap in length counts alone. The thresholds were measured on
real news pairs (bench/checks_real.py): see bench/checks.md. Which sentence is missing or
added is the sentence aligner's answer (`reviews.alignment.sentences.unmatched_sentences`),
the same one the row's mark shows.
"""

import math
import re

from reviews.alignment.sentences import unmatched_sentences
from reviews.checks.findings import ERROR, WARNING, Finding
from reviews.checks.numbers import (
    english_quantities,
    english_weekdays,
    korean_quantities,
    same_value,
)
from reviews.sentences import split_sentences

# English characters per Korean character in news, spaces counted; the document's own
# ratio replaces it when known.
ENGLISH_PER_KOREAN = 2.2
# log(actual / expected length) beyond which the length is suspicious, and beyond which it
# is enough on its own; wider when the document's own ratio is not known. A quotation
# missing from one side is evidence enough for a smaller gap (QUOTE_GAP).
SUSPICIOUS, DECISIVE = 0.3, 0.7
SUSPICIOUS_ALONE, DECISIVE_ALONE = 0.35, 0.8
QUOTE_GAP = 0.15
SHORT_KOREAN = 30
# Texts this short (in Korean characters) vary too much in length to judge by it.
MIN_KOREAN_LENGTH = 12


def quotation_count(text: str, single: bool = False) -> int:
    """Quoted passages: curly or corner-bracket openings, or pairs of straight quotes. Single
    quotes mark emphasis in Korean as often as a quotation, so they count only when asked."""
    marks = "“「『‘" if single else "“「『"
    return sum(text.count(mark) for mark in marks) + text.count('"') // 2


LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&.-]*[A-Za-z0-9]|[A-Z]")


def sentences(text: str, lang: str) -> list[tuple[int, int]]:
    return split_sentences(text, lang) or [(0, len(text))]


def one_sided(source: str, target: str) -> tuple[list[str], list[str]]:
    """What only the Korean carries, and what only the English carries: firm figures,
    Latin-script names and quotations."""
    korean, english = korean_quantities(source), english_quantities(target)
    # "12일" read as "Thursday" is news style, not a dropped figure.
    weekday = bool(english_weekdays(target))
    only_korean = [
        q.text
        for q in korean
        if q.firm
        and not (q.day_of_month and weekday)
        and not any(same_value(q, e) for e in english)
    ]
    only_english = [q.text for q in english if q.firm and not any(same_value(q, k) for k in korean)]
    if only_korean and only_english:
        # A figure changed, not one dropped or added: the number check's business.
        only_korean, only_english = [], []
    target_lower = target.lower()
    for name in LATIN_NAME.findall(source):
        if len(name) > 1 and name.lower() not in target_lower:
            only_korean.append(name)
    # A quotation the other side has none of may have become indirect speech ("He vowed
    # to win"); one dropped while others stay is a passage gone.
    korean_quotes, english_quotes = quotation_count(source), quotation_count(target)
    if korean_quotes > quotation_count(target, single=True) and english_quotes:
        only_korean.append("a quotation")
    if english_quotes > quotation_count(source, single=True) and korean_quotes:
        only_english.append("a quotation")
    return only_korean, only_english


def check_content(source: str, target: str, ratio: float | None = None) -> list[Finding]:
    # Spans are found in the stripped texts and given back in the texts as they were.
    source_lead = len(source) - len(source.lstrip())
    target_lead = len(target) - len(target.lstrip())
    source, target = source.strip(), target.strip()
    if len(source) < MIN_KOREAN_LENGTH or not target:
        return []
    suspicious, decisive = (SUSPICIOUS, DECISIVE) if ratio else (SUSPICIOUS_ALONE, DECISIVE_ALONE)
    if len(source) < SHORT_KOREAN:
        # A short line's length varies most: "50대 A씨" becomes "a man in his 50s, ...".
        suspicious, decisive = suspicious + 0.1, decisive + 0.3
    expected = (ratio or ENGLISH_PER_KOREAN) * len(source)
    gap = math.log(len(target) / expected)
    if -QUOTE_GAP <= gap <= QUOTE_GAP:
        # Every finding needs at least this gap: most rows are not read further.
        return []
    share = len(target) / expected
    korean_sentences = len(sentences(source, "ko"))
    english_sentences = len(sentences(target, "en"))
    only_korean, only_english = one_sided(source, target)
    if gap < -QUOTE_GAP:
        reasons = []
        if korean_sentences > english_sentences:
            reasons.append(f"{korean_sentences} Korean sentences, {english_sentences} in English")
        if only_korean:
            reasons.append("only the Korean has " + ", ".join(dict.fromkeys(only_korean)))
        # A quotation dropped while others stay is an omission even in a short gap.
        quoted = "a quotation" in only_korean
        if (reasons and gap < -suspicious) or gap < -decisive or quoted:
            # The mark in the row: the first Korean sentence the sentence aligner finds
            # nothing for in the English.
            dropped = unmatched_sentences(source, target)[0]
            span = dropped[0] if dropped else None
            where = f"; perhaps “{source[slice(*span)]}”" if span else ""
            return [
                Finding(
                    "omission",
                    ERROR if reasons else WARNING,
                    f"The English is {share:.0%} of the length this Korean usually takes"
                    + (f" ({'; '.join(reasons)})" if reasons else "")
                    + f": something may be missing{where}.",
                    None,
                    _shifted(span or (0, len(source)), source_lead),
                )
            ]
    if gap > QUOTE_GAP:
        reasons = []
        if english_sentences > korean_sentences:
            reasons.append(f"{english_sentences} English sentences, {korean_sentences} in Korean")
        if only_english:
            reasons.append("only the English has " + ", ".join(dict.fromkeys(only_english)))
        quoted = "a quotation" in only_english
        if (reasons and gap > suspicious) or gap > decisive or quoted:
            added = unmatched_sentences(source, target)[1]
            span = added[0] if added else None
            return [
                Finding(
                    "addition",
                    ERROR if reasons else WARNING,
                    f"The English is {share:.0%} of the length this Korean usually takes"
                    + (f" ({'; '.join(reasons)})" if reasons else "")
                    + ": something may have been added.",
                    _shifted(span or (0, len(target)), target_lead),
                    None,
                )
            ]
    return []


def _shifted(span: tuple[int, int], offset: int) -> tuple[int, int]:
    return (span[0] + offset, span[1] + offset)
