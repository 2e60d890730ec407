"""The quiet mark on a sentence of a row that has no counterpart on the other side.

The omission check stores the Korean sentence the sentence aligner found nothing for as its
finding's `source_span`, the addition check the English sentence with no Korean as its
`target_span` (reviews/checks/content.py). The row draws those spans from the stored
findings, so a page view never aligns sentences: everything here is derived from a
Paragraph's own fields. A finding about the whole text (no one sentence to point at) draws
no sentence mark. Plain functions, no query; every piece of text is escaped here.
"""

from html import escape

NO_ENGLISH = "No English for this sentence"
NO_KOREAN = "No Korean for this sentence"


def unmatched_spans(paragraph, side: str) -> list[tuple[int, int]]:
    """The spans, in the row's Korean (`side` "source") or English ("target"), of the
    sentences its open omission or addition findings point at, sorted and merged."""
    kind, key = ("omission", "source_span") if side == "source" else ("addition", "target_span")
    text = paragraph.source if side == "source" else paragraph.text
    spans = []
    for finding in paragraph.findings or ():
        span = finding.get(key)
        if finding.get("kind") != kind or finding.get("dismissed") or not span:
            continue
        start, end = max(0, span[0]), min(len(text), span[1])
        if start < end and not _whole(text, start, end):
            spans.append((start, end))
    return merged(spans)


def _whole(text: str, start: int, end: int) -> bool:
    return not text[:start].strip() and not text[end:].strip()


def merged(spans) -> list[tuple[int, int]]:
    result = []
    for start, end in sorted(spans):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def shifted(spans, offset: int, length: int) -> list[tuple[int, int]]:
    """Spans of a whole cell as spans of its part that starts at `offset`, `length` long.
    They are not cut to the part (marked_piece does that), so that a span that started
    before the part is still seen to have started there."""
    return [
        (start - offset, end - offset)
        for start, end in spans
        if start - offset < length and end - offset > 0
    ]


def marked_piece(text: str, start: int, end: int, spans, label: str) -> str:
    """text[start:end] escaped, the parts of it inside `spans` (sorted, merged) in a mark.
    A span cut by other markup (a glossary term) becomes several marks; the hidden words
    that say what the mark means go in the piece where the sentence starts."""
    parts, position = [], start
    for span_start, span_end in spans:
        low, high = max(span_start, start), min(span_end, end)
        if low >= high:
            continue
        parts.append(escape(text[position:low]))
        first = low == span_start
        hidden = f'<span class="visually-hidden">{label}: </span>' if first else ""
        parts.append(
            f'<mark class="unmatched-sentence{" unmatched-start" if first else ""}"'
            f' title="{label}">{hidden}{escape(text[low:high])}</mark>'
        )
        position = high
    parts.append(escape(text[position:end]))
    return "".join(parts)
