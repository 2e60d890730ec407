"""A person's notifications: the list, and marking them read."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from reviews import workflow
from reviews.models import Document
from reviews.notifications import unread_notifications
from reviews.views.access import number_or_404


def visible_notifications(user):
    """Notifications about documents the person can still see; a reassignment hides the rest."""
    return user.notifications.filter(
        event__document__in=Document.objects.visible_to(user)
    ).select_related("event__actor", "event__document", "event__paragraph")


@require_GET
def notifications(request):
    items = visible_notifications(request.user)[:100]
    return TemplateResponse(request, "reviews/notifications.html", {"notifications": items})


@require_POST
def mark_read(request):
    unread = visible_notifications(request.user).filter(read_at=None)
    if request.POST.get("notification"):
        unread = unread.filter(pk=number_or_404(request.POST["notification"]))
    unread.update(read_at=timezone.now())
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "notifications"
    return redirect(target)


def unread_count(request):
    """Context processor for the header: the unread count and whether to link the reports."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A view that read it already (the desk's, with its other small reads) set it on the
    # request. Lazy: htmx fragments rendered with the request never show it and never count.
    known = getattr(request, "unread_notifications", None)
    return {
        "unread_notifications": known
        if known is not None
        else SimpleLazyObject(lambda: unread_notifications(user)),
        "may_see_reports": workflow.can(user, "translator_report"),
    }
