"""The one place a view gets a document: visibility first (404), then the action (403)."""

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from reviews import workflow
from reviews.models import Document


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
