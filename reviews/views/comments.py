"""Comment threads on a paragraph or on the whole document."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST

from reviews import workflow
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
from reviews.views.access import document_for, number_or_404
from reviews.views.announce import announce
from reviews.views.stage import stage_fragments


def threads_of(document, paragraph):
    replies = Prefetch("replies", queryset=Comment.objects.select_related("author").order_by("pk"))
    return (
        Comment.objects.filter(document=document, paragraph=paragraph, reply_to=None)
        .select_related("author", "resolved_by")
        .prefetch_related(replies)
        .order_by("pk")
    )


def thread_context(request, document, paragraph, **extra):
    threads = list(threads_of(document, paragraph))
    addressed = addressed_ids([thread.pk for thread in threads], [document.pk])
    for thread in threads:
        thread.may_resolve = may_resolve(request.user, thread, document)
        thread.addressed = thread.pk in addressed and thread.resolved_at is None
        thread.may_address = not thread.addressed and may_address(request.user, thread, document)
    if paragraph is None:
        comments_url = reverse("document_comments", args=[document.pk])
    else:
        comments_url = reverse("paragraph_comments", args=[document.pk, paragraph.pk])
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
    return current.path == document.get_absolute_url()


def thread_response(request, document, paragraph, *, announcement="", **extra):
    """The thread panel; on the document page also the row's comment count, the stage buttons
    and the progress out of band (a critical comment holds approval back). A screen reader
    hears `announcement`, or a refusal at once."""
    on_page = on_document_page(request, document)
    context = thread_context(request, document, paragraph, on_document_page=on_page, **extra)
    html = render_to_string("reviews/comments.html#threads", context, request)
    if on_page:
        if paragraph is not None:
            html += render_to_string(
                "reviews/comments.html#count", {**context, "oob": True}, request
            )
            html += row_text_fragments(request, document, paragraph, context["threads"])
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
    return get_object_or_404(document.paragraphs, pk=paragraph_pk)


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
        add_comment(
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
            return thread_response(request, document, paragraph, **kept)
        context = thread_context(request, document, paragraph, **kept)
        return TemplateResponse(request, "reviews/comments.html", context)
    if request.htmx:
        said = f"Reply added on {where(paragraph)}."
        if reply_to is None:
            said = f"Comment added to {where(paragraph)}."
        return thread_response(request, document, paragraph, announcement=said)
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
