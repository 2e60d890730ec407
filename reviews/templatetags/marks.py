"""The texts of a row with their marks: glossary terms on the Korean, check findings on the
English, and the words an open comment quotes on either side.

Every kind of mark is a list of `Mark`s over one text; `render_marks` merges any number of such
lists into escaped HTML, nesting marks that nest and splitting the one that ranks lower where two
overlap, so the tags always close in order. A new kind of mark (sentences, say) is one more list
and one more rank, not another renderer.

What a row shows here comes from the row alone (its texts, findings and open threads, which the
grid's query loads), so a cache of rendered rows keyed on those stays right.
"""

import re
from dataclasses import dataclass, replace

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from reviews.models import display_name
from reviews.sentence_marks import NO_ENGLISH, NO_KOREAN, unmatched_spans

register = template.Library()

# Where two marks overlap, the lower rank stays whole and the higher one is split around it.
QUOTE_RANK = 0
FINDING_RANK = 1
SENTENCE_RANK = 2
GLOSSARY_RANK = 3


@dataclass(frozen=True)
class Mark:
    """A span [start, end) of a text and the HTML that wraps it. Its tags and their attributes
    are built by the code that makes the mark, with every value escaped."""

    start: int
    end: int
    rank: int
    open: str
    close: str
    # The opening tag of a piece after a split (no id, no tab stop): the first piece has `open`.
    again: str = ""
    # HTML inside the first piece, before its close (a tooltip), and inside the last (a link).
    first_inside: str = ""
    last_inside: str = ""


def render_marks(text, marks):
    """The text as escaped HTML with the marks' tags around their spans. Marks may overlap in
    any way: at each edge the marks that stay open are kept, the others are closed and those
    still running opened again, so the HTML is always well nested."""
    if not marks:
        return escape(text)  # most texts: nothing to nest
    marks = [
        replace(mark, start=max(0, mark.start), end=min(len(text), mark.end))
        for mark in marks
        if min(len(text), mark.end) > max(0, mark.start)
    ]
    edges = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    order = {id(mark): index for index, mark in enumerate(marks)}

    def outer_first(mark):
        return (mark.rank, mark.start, -mark.end, order[id(mark)])

    html, stack, opened = [], [], set()
    for start, end in zip(edges, edges[1:], strict=False):
        wanted = sorted((m for m in marks if m.start <= start and m.end >= end), key=outer_first)
        keep = 0
        while keep < min(len(stack), len(wanted)) and stack[keep] is wanted[keep]:
            keep += 1
        for mark in reversed(stack[keep:]):
            html.append(closing(mark, first=id(mark) not in opened, last=mark.end <= start))
            opened.add(id(mark))
        for mark in wanted[keep:]:
            html.append(mark.again or mark.open if id(mark) in opened else mark.open)
        stack = wanted
        html.append(escape(text[start:end]))
    for mark in reversed(stack):
        html.append(closing(mark, first=id(mark) not in opened, last=True))
    return "".join(html)


def closing(mark, *, first, last):
    return (mark.first_inside if first else "") + (mark.last_inside if last else "") + mark.close


def within(marks, start, end):
    """The marks over text[start:end], moved to start at 0. A mark cut at either edge loses
    what belongs to the piece on the other side (its id and tooltip, its link)."""
    pieces = []
    for mark in marks:
        if mark.end <= start or mark.start >= end:
            continue
        cut_before, cut_after = mark.start < start, mark.end > end
        pieces.append(
            replace(
                mark,
                start=max(mark.start, start) - start,
                end=min(mark.end, end) - start,
                open=mark.again or mark.open if cut_before else mark.open,
                first_inside="" if cut_before else mark.first_inside,
                last_inside="" if cut_after else mark.last_inside,
            )
        )
    return pieces


def paragraph_parts(text):
    """(offset, paragraph) for the non-empty paragraphs of a cell, split at blank lines."""
    position = 0
    for part in text.split("\n\n"):
        if part:
            yield position, part
        position += len(part) + 2


def paragraphs_html(text, marks):
    """A cell's text as <p> paragraphs, each with its share of the marks."""
    return "".join(
        f"<p>{render_marks(part, within(marks, offset, offset + len(part)))}</p>"
        for offset, part in paragraph_parts(text)
    )


# ---- The words a comment quotes. A quote is stored with its whitespace runs as single spaces
# (reviews.comments.clean_quote), so it is looked for with any whitespace between its words.


def quote_span(text, quote):
    """(start, end) of the first place the quote stands in the text, or None."""
    words = quote.split()
    if not words:
        return None
    found = re.search(r"\s+".join(re.escape(word) for word in words), text)
    return found.span() if found else None


def quoted_side(paragraph, thread):
    return paragraph.source if thread.quote_side == "source" else paragraph.text


def quote_marks(paragraph, side):
    """Marks for the quotes of the row's open threads on one side ("source" or "target"), each
    with a link to its thread at its end."""
    text = paragraph.source if side == "source" else paragraph.text
    url = None  # reversed for the rows with a quote only: most rows have none
    marks = []
    for number, thread in enumerate(getattr(paragraph, "open_threads", ()), start=1):
        if not thread.quote or (thread.quote_side or "target") != side:
            continue
        span = quote_span(text, thread.quote)
        if span is None:
            continue
        if url is None:
            url = reverse("paragraph_comments", args=[paragraph.document_id, paragraph.pk])
        tag = format_html('<mark class="quote-mark" data-thread="{}">', thread.pk)
        link = format_html(
            '<a class="quote-link" href="{}#comment-{}" hx-get="{}"'
            ' hx-target="#comments-slot-{}" data-thread="{}" data-number="{}"'
            ' aria-label="Comment {} by {}: open the thread"></a>',
            url,
            thread.pk,
            url,
            paragraph.pk,
            thread.pk,
            number,
            number,
            display_name(thread.author),
        )
        marks.append(Mark(*span, QUOTE_RANK, tag, "</mark>", last_inside=link))
    return marks


def finding_marks(paragraph, quiet=()):
    """Marks for the English spans the row's open check findings point at, but for an addition
    whose sentence is in `quiet` (drawn by sentence_marks, which says it more quietly)."""
    spans = sorted(
        tuple(f["target_span"])
        for f in paragraph.findings or ()
        if f.get("target_span")
        and not f.get("dismissed")
        and not (f.get("kind") == "addition" and covered(f["target_span"], quiet))
    )
    # Overlapping findings read as one marked stretch, as they always have.
    merged = []
    for start, end in spans:
        end = max(end, start + 1)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [
        Mark(start, end, FINDING_RANK, '<mark class="finding-mark">', "</mark>")
        for start, end in merged
    ]


def covered(span, spans):
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def sentence_marks(spans, side):
    """The quiet mark on each sentence with no counterpart (reviews.sentence_marks): a dotted
    underline with a tick where it starts, and hidden words that say what it means, once."""
    label = NO_ENGLISH if side == "source" else NO_KOREAN
    return [
        Mark(
            start,
            end,
            SENTENCE_RANK,
            format_html(
                '<mark class="unmatched-sentence unmatched-start" title="{}">'
                '<span class="visually-hidden">{}: </span>',
                label,
                label,
            ),
            "</mark>",
            again=format_html('<mark class="unmatched-sentence" title="{}">', label),
        )
        for start, end in spans
    ]


def glossary_marks(matcher, text, id_prefix):
    """Marks for the glossary's terms in one Korean paragraph: a focusable span whose tooltip
    gives the English (in the first piece, should a quote split the term)."""
    if matcher is None:
        return []
    marks = []
    for number, (start, end, term) in enumerate(matcher.spans(text)):
        tip_id = f"{id_prefix}-{number}"
        english = "; ".join(matcher.english[term])
        marks.append(
            Mark(
                start,
                end,
                GLOSSARY_RANK,
                format_html(
                    '<span class="glossary-term" tabindex="0" aria-describedby="{}">', tip_id
                ),
                "</span>",
                again='<span class="glossary-term">',
                first_inside=format_html(
                    '<span class="glossary-tip" role="tooltip" id="{}">{}</span>',
                    tip_id,
                    english,
                ),
            )
        )
    return marks


@register.filter
def marked_english(paragraph):
    """The row's English as paragraphs: the findings' spans, the open threads' quotes and the
    sentences with no Korean marked. render_marks escapes every piece of text, which is why
    the result may be marked safe."""
    added = unmatched_spans(paragraph, "target")
    marks = finding_marks(paragraph, added) + quote_marks(paragraph, "target")
    marks += sentence_marks(added, "target")
    return mark_safe(paragraphs_html(paragraph.text, marks))  # noqa: S308


@register.simple_tag
def marked_korean(paragraph, matcher):
    """The row's Korean as paragraphs: glossary terms, the open threads' quotes and the
    sentences with no English marked. The glossary is matched paragraph by paragraph (its
    tooltips' ids count them from 1)."""
    quotes = quote_marks(paragraph, "source")
    quotes += sentence_marks(unmatched_spans(paragraph, "source"), "source")
    html = []
    for number, (offset, part) in enumerate(paragraph_parts(paragraph.source), start=1):
        marks = glossary_marks(matcher, part, f"glossary-{paragraph.pk}-{number}")
        marks += within(quotes, offset, offset + len(part))
        html.append(f"<p>{render_marks(part, marks)}</p>")
    return mark_safe("".join(html))  # noqa: S308


@register.filter
def quote_missing(thread, paragraph):
    """A thread quotes words its paragraph no longer holds (the text was edited since)."""
    return bool(thread.quote) and quote_span(quoted_side(paragraph, thread), thread.quote) is None


@register.filter
def comment_count(unresolved, total):
    """A row's threads in words: "no comments", "2 open comments", "1 open comment, 3 resolved",
    "3 resolved comments"."""
    unresolved, total = unresolved or 0, total or 0
    resolved = total - unresolved
    if not total:
        return "no comments"
    if not unresolved:
        return f"{resolved} resolved comment{'s' if resolved != 1 else ''}"
    words = f"{unresolved} open comment{'s' if unresolved != 1 else ''}"
    return f"{words}, {resolved} resolved" if resolved else words


def pill_class(unresolved, total):
    """Open comments stand out; a row without comments says so to a screen reader but draws
    no pill: a pill on every row of a 400-row page is noise the eye must skip."""
    if unresolved:
        return " count-open"
    return "" if total else " visually-hidden"


@register.simple_tag
def comment_badge(paragraph_pk, unresolved, total, oob=False):
    """The label of a row's Comments button, "Comments" and its comment_count words; with
    `oob`, swapped in out of band after a comment. A tag rather than an included partial: the
    include was a tenth of a freshly rendered 400-row page."""
    return format_html(
        '<span id="comment-count-{}"{}>Comments <span class="count{}">{}</span></span>',
        paragraph_pk,
        mark_safe(' hx-swap-oob="true"') if oob else "",  # noqa: S308 (a constant)
        pill_class(unresolved, total),
        comment_count(unresolved, total),
    )
