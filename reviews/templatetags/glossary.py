from django import template
from django.utils.safestring import mark_safe

from reviews.sentence_marks import NO_ENGLISH, marked_piece, shifted, unmatched_spans
from reviews.templatetags.workbench import paragraph_parts

register = template.Library()


@register.simple_tag
def mark_terms(text, matcher, row_pk, number, paragraph=None):
    """Korean text (the `number`th paragraph of the row's Korean) with the glossary's terms
    marked and, given the row's `paragraph`, the sentences its stored findings say have no
    English. TermMatcher.render and marked_piece escape every piece of text they are given,
    which is why the result may be marked safe here."""
    unmatched = []
    if paragraph is not None:
        spans = unmatched_spans(paragraph, "source")
        if spans:
            offset = next(
                (
                    start
                    for n, (start, _) in enumerate(paragraph_parts(paragraph.source), 1)
                    if n == number
                ),
                None,
            )
            if offset is not None and paragraph.source.startswith(text, offset):
                unmatched = shifted(spans, offset, len(text))
    if matcher is None:
        return mark_safe(marked_piece(text, 0, len(text), unmatched, NO_ENGLISH))  # noqa: S308
    return mark_safe(matcher.render(text, f"glossary-{row_pk}-{number}", unmatched))  # noqa: S308
