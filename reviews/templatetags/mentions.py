"""@mentions in a comment, highlighted: {{ comment.body|mentions:mentionable|linebreaksbr }}."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reviews.comments import MENTION

register = template.Library()


@register.filter
def mentions(body, mentionable):
    """The body escaped, each @username of a person in `mentionable` (the usernames of the people
    on the document) wrapped in a span. The same pattern as the notifications' (reviews.comments
    .MENTION), so what is highlighted is who was told; an address like a@b is no mention.
    `mentionable` is looked into only when the body has something like a mention."""
    pieces = []
    end = 0
    for match in MENTION.finditer(body):
        if match.group(1) not in mentionable:
            continue
        pieces.append(escape(body[end : match.start()]))
        pieces.append(f'<span class="mention">{escape(match.group(0))}</span>')
        end = match.end()
    pieces.append(escape(body[end:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above
