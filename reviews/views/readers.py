"""Managers' view of who opened a document in the last 30 days."""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from reviews.readers import READERS_DAYS, recent_readers
from reviews.views.access import document_for


@require_GET
def readers(request, pk):
    document = document_for(request, pk, "see_readers")
    views = list(recent_readers(document))
    context = {
        "document": document,
        "views": views,
        "days": READERS_DAYS,
        "people": len({view.user_id for view in views}),
    }
    return TemplateResponse(request, "reviews/readers.html", context)
