"""Reports for managers: how good each translator's work was."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from reviews import workflow
from reviews.models import display_name
from reviews.quality import translator_report


@require_GET
def translators(request):
    reason = workflow.refusal(request.user, "translator_report")
    if reason:
        raise PermissionDenied(reason)
    rows = translator_report()
    names = get_user_model().objects.in_bulk([row["translator_id"] for row in rows])
    for row in rows:
        row["name"] = display_name(names[row["translator_id"]])
    rows.sort(key=lambda row: row["name"].lower())
    return TemplateResponse(request, "reviews/report.html", {"rows": rows})
