"""Translation memory suggestions for the row being edited, loaded beside its editor."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from reviews.memory import suggestions as memory_suggestions
from reviews.views.access import document_for


@require_GET
def suggestions(request, pk, paragraph_pk):
    document = document_for(request, pk, "edit")
    paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
    context = {
        "document": document,
        "paragraph": paragraph,
        "suggestions": memory_suggestions(
            request.user, paragraph.source, exclude_document=document
        ),
    }
    template = "reviews/memory.html"
    if request.htmx:
        template += "#suggestions"
    return TemplateResponse(request, template, context)
