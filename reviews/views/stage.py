"""The stage buttons and the progress bar, re-sent out of band after every action that changes
what a transition depends on (rows, approvals, proposals, decisions, comments), so a button
never says "1 unresolved critical comment." about a comment resolved a moment ago."""

from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import get_script_prefix

from reviews import workflow
from reviews.progress import document_counts
from reviews.row_cache import (
    PLACEHOLDER_INPUT,
    TOKEN_PLACEHOLDER,
    code_version,
    digest,
    row_cache,
    with_token,
)


def progress_context(counts):
    """The progress bar's numbers, from reviews.progress.document_counts."""
    return {key: counts[key] for key in ("total", "approved", "open_proposals")}


def stage_fragments(request, document):
    """The progress bar and the stage buttons as out-of-band swaps, from one count query and
    one render, or no render: the HTML is kept in the row cache under a hash of everything it
    shows (stage_key), so it is never stale, and with a placeholder for the CSRF token, as a
    row is (reviews/row_cache.py)."""
    counts = document_counts(document)
    context = {
        **progress_context(counts),
        "document": document,
        "transitions": workflow.available_transitions(request.user, document, counts),
        "oob": True,
    }
    key = stage_key(context)
    html = row_cache().get(key)
    if html is None:
        # A csrf_token given in the dict wins over the context processor's.
        context["csrf_token"] = TOKEN_PLACEHOLDER
        html = str.__str__(render_to_string("reviews/document.html#stage", context, request))
        row_cache().set(key, html)
    if PLACEHOLDER_INPUT not in html:
        return html
    return with_token(html, CsrfTokenNode().render(Context({"csrf_token": get_token(request)})))


def stage_key(context):
    """Everything the stage partial shows: the counts, the document's pk and pairing version
    (the confirm form carries it), each button's action, label, kind and refusal (the
    refusals are the viewer's), the URL prefix and the code. Whatever the partial comes to
    show must be added here too."""
    document = context["document"]
    parts = (
        code_version(),
        get_script_prefix(),
        document.pk,
        document.pairing_version,
        context["total"],
        context["approved"],
        context["open_proposals"],
        tuple(
            (transition.action, transition.label, transition.hands_over, reason)
            for transition, reason in context["transitions"]
        ),
    )
    return f"stage:{document.pk}:{digest(parts)}"
