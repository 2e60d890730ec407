"""The thread panel's threads and its new-comment form, each rendered once and its HTML reused
while nothing it shows changed.

Every comment posted, reply sent or thread resolved re-renders the row's whole panel, and a
busy row's panel is mostly threads nobody touched (bench/fixed_cost.py, bench/results/notes.md).
As in reviews/row_cache.py, a part's cache key is a hash of everything it shows, so any change
is a new key: nothing is invalidated, nothing stale is served, several app servers may share
the cache. CSRF tokens are never kept: a part is rendered with the placeholder token and the
request's own token is put in when it is served (row_cache.with_token). The entries live in
the bounded "rows" cache beside the rows.

A part showing something only this response says (a reply's draft after a refusal, a quote
being commented on, a refused comment's draft and grade) is rendered fresh and not stored.
"""

from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix
from django.utils import timezone, translation

from reviews.comments import MENTION
from reviews.models import display_name
from reviews.row_cache import (
    PLACEHOLDER_INPUT,
    TOKEN_PLACEHOLDER,
    code_version,
    digest,
    row_cache,
    with_token,
)

FORM = "form"
# The grading fields of the form: the same for every row, so kept even when the form is not
# (a row's first comment, or a quote).
GRADE = "grade"


def panel_shared(context):
    """What every part of one panel shows that depends on the request, the document and the
    viewer rather than on a thread: hashed once per panel."""
    document = context["document"]
    paragraph = context["paragraph"]
    return digest(
        (
            code_version(),
            get_script_prefix(),
            timezone.get_current_timezone_name(),
            translation.get_language(),
            document.pk,
            paragraph.pk if paragraph is not None else None,
            paragraph.number if paragraph is not None else None,
            context["comments_url"],
            bool(context.get("on_document_page")),
            context["may_comment"],
            context["may_grade"],
        )
    )


def mentioned(bodies, mentionable):
    """Of the @names in `bodies`, those highlighted (people on the document). The people are
    asked for (one query) only when a body has something like a mention, as the template does."""
    names = {name for body in bodies for name in MENTION.findall(body)}
    if not names:
        return ()
    return tuple(sorted(names & set(mentionable)))


def thread_key(thread, shared, mentionable):
    """The key of one thread's article: the panel's shared digest, and the thread's pk, author
    and resolver names, time, category, severity, quote and its side, body, resolution time,
    whether it is marked addressed, what the viewer may do with it (resolve, mark addressed),
    every reply's pk, author name, time and body, and the highlighted @names among them.

    Whatever is added to the article in templates/reviews/comments.html must be added here."""
    replies = tuple(
        (reply.pk, display_name(reply.author) if reply.author else "", reply.created_at, reply.body)
        for reply in thread.reply_list
    )
    bodies = [thread.body, *(reply.body for reply in thread.reply_list)]
    parts = (
        shared,
        thread.pk,
        display_name(thread.author) if thread.author else "",
        thread.created_at,
        thread.category,
        thread.severity,
        thread.quote,
        thread.quote_side,
        thread.body,
        thread.resolved_at,
        display_name(thread.resolved_by) if thread.resolved_by else "",
        thread.addressed,
        thread.may_resolve,
        thread.may_address,
        replies,
        mentioned(bodies, mentionable),
    )
    return f"thread:{thread.pk}:{digest(parts)}"


def form_cacheable(context):
    """The new-comment form as most panels show it: no quote, no draft, no grade chosen."""
    names = ("quote", "draft", "chosen_category", "chosen_severity", "reply_error_to")
    return not any(context.get(name) for name in names)


class PanelParts:
    """The parts of one panel: their keys, and the kept HTML fetched in one round trip."""

    def __init__(self, context):
        shared = panel_shared(context)
        mentionable = context["mentionable"]
        self.keys = {
            thread.pk: thread_key(thread, shared, mentionable) for thread in context["threads"]
        }
        if form_cacheable(context):
            self.keys[FORM] = f"thread-form:{shared}"
        if not (context.get("chosen_category") or context.get("chosen_severity")):
            grade = (code_version(), translation.get_language())
            self.keys[GRADE] = f"thread-grade:{digest(grade)}"
        self.hits = row_cache().get_many(self.keys.values())
        self.token_input = None

    def html(self, part, context, render):
        """The HTML of `part` (a thread, FORM or GRADE) with this request's CSRF token; `render`
        renders it from the template's context. A part with no key is rendered as it is."""
        if part in (FORM, GRADE):
            key = self.keys.get(part)
        elif context.get("reply_error_to") == part.pk:
            key = None
        else:
            key = self.keys.get(part.pk)
        if key is None:
            return render(context)
        html = self.hits.get(key)
        if html is None:
            with context.push(csrf_token=TOKEN_PLACEHOLDER):
                html = str.__str__(render(context))
            row_cache().set(key, html)
        if PLACEHOLDER_INPUT not in html:
            return html
        if self.token_input is None:
            self.token_input = CsrfTokenNode().render(context)
        return with_token(html, self.token_input)
