"""Who saw what: the people who opened a document, one row per person per day.

A page view costs one INSERT ... ON CONFLICT DO NOTHING (the unique constraint on document,
person and day does the deduplication), and only full page loads count: the htmx fragments of
the hot path (rows, edits, threads) never write here. Exports are Events already (who, when,
which format) and show in the activity log.

Each worker remembers the views it has written (`_written`), so a person's second view of a
document on the same day writes nothing: the INSERT would only hit the constraint. The memo
is only ever a shortcut past a write that would change nothing: a view another worker wrote
is written again here (and ignored), a memo emptied or missed costs the INSERT it costs
anyway, and an entry is added only once the INSERT is committed (a rolled-back one is
forgotten). Its key holds the document's created_at as well as its pk, as the page cache's
does: a database restored or reset can give the same pk to another document.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from reviews.models import DocumentView

READERS_DAYS = 30
# About 250 bytes an entry: a worker's memo stays near 1 MB. Emptied when full (the next
# views of the day each cost their INSERT again), which a desk reaches only after thousands of
# (person, document) pairs in one worker's life.
WRITTEN_MAX = 4096
_written = set()


def record_view(user, document):
    if not user.is_authenticated:
        return
    day = timezone.localdate()
    key = (user.pk, document.pk, document.created_at, day)
    if key in _written:
        return
    DocumentView.objects.bulk_create(
        [DocumentView(document=document, user=user, day=day)], ignore_conflicts=True
    )
    transaction.on_commit(lambda: remember(key))


def remember(key):
    if len(_written) >= WRITTEN_MAX:
        _written.clear()
    _written.add(key)


def recent_readers(document, days=READERS_DAYS):
    """The document's views of the last `days` days (today included), newest day first."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return (
        DocumentView.objects.filter(document=document, day__gte=since)
        .select_related("user")
        .order_by("-day", "first_opened_at")
    )
