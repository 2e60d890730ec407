"""The people a comment on a document may @mention, for the completion in its comment boxes."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from reviews.comments import mention_candidates
from reviews.views.access import document_for


@require_GET
def candidates(request, pk):
    """{"people": [{"username", "name", "role"}]}: only for someone who sees the document (404
    otherwise, as for every document route), so names are never listed to an outsider."""
    document = document_for(request, pk)
    return JsonResponse({"people": mention_candidates(document, request.user)})
