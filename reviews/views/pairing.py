"""The alignment editor: fix the pairing row by row while the document is being aligned."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from reviews import pairing
from reviews.diffing import TextTooLong
from reviews.models import Event
from reviews.views.access import document_for
from reviews.views.announce import announce, sentence
from reviews.views.grid import document_context
from reviews.views.stage import stage_fragments


def number_or_none(value):
    return int(value) if value not in (None, "") else None


def parse(post):
    """(action, row index, side, paragraph index, pairing version seen, row dragged to) from
    the form; buttons send "split:2", a drop "move_to:0" and the row in `to`."""
    action, _, at = post.get("action", "").partition(":")
    try:
        row, at, to = (number_or_none(value) for value in (post.get("row"), at, post.get("to")))
        seen_version = int(post.get("pairing_version", ""))
    except ValueError:
        raise pairing.PairingRefused("The form was incomplete; reload the page.") from None
    return action, row, post.get("side"), at, seen_version, to


def last_change(document):
    event = document.events.filter(verb=Event.Verb.REALIGNED).order_by("-pk").first()
    return pairing.describe_change(event.payload) if event else ""


@require_POST
def change(request, pk):
    document = document_for(request, pk, "align")
    error = None
    try:
        action, row, side, at, seen_version, to = parse(request.POST)
        if action == "undo":
            pairing.undo(request.user, document, seen_version=seen_version)
        else:
            pairing.change_pairing(
                request.user, document, action, row, side, at, seen_version=seen_version, to=to
            )
    except (pairing.PairingRefused, PermissionDenied, TextTooLong) as refused:
        error = str(refused)
    if request.htmx:
        # The rows as they are now (fresh after a refusal too), and the row counter with them.
        document.refresh_from_db()
        context = document_context(request, document, pairing_error=error)
        grid = render_to_string("reviews/document.html#grid", context, request)
        response = HttpResponse(grid + stage_fragments(request, document))
        if error:
            return announce(response, error, urgent=True)
        return announce(response, sentence(last_change(document)))
    if error:
        messages.error(request, error)
    return redirect(document)
