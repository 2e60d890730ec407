"""The stage buttons and the progress bar, re-sent out of band after every action that changes
what a transition depends on (rows, approvals, proposals, decisions, comments), so a button
never says "1 unresolved critical comment." about a comment resolved a moment ago."""

from django.template.loader import render_to_string

from reviews import workflow
from reviews.progress import document_counts


def progress_context(counts):
    """The progress bar's numbers, from reviews.progress.document_counts."""
    return {key: counts[key] for key in ("total", "approved", "open_proposals")}


def stage_fragments(request, document):
    """The progress bar and the stage buttons as out-of-band swaps, from one count query and
    one render."""
    counts = document_counts(document)
    context = {
        **progress_context(counts),
        "document": document,
        "transitions": workflow.available_transitions(request.user, document, counts),
        "oob": True,
    }
    return render_to_string("reviews/document.html#stage", context, request)
