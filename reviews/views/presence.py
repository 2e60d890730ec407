"""The presence poll of the document page: who else is editing which row, right now."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from reviews.presence import POLL_SECONDS, editors_by_row, record_presence
from reviews.sessions import background_reads
from reviews.views.access import document_for, number_or_404


@background_reads
@never_cache
@require_http_methods(["GET", "POST"])
def presence(request, pk):
    """GET: {"rows": {paragraph id: [names]}, "poll_seconds": n}. POST: the same, after the
    heartbeat: `editing` (the rows whose editor this page has open) and `stopped` (the rows
    whose editor it closed), each a paragraph id, repeated. The GETs do not keep an idle
    session alive; a heartbeat does (the page sends it only while someone works in an
    editor)."""
    document = document_for(request, pk)
    if request.method == "POST":
        record_presence(
            request.user,
            document,
            editing=[number_or_404(pk) for pk in request.POST.getlist("editing")],
            stopped=[number_or_404(pk) for pk in request.POST.getlist("stopped")],
        )
    rows = editors_by_row(document, request.user)
    return JsonResponse(
        {"rows": {str(pk): names for pk, names in rows.items()}, "poll_seconds": POLL_SECONDS}
    )
