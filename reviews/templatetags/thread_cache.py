"""{% keptpart thread %}...{% endkeptpart %}: a part of the thread panel (a thread's article,
"form", the new-comment form, or "grade", its grading fields) from the kept HTML of
reviews/thread_cache.py.

Without `panel_parts` in the context (the panel included by other pages) the part is rendered
as it stands."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class KeptPartNode(template.Node):
    def __init__(self, part, nodelist):
        self.part = part
        self.nodelist = nodelist

    def render(self, context):
        parts = context.get("panel_parts")
        if parts is None:
            return self.nodelist.render(context)
        part = self.part.resolve(context)
        # The nodelist's output is the template's own, escaped as it rendered.
        return mark_safe(parts.html(part, context, self.nodelist.render))  # noqa: S308


@register.tag
def keptpart(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("keptpart takes one argument: a thread or 'form'")
    nodelist = parser.parse(("endkeptpart",))
    parser.delete_first_token()
    return KeptPartNode(parser.compile_filter(bits[1]), nodelist)
