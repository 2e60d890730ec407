"""The stage buttons and the progress bar, re-sent out of band after every action that changes
what a transition depends on (rows, approvals, proposals, decisions, comments), so a button
never says "1 unresolved critical comment." about a comment resolved a moment ago."""

from django.template.loader import render_to_string
from django.urls import get_script_prefix

from reviews import workflow
from reviews.progress import document_counts
from reviews.row_cache import code_version, digest, kept_html


def progress_context(counts):
    """The progress bar's numbers, from reviews.progress.document_counts."""
    return {key: counts[key] for key in ("total", "approved", "open_proposals")}


def stage_fragments(request, document):
    """The progress bar and the stage buttons as out-of-band swaps, from one count query. The
    buttons' HTML is kept in the row cache under a hash of everything they show
    (transitions_key), so it is never stale, with a placeholder for the CSRF token, as a row
    is (reviews/row_cache.py): while rows are still unapproved their refusal does not count
    proposals, so a proposal re-renders only the small progress bar. The two partials side by
    side are the bytes of the page's "stage" partial."""
    counts = document_counts(document)
    context = {
        **progress_context(counts),
        "document": document,
        "transitions": workflow.available_transitions(request.user, document, counts),
        "oob": True,
    }
    progress = render_to_string("reviews/document.html#progress", context, request)
    buttons = kept_html(
        request,
        transitions_key(context),
        context,
        lambda context: render_to_string("reviews/document.html#transitions", context, request),
    )
    return progress + buttons


def transitions_key(context):
    """Everything the stage buttons show: the document's pk and pairing version (the confirm
    form carries it), each button's action, label, kind and refusal (the refusals are the
    viewer's, and say the counts they depend on), the URL prefix and the code. Whatever the
    partial comes to show must be added here too."""
    document = context["document"]
    parts = (
        code_version(),
        get_script_prefix(),
        document.pk,
        document.pairing_version,
        tuple(
            (transition.action, transition.label, transition.hands_over, reason)
            for transition, reason in context["transitions"]
        ),
    )
    return f"transitions:{document.pk}:{digest(parts)}"
