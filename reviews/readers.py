"""Who saw what: the people who opened a document, one row per person per day.

A page view costs one INSERT ... ON CONFLICT DO NOTHING (the unique constraint on document,
person and day does the deduplication), and only full page loads count: the htmx fragments of
the hot path (rows, edits, threads) never write here. Exports are Events already (who, when,
which format) and show in the activity log.
"""

import datetime

from django.utils import timezone

from reviews.models import DocumentView

READERS_DAYS = 30


def record_view(user, document):
    if not user.is_authenticated:
        return
    DocumentView.objects.bulk_create(
        [DocumentView(document=document, user=user, day=timezone.localdate())],
        ignore_conflicts=True,
    )


def recent_readers(document, days=READERS_DAYS):
    """The document's views of the last `days` days (today included), newest day first."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return (
        DocumentView.objects.filter(document=document, day__gte=since)
        .select_related("user")
        .order_by("-day", "first_opened_at")
    )
