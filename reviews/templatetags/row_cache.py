"""{% cachedrow %}...{% endcachedrow %}: a document row from the row cache (reviews/row_cache.py).

Wraps the `row` partial in the page's loop. Without `row_cache` in the context (a page rendered
by other code) or for a row that shows something only this response says, the row is rendered
as it stands."""

from django import template
from django.urls import get_script_prefix, reverse
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


# (script prefix, URL name, the string arguments) -> the reversed URL with "{0}", "{1}"... where
# the number arguments go. A handful of shapes per process.
_url_patterns = {}
SENTINEL = 987_654_321


@register.simple_tag
def row_url(name, *args):
    """{% url %} for what a row repeats: reversed once per name and shape, then filled in.
    `reverse()` per link was an eighth of a freshly rendered 400-row page."""
    literals = tuple(arg if isinstance(arg, str) else None for arg in args)
    shape = (get_script_prefix(), name, literals)
    pattern = _url_patterns.get(shape)
    if pattern is None:
        numbers = [SENTINEL + index for index in range(len(args))]
        sample = [arg if isinstance(arg, str) else n for arg, n in zip(args, numbers, strict=True)]
        pattern = reverse(name, args=sample).replace("{", "{{").replace("}", "}}")
        for index, (arg, number) in enumerate(zip(args, numbers, strict=True)):
            if not isinstance(arg, str):
                pattern = pattern.replace(str(number), f"{{{index}}}")
        _url_patterns[shape] = pattern
    return pattern.format(*(int(arg) if not isinstance(arg, str) else "" for arg in args))
