"""A person's own settings (the account page joins these later)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from reviews.preferences import set_time_zone, time_zone_of, time_zones


@require_http_methods(["GET", "POST"])
def preferences(request):
    error = None
    chosen = time_zone_of(request.user)
    if request.method == "POST":
        chosen = request.POST.get("time_zone", "").strip()
        try:
            set_time_zone(request.user, chosen)
        except ValueError as refused:
            error = str(refused)
        else:
            shown = chosen or f"the desk's ({settings.TIME_ZONE})"
            messages.success(request, f"Times are now shown in {shown}.")
            return redirect("preferences")
    context = {
        "zones": time_zones(),
        "chosen": chosen,
        "desk_zone": settings.TIME_ZONE,
        "error": error,
    }
    return TemplateResponse(
        request, "reviews/preferences.html", context, status=400 if error else 200
    )
