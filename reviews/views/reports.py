"""Reports for managers: how good each translator's work was, over a range of dates."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from reviews import workflow
from reviews.forms import ReportRangeForm
from reviews.models import display_name
from reviews.quality import translator_report


@require_GET
def translators(request):
    reason = workflow.refusal(request.user, "translator_report")
    if reason:
        raise PermissionDenied(reason)
    form = ReportRangeForm(request.GET or None)
    if request.GET and not form.is_valid():
        # Bad dates: say so and show no figures, rather than figures for dates nobody asked for.
        context = {"form": form, "rows": [], "refused": True}
        return TemplateResponse(request, "reviews/report.html", context, status=400)
    dates = form.cleaned_data if form.is_bound else {}
    rows = translator_report(since=dates.get("since"), until=dates.get("until"))
    names = get_user_model().objects.in_bulk([row["translator_id"] for row in rows])
    for row in rows:
        row["name"] = display_name(names[row["translator_id"]])
    rows.sort(key=lambda row: row["name"].lower())
    context = {"form": form, "rows": rows, "ranged": bool(dates.get("since") or dates.get("until"))}
    return TemplateResponse(request, "reviews/report.html", context)
