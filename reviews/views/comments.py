"""Comment threads on a paragraph or on the whole document."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST

from reviews import plain_sql, workflow
from reviews.comments import (
    CommentRefused,
    add_comment,
    addressed_ids,
    mark_addressed,
    may_address,
    may_resolve,
    set_resolved,
)
from reviews.models import Comment, Stage
from reviews.templatetags.marks import comment_badge
from reviews.templatetags.row_cache import row_url
from reviews.thread_cache import PanelParts
from reviews.views.access import document_for, number_or_404, paragraph_or_404
from reviews.views.announce import announce
from reviews.views.stage import stage_fragments

# Plain SQL on purpose (reviews/plain_sql.py): the ORM's form (threads with their people,
# replies prefetched with theirs) cost more CPU to compile than to run, on every comment posted
# (bench/fixed_cost.py). The threads on `paragraph` (or on the document) and every reply to
# them, oldest first; the same on PostgreSQL and SQLite.
THREADS_SQL = """
SELECT {columns} FROM reviews_comment
WHERE document_id = %(document)s AND (
  (reply_to_id IS NULL AND {on})
  OR reply_to_id IN (
    SELECT id FROM reviews_comment
    WHERE document_id = %(document)s AND reply_to_id IS NULL AND {on}
  )
)
ORDER BY id
"""
ON_PARAGRAPH = "paragraph_id = %(paragraph)s"
ON_DOCUMENT = "paragraph_id IS NULL"


def with_people(items, document, viewer=None, fields=("author",)):
    """Set each item's people (`fields` of revisions or comments) from those the request
    already has (the document's translator and editor, `viewer`), which they nearly always
    are, reading any others in one query."""
    people = (document.translator, document.editor, viewer)
    known = {person.pk: person for person in people if person is not None and person.pk}
    wanted = {getattr(item, f"{field}_id") for item in items for field in fields}
    missing = wanted - known.keys() - {None}
    if missing:
        known |= get_user_model().objects.in_bulk(missing)
    for item in items:
        for field in fields:
            setattr(item, field, known.get(getattr(item, f"{field}_id")))


def threads_of(document, paragraph, viewer=None):
    """The threads on `paragraph` (None: on the document), oldest first, each with its
    replies in order as `reply_list`, and the people of both."""
    on = ON_DOCUMENT if paragraph is None else ON_PARAGRAPH
    params = {"document": document.pk, "paragraph": paragraph.pk if paragraph else None}
    sql = THREADS_SQL.format(columns=plain_sql.columns(Comment), on=on)
    comments = plain_sql.rows(sql, params, Comment)
    with_people(comments, document, viewer, fields=("author", "resolved_by"))
    threads = [comment for comment in comments if comment.reply_to_id is None]
    by_pk = {thread.pk: thread for thread in threads}
    for thread in threads:
        thread.reply_list = []
    for comment in comments:
        if comment.reply_to_id is not None:
            by_pk[comment.reply_to_id].reply_list.append(comment)
    return threads


def thread_context(request, document, paragraph, **extra):
    threads = threads_of(document, paragraph, request.user)
    addressed = addressed_ids([thread.pk for thread in threads], document.pk)
    for thread in threads:
        thread.may_resolve = may_resolve(request.user, thread, document)
        thread.addressed = thread.pk in addressed and thread.resolved_at is None
        thread.may_address = not thread.addressed and may_address(request.user, thread, document)
    # row_url: reversed once per process and filled in, as the rows' links are.
    if paragraph is None:
        comments_url = row_url("document_comments", document.pk)
    else:
        comments_url = row_url("paragraph_comments", document.pk, paragraph.pk)
    return {
        "document": document,
        "paragraph": paragraph,
        "comments_url": comments_url,
        "threads": threads,
        "unresolved": sum(1 for thread in threads if thread.resolved_at is None),
        "total": len(threads),
        "may_comment": workflow.can(request.user, "comment", document),
        "may_grade": workflow.can(request.user, "grade_comment", document),
        "categories": Comment.Category.choices,
        "severities": Comment.Severity.choices,
        # Asked (one query) only when a comment shown has something like an @mention.
        "mentionable": SimpleLazyObject(
            lambda: set(document.insiders().values_list("username", flat=True))
        ),
        "quote": request.GET.get("quote", "")[:1000],
        "quote_side": request.GET.get("side", ""),
        **extra,
    }


def on_document_page(request, document):
    """Whether an htmx request came from the document's page (not the comments page)."""
    current = urlsplit(request.htmx.current_url_abs_path or "")
    return current.path == row_url("document", document.pk)  # document.get_absolute_url()


def thread_response(
    request, document, paragraph, *, announcement="", stage=True, texts=True, **extra
):
    """The thread panel; on the document page also, out of band, the row's comment count,
    the row's texts (unless `texts` is False: no quote mark changed) and the stage buttons
    and the progress (unless `stage` is False: nothing they show changed; a critical comment
    holds approval back). A screen reader hears `announcement`, or a refusal at once."""
    on_page = on_document_page(request, document)
    context = thread_context(request, document, paragraph, on_document_page=on_page, **extra)
    context["panel_parts"] = PanelParts(context)
    html = render_to_string("reviews/comments.html#threads", context, request)
    if on_page:
        if paragraph is not None:
            # The row's Comments button, as the page's comment_badge tag renders it.
            html += comment_badge(paragraph.pk, context["unresolved"], context["total"], oob=True)
            if texts:
                html += row_text_fragments(request, document, paragraph, context["threads"])
        if stage:
            html += stage_fragments(request, document)
    if extra.get("error"):
        return announce(HttpResponse(html), extra["error"], urgent=True)
    return announce(HttpResponse(html), announcement)


def where(paragraph):
    return f"paragraph {paragraph.number}" if paragraph else "the document"


# What a screen reader hears after each change of a comment's state.
STATES_SAID = {
    "resolve": "Comment resolved.",
    "reopen": "Comment reopened.",
    "address": "Comment marked addressed.",
}


def row_text_fragments(request, document, paragraph, threads):
    """The row's two texts, out of band: a new, resolved or reopened thread adds or takes away
    the mark of its quote. (While the document is aligning its cells hold the pairing tools.)
    `threads` are the row's threads as the panel shows them (thread_context): the texts mark
    the quotes of the open ones, numbered as the page's rows number them (rows_of)."""
    if document.stage == Stage.ALIGNING:
        return ""
    # The grid imports this module for thread_context.
    from reviews.views.grid import grid_context

    paragraph.open_threads = [thread for thread in threads if thread.resolved_at is None]
    context = {**grid_context(request, document), "paragraph": paragraph, "oob": True}
    return "".join(
        render_to_string(f"reviews/document.html#{side}_text", context, request)
        for side in ("source", "target")
    )


def paragraph_or_none(document, paragraph_pk):
    if paragraph_pk is None:
        return None
    return paragraph_or_404(document, paragraph_pk)


def back(document, paragraph):
    anchor = f"#row-{paragraph.pk}" if paragraph else "#document-comments"
    return redirect(f"{document.get_absolute_url()}{anchor}")


@require_http_methods(["GET", "POST"])
def comments(request, pk, paragraph_pk=None):
    """GET: the threads (a fragment for htmx, a page otherwise). POST: a new comment."""
    document = document_for(request, pk)
    paragraph = paragraph_or_none(document, paragraph_pk)
    if request.method == "GET":
        if request.htmx:
            return thread_response(request, document, paragraph)
        context = thread_context(request, document, paragraph)
        return TemplateResponse(request, "reviews/comments.html", context)
    reply_to = None
    if request.POST.get("reply_to"):
        reply_to = get_object_or_404(
            Comment, pk=number_or_404(request.POST["reply_to"]), document=document
        )
    try:
        comment = add_comment(
            request.user,
            document,
            request.POST.get("body", ""),
            paragraph=paragraph,
            reply_to=reply_to,
            quote=request.POST.get("quote", ""),
            quote_side=request.POST.get("quote_side", ""),
            category=request.POST.get("category", ""),
            severity=request.POST.get("severity", ""),
        )
    except (CommentRefused, PermissionDenied) as refused:
        # Everything the author gave comes back with the reason: the words, the quoted span
        # and the grade, so the next post is the one they meant.
        kept = {
            "error": str(refused),
            "draft": request.POST.get("body", ""),
            "reply_error_to": reply_to.pk if reply_to else None,
        }
        if reply_to is None:
            kept |= {
                "quote": request.POST.get("quote", "")[:1000],
                "quote_side": request.POST.get("quote_side", ""),
                "chosen_category": request.POST.get("category", ""),
                "chosen_severity": request.POST.get("severity", ""),
            }
        if request.htmx:
            # Nothing was written: the texts, the stage buttons and the progress stay as they are.
            return thread_response(request, document, paragraph, stage=False, texts=False, **kept)
        context = thread_context(request, document, paragraph, **kept)
        return TemplateResponse(request, "reviews/comments.html", context)
    if request.htmx:
        said = f"Reply added on {where(paragraph)}."
        if reply_to is None:
            said = f"Comment added to {where(paragraph)}."
        # Of comments, the stage buttons count only unresolved critical threads (a reply is no
        # thread) and the progress bar none. A new thread is the row's last (threads number by
        # age), so only its own quote, if it has one, adds a mark to the texts.
        thread = comment.reply_to_id is None
        critical = thread and comment.severity == Comment.Severity.CRITICAL
        return thread_response(
            request,
            document,
            paragraph,
            announcement=said,
            stage=critical,
            texts=thread and bool(comment.quote),
        )
    return back(document, paragraph)


@require_POST
def resolve(request, pk, comment_pk, state):
    if state not in ("resolve", "reopen", "address"):
        raise Http404("Unknown state")
    document = document_for(request, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, document=document)
    try:
        if state == "address":
            mark_addressed(request.user, comment)
        else:
            set_resolved(request.user, comment, state == "resolve")
    except (CommentRefused, PermissionDenied) as refused:
        if not request.htmx:
            messages.error(request, str(refused))
            return back(document, comment.paragraph)
        return thread_response(request, document, comment.paragraph, error=str(refused))
    if request.htmx:
        said = STATES_SAID[state]
        return thread_response(request, document, comment.paragraph, announcement=said)
    return back(document, comment.paragraph)
