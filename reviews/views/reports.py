"""Reports for managers: how good each translator's work was."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from reviews.models import display_name, is_manager
from reviews.quality import translator_report


@require_GET
def translators(request):
    if not is_manager(request.user):
        raise PermissionDenied("Only managers see the translators' report.")
    rows = translator_report()
    names = get_user_model().objects.in_bulk([row["translator_id"] for row in rows])
    for row in rows:
        row["name"] = display_name(names[row["translator_id"]])
    rows.sort(key=lambda row: row["name"].lower())
    return TemplateResponse(request, "reviews/report.html", {"rows": rows})
