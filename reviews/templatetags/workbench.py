from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reviews.diffing import render_diff
from reviews.models import display_name
from reviews.pairing import describe_change
from reviews.sentence_marks import NO_KOREAN, marked_piece, shifted, unmatched_spans
from reviews.timestamps import moment as format_moment

register = template.Library()


@register.filter
def name(user, missing=""):
    """A person's full name, else their username; `missing` when there is nobody."""
    return display_name(user) if user else missing


@register.filter
def diff(ops):
    """Word diff ops as track changes; the one place diff HTML is marked safe, because
    render_diff escapes every piece of text it is given."""
    return mark_safe(render_diff(ops or []))  # noqa: S308


@register.filter
def moment(value, precision=""):
    """A time as the page shows it, with its time zone: {{ x|moment }}, {{ x|moment:"seconds" }}.
    Also takes the ISO text events keep in their payload."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return format_moment(value, seconds=precision == "seconds") if value else ""


@register.filter
def with_finding_marks(paragraph):
    """The row's English as paragraphs, the spans its open findings point at marked, and an
    added sentence (no Korean behind it) in the quieter mark of reviews.sentence_marks.
    Every piece of text is escaped here before it is joined with our own tags."""
    text = paragraph.text
    spans = sorted(
        tuple(f["target_span"])
        for f in paragraph.findings or ()
        if f.get("target_span") and not f.get("dismissed")
    )
    marked = [False] * len(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(text), max(end, start + 1))):
            marked[i] = True
    unmatched = unmatched_spans(paragraph, "target")
    for start, end in unmatched:
        # The sentence mark says it more quietly than the finding's own mark would.
        marked[start:end] = [False] * (end - start)
    html = []
    for part_start, part in paragraph_parts(text):
        pieces, current, run = [], None, []
        for offset, ch in enumerate(part):
            flag = marked[part_start + offset]
            if flag != current and run:
                pieces.append((current, "".join(run)))
                run = []
            current = flag
            run.append(ch)
        if run:
            pieces.append((current, "".join(run)))
        inner, position = [], 0
        for flag, piece in pieces:
            if flag:
                inner.append(f'<mark class="finding-mark">{escape(piece)}</mark>')
            else:
                sentences = shifted(unmatched, part_start + position, len(piece))
                inner.append(marked_piece(piece, 0, len(piece), sentences, NO_KOREAN))
            position += len(piece)
        html.append(f"<p>{''.join(inner)}</p>")
    return mark_safe("".join(html))  # noqa: S308


def paragraph_parts(text):
    """(offset, paragraph) for the non-empty paragraphs of a cell, split at blank lines."""
    position = 0
    for part in text.split("\n\n"):
        if part:
            yield position, part
        position += len(part) + 2


@register.filter
def open_findings(findings):
    """The findings nobody dismissed."""
    return [f for f in findings or () if not f.get("dismissed")]


@register.filter
def errors_only(findings):
    return [f for f in findings or () if f.get("severity") == "error"]


@register.simple_tag
def now_moment():
    """The present moment as every time on the page reads, in the active time zone."""
    return format_moment(timezone.now())


@register.filter
def plain_number(value):
    """15.0 as "15", 12.5 as "12.5": a setting as a person would write it."""
    return f"{value:g}"


@register.filter
def pairing_change(payload):
    """A pairing event's change in words (reviews.pairing.describe_change)."""
    return describe_change(payload or {})


@register.filter
def attention(paragraph):
    """Why a row needs a look, as the space-separated words the n / p keys look for: an open
    proposal, an unresolved comment, a check finding nobody dismissed, no approval yet. The
    grid's query annotates open_proposals and unresolved_count."""
    reasons = []
    if getattr(paragraph, "open_proposals", None):
        reasons.append("proposal")
    if getattr(paragraph, "unresolved_count", 0):
        reasons.append("comment")
    if open_findings(paragraph.findings):
        reasons.append("finding")
    if paragraph.status != paragraph.Status.APPROVED:
        reasons.append("unapproved")
    return " ".join(reasons)
