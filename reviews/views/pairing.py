"""The alignment editor: fix the pairing row by row while the document is being aligned."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from reviews import pairing
from reviews.diffing import TextTooLong
from reviews.views.access import document_for
from reviews.views.grid import document_context


def parse(post):
    """(action, row index, side, paragraph index) from the form; buttons send "split:2"."""
    action, _, at = post.get("action", "").partition(":")
    try:
        row = int(post["row"]) if post.get("row", "") != "" else None
        at = int(at) if at else None
    except ValueError:
        raise pairing.PairingRefused("The form was incomplete; reload the page.") from None
    return action, row, post.get("side"), at


@require_POST
def change(request, pk):
    document = document_for(request, pk, "align")
    error = None
    try:
        action, row, side, at = parse(request.POST)
        if action == "undo":
            pairing.undo(request.user, document)
        else:
            pairing.change_pairing(request.user, document, action, row, side, at)
    except (pairing.PairingRefused, PermissionDenied, TextTooLong) as refused:
        error = str(refused)
    if request.htmx:
        context = document_context(request, document, pairing_error=error)
        return TemplateResponse(request, "reviews/document.html#grid", context)
    if error:
        messages.error(request, error)
    return redirect(document)
