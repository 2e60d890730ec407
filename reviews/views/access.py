"""The one place a view gets a document: visibility first (404), then the action (403)."""

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from reviews import workflow
from reviews.models import Document, Paragraph


def document_for(request, pk, action="view"):
    """The document if the user may see it (else 404) and may take `action` (else 403)."""
    queryset = Document.objects.visible_to(request.user).select_related("translator", "editor")
    document = get_object_or_404(queryset, pk=pk)
    if action != "view":
        reason = workflow.refusal(request.user, action, document)
        if reason:
            raise PermissionDenied(reason)
    return document


def number_or_404(value):
    """An id from a form or query string; anything else is a page that does not exist."""
    if not re.fullmatch(r"[0-9]{1,18}", str(value)):
        raise Http404("Not an id")
    return int(value)


# Plain SQL on purpose, as in reviews/progress.py: the ORM's form costs several times more CPU
# to compile than to run, on every write that re-renders a row (bench/fixed_cost.py).
PARAGRAPH_SQL = "SELECT * FROM reviews_paragraph WHERE id = %s AND document_id = %s"


def paragraph_or_404(document, paragraph_pk):
    """The row `paragraph_pk` of `document` (one the view got from document_for), else 404."""
    found = next(iter(Paragraph.objects.raw(PARAGRAPH_SQL, [paragraph_pk, document.pk])), None)
    if found is None:
        raise Http404("No such paragraph in this document")
    found.document = document
    return found
