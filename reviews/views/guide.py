"""The help page: the workflow, the roles, the keys and the exports, for a new person. Open
without logging in: it says nothing about any document."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from reviews.importing import MAX_PARAGRAPHS


@login_not_required
@require_GET
def help_page(request):
    context = {
        "threshold": settings.WORKBENCH_QUALITY_THRESHOLD,
        "penalties": settings.WORKBENCH_QUALITY_PENALTIES,
        "max_upload_mb": settings.WORKBENCH_MAX_UPLOAD_BYTES / 1024 / 1024,
        "max_paragraphs": MAX_PARAGRAPHS,
    }
    return TemplateResponse(request, "reviews/help.html", context)
