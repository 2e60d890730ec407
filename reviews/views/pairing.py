"""The alignment editor: fix the pairing row by row while the document is being aligned."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from reviews import pairing
from reviews.diffing import TextTooLong
from reviews.views.access import document_for
from reviews.views.grid import document_context
from reviews.views.stage import stage_fragments


def parse(post):
    """(action, row index, side, paragraph index, pairing version seen) from the form; buttons
    send "split:2"."""
    action, _, at = post.get("action", "").partition(":")
    try:
        row = int(post["row"]) if post.get("row", "") != "" else None
        at = int(at) if at else None
        seen_version = int(post.get("pairing_version", ""))
    except ValueError:
        raise pairing.PairingRefused("The form was incomplete; reload the page.") from None
    return action, row, post.get("side"), at, seen_version


@require_POST
def change(request, pk):
    document = document_for(request, pk, "align")
    error = None
    try:
        action, row, side, at, seen_version = parse(request.POST)
        if action == "undo":
            pairing.undo(request.user, document, seen_version=seen_version)
        else:
            pairing.change_pairing(
                request.user, document, action, row, side, at, seen_version=seen_version
            )
    except (pairing.PairingRefused, PermissionDenied, TextTooLong) as refused:
        error = str(refused)
    if request.htmx:
        # The rows as they are now (fresh after a refusal too), and the row counter with them.
        document.refresh_from_db()
        context = document_context(request, document, pairing_error=error)
        grid = render_to_string("reviews/document.html#grid", context, request)
        return HttpResponse(grid + stage_fragments(request, document))
    if error:
        messages.error(request, error)
    return redirect(document)
