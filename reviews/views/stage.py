"""The stage buttons and the progress bar, re-sent out of band after every action that changes
what a transition depends on (rows, approvals, proposals, decisions, comments), so a button
never says "1 unresolved critical comment." about a comment resolved a moment ago."""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from reviews import workflow
from reviews.models import Paragraph, Revision


def progress_context(document):
    counts = document.paragraphs.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=Paragraph.Status.APPROVED)),
    )
    open_proposals = Revision.objects.filter(
        paragraph__document=document, state=Revision.State.PROPOSED
    ).count()
    return {**counts, "open_proposals": open_proposals}


def stage_fragments(request, document):
    """The progress bar and the stage buttons as out-of-band swaps."""
    progress = render_to_string(
        "reviews/document.html#progress",
        {**progress_context(document), "oob": True},
        request,
    )
    transitions = render_to_string(
        "reviews/document.html#transitions",
        {
            "document": document,
            "transitions": workflow.available_transitions(request.user, document),
            "oob": True,
        },
        request,
    )
    return progress + transitions
