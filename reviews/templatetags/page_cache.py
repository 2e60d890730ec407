"""{% cachedpage %}...{% endcachedpage %}: the document page's body from the page cache
(reviews/page_cache.py).

Wraps the `content` block of reviews/document.html. Without `page_cache` in the context (a
request that shows something of its own, or a page rendered by other code) the body is
rendered as it stands; with it, the stored body is served, or rendered and stored."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CachedPageNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        page = context.get("page_cache")
        if page is None:
            return self.nodelist.render(context)
        # The stored body is the template's own output, escaped as it rendered.
        return mark_safe(page.body(context, self.nodelist.render))  # noqa: S308


@register.tag
def cachedpage(parser, token):
    nodelist = parser.parse(("endcachedpage",))
    parser.delete_first_token()
    return CachedPageNode(nodelist)
