"""The desk's queue: the documents a person may see, what waits for them, and the counts."""

import hashlib
import threading
from collections import Counter, OrderedDict

from django.conf import settings
from django.db.models import FETCH_PEERS, Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from reviews.diffing import word_count
from reviews.models import Comment, Document, Paragraph, Revision, Stage, is_manager

# The queue's orders: by due date (the desk's deadlines first, then the priority a manager set),
# or by the last activity.
ORDERS = {
    "due": (F("due_at").asc(nulls_last=True), "-priority", "-updated_at", "-pk"),
    "activity": ("-updated_at", "-pk"),
}


def count_of(queryset, link):
    """A correlated count, so several counts on one row never multiply each other's joins."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def waiting_for(user):
    """Documents whose stage asks this person to act now."""
    mine = Q(stage__in=[Stage.ALIGNING, Stage.TRANSLATING], translator=user) | Q(
        stage=Stage.REVIEWING, editor=user
    )
    if is_manager(user):
        mine |= Q(stage=Stage.APPROVED)
    return mine


def desk_queue(user, *, waiting=False, stage="", person=None, search="", order="due"):
    documents = Document.objects.visible_to(user)
    if waiting:
        documents = documents.filter(waiting_for(user))
    if stage:
        documents = documents.filter(stage=stage)
    if person is not None:
        documents = documents.filter(Q(translator=person) | Q(editor=person))
    if search:
        documents = documents.filter(title__icontains=search)
    return (
        documents.select_related("translator", "editor")
        .fetch_mode(FETCH_PEERS)
        .annotate(
            rows=count_of(Paragraph.objects.all(), "document"),
            approved_rows=count_of(
                Paragraph.objects.filter(status=Paragraph.Status.APPROVED), "document"
            ),
            open_proposals=count_of(
                Revision.objects.filter(state=Revision.State.PROPOSED), "paragraph__document"
            ),
            unresolved_comments=count_of(
                Comment.objects.filter(reply_to=None, resolved_at=None), "document"
            ),
        )
        .order_by(*ORDERS[order])
    )


# A row's Korean word count, kept per process: a pure function of the text, so it is never
# stale, and the same rows come back on every view of the queue (an editor's long documents
# held ~10,000 rows at scale L, 0.6 s of tokenising per view). Keyed by a digest, not the text
# itself (a paragraph is hundreds of bytes), and bounded by settings.WORD_COUNT_CACHE_BYTES.
WORD_COUNT_ENTRY_BYTES = 150  # a 16-byte digest, an int, an OrderedDict slot: ~125 measured
_word_counts = OrderedDict()
_word_counts_lock = threading.Lock()


def counted_words(text):
    key = hashlib.blake2b(text.encode(), digest_size=16).digest()
    with _word_counts_lock:
        count = _word_counts.get(key)
        if count is not None:
            _word_counts.move_to_end(key)
            return count
    count = word_count(text)
    with _word_counts_lock:
        _word_counts[key] = count
        while len(_word_counts) * WORD_COUNT_ENTRY_BYTES > settings.WORD_COUNT_CACHE_BYTES:
            _word_counts.popitem(last=False)
    return count


def words_to_review(documents):
    """{document pk: Korean words in the rows not yet approved}, in one query for a page of the
    queue (words are counted as the quality score counts them, which SQL cannot)."""
    words = Counter()
    rows = Paragraph.objects.filter(document__in=documents).exclude(
        status=Paragraph.Status.APPROVED
    )
    for document_id, source in rows.values_list("document_id", "source").iterator():
        words[document_id] += counted_words(source)
    return words
