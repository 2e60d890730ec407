"""The quiet mark on a sentence of a row that has no counterpart on the other side.

The omission check stores the Korean sentence the sentence aligner found nothing for as its
finding's `source_span`, the addition check the English sentence with no Korean as its
`target_span` (reviews/checks/content.py). The row draws those spans from the stored
findings, so a page view never aligns sentences: everything here is derived from a
Paragraph's own fields. A finding about the whole text (no one sentence to point at) draws
no sentence mark. Plain functions, no query; reviews/templatetags/marks.py draws the marks.
"""

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
