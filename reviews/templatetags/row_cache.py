"""{% cachedrow %}...{% endcachedrow %}: a document row from the row cache (reviews/row_cache.py).

Wraps the `row` partial in the page's loop. Without `row_cache` in the context (a page rendered
by other code) or for a row that shows something only this response says, the row is rendered
as it stands."""

from django import template
from django.utils.safestring import mark_safe

from reviews.row_cache import cacheable

register = template.Library()


class CachedRowNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        rows = context.get("row_cache")
        paragraph = context.get("paragraph")
        if rows is None or paragraph is None or not cacheable(context, paragraph):
            return self.nodelist.render(context)
        # The nodelist's output is the template's own, escaped as it rendered.
        return mark_safe(rows.html(paragraph, context, self.nodelist.render))  # noqa: S308


@register.tag
def cachedrow(parser, token):
    nodelist = parser.parse(("endcachedrow",))
    parser.delete_first_token()
    return CachedRowNode(nodelist)
