from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def mark_terms(text, matcher, row_pk, number):
    """Korean text with the glossary's terms marked. TermMatcher.render escapes every piece
    of text it is given, which is why its result may be marked safe here."""
    if matcher is None:
        return escape(text)
    return mark_safe(matcher.render(text, f"glossary-{row_pk}-{number}"))  # noqa: S308
