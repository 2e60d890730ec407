"""Login lock-outs for managers: who or which address django-axes is blocking now, and a button
to lift each block."""

import logging
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from reviews import workflow

log = logging.getLogger(__name__)

KINDS = {"username": "Account", "ip_address": "Address"}


def current_lockouts():
    """The usernames and addresses with at least the failure limit within the cool-off, as
    django-axes counts them (AXES_LOCKOUT_PARAMETERS: each on its own)."""
    cooloff = timedelta(hours=settings.AXES_COOLOFF_TIME)
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    lockouts = []
    for kind, label in KINDS.items():
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        for row in rows:
            lockouts.append(
                {
                    "kind": kind,
                    "label": label,
                    "value": row[kind],
                    "failures": row["failures"],
                    "last": row["last"],
                    "until": row["last"] + cooloff,
                }
            )
    return lockouts


def check(request):
    reason = workflow.refusal(request.user, "lift_lockouts")
    if reason:
        raise PermissionDenied(reason)


@require_GET
def lockouts(request):
    check(request)
    context = {"lockouts": current_lockouts(), "failure_limit": settings.AXES_FAILURE_LIMIT}
    return TemplateResponse(request, "reviews/lockouts.html", context)


@require_POST
def lift(request):
    check(request)
    kind, value = request.POST.get("kind"), request.POST.get("value", "")
    if kind not in KINDS or not value:
        messages.error(request, "Choose a lock-out to lift.")
        return redirect("lockouts")
    removed = reset(username=value) if kind == "username" else reset(ip=value)
    if removed:
        log.warning("%s lifted the login lock-out of %s %s", request.user, kind, value)
        messages.success(request, f"Lifted the lock-out of {value}.")
    else:
        messages.info(request, f"{value} was not locked out any more.")
    return redirect("lockouts")
