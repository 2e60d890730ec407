"""A person's notifications: the list, and marking them read."""

from django.db import connection
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from reviews import workflow
from reviews.models import Document, visible_to_sql
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


# visible_notifications(user).filter(read_at=None).count() in plain SQL (the desk reads it with
# its page, reviews.queue.desk_summary_sql), as in
# reviews/progress.py: every page's header shows it, and the ORM's form (a join and the
# visibility subquery) costs about 1.4 ms of CPU to build and compile, this 0.1. Which
# documents count is visible_to's rule, in its SQL form (visible_to_sql, beside it).
UNREAD_SQL = """
SELECT COUNT(*) FROM reviews_notification n
JOIN reviews_event e ON e.id = n.event_id
JOIN reviews_document d ON d.id = e.document_id
WHERE n.recipient_id = %(recipient)s AND n.read_at IS NULL AND {visible}
"""


def unread_notifications(user):
    visible, params = visible_to_sql(user, "d")
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL.format(visible=visible), {"recipient": user.pk, **params})
        return cursor.fetchone()[0]


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
