"""A health check for load balancers: the app answers, and nothing else is touched."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def healthz(request):
    """200 "ok" without reading the session or the database, so a probe every second costs
    nothing and keeps answering while the database is busy."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
