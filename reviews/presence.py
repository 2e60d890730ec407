"""Who is editing which row of a document right now, for the "Daniel is editing" note.

Kept in the database (reviews.EditingPresence), not in a process's memory, so every app server
sees the same people. The page sends one request per open document every few seconds
(static/js/presence.js): a GET to read, or a POST that also says which rows the person has an
editor open on (a heartbeat) and which editors they closed. A presence not refreshed within
PRESENCE_SECONDS is over, whether or not its row has been deleted yet.
"""

import datetime

from django.utils import timezone

from reviews import workflow
from reviews.models import EditingPresence, display_name

POLL_SECONDS = 5
PRESENCE_SECONDS = 30


def cutoff():
    return timezone.now() - datetime.timedelta(seconds=PRESENCE_SECONDS)


def record_presence(person, document, editing=(), stopped=()):
    """Mark `person` editing the rows `editing` (paragraph ids) of `document` now, and no longer
    editing the rows `stopped`. Rows of other documents are ignored, and so is `editing` from
    someone who may not edit the document (any more): presence is a courtesy, not a right."""
    stopped = set(stopped) - set(editing)
    if stopped:
        EditingPresence.objects.filter(
            document=document, person=person, paragraph_id__in=stopped
        ).delete()
    if editing and workflow.can(person, "edit", document):
        rows = document.paragraphs.filter(pk__in=set(editing)).values_list("pk", flat=True)
        now = timezone.now()
        # One upsert per heartbeat: the row is state to overwrite, not a record to keep.
        EditingPresence.objects.bulk_create(
            [
                EditingPresence(document=document, paragraph_id=pk, person=person, last_seen=now)
                for pk in rows
            ],
            update_conflicts=True,
            unique_fields=["paragraph", "person"],
            update_fields=["last_seen"],
        )
    # Expired presences say nothing any more (reads skip them); deleting them on the writes
    # keeps the table as small as the number of editors open on the desk.
    EditingPresence.objects.filter(last_seen__lt=cutoff()).delete()


def editors_by_row(document, viewer):
    """{paragraph id: [names]} of the people other than `viewer` editing rows of `document`
    now, only people who may see the document. One query."""
    presences = (
        EditingPresence.objects.filter(document=document, last_seen__gte=cutoff())
        .exclude(person=viewer)
        .filter(person__in=document.insiders().values("pk"))
        .select_related("person")
        .order_by("paragraph_id", "person__first_name", "person__username")
    )
    rows = {}
    for presence in presences:
        rows.setdefault(presence.paragraph_id, []).append(display_name(presence.person))
    return rows
