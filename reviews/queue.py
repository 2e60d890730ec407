"""The desk's queue: the documents a person may see, what waits for them, and the counts."""

from django.db.models import FETCH_PEERS, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

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
    """The documents, sorted, with their unresolved threads counted (PostgreSQL counts them
    after the sort and the LIMIT: only for the page shown). The row counts are count_rows's,
    for the page alone."""
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
            unresolved_comments=count_of(
                Comment.objects.filter(reply_to=None, resolved_at=None), "document"
            ),
        )
        .order_by(*ORDERS[order])
    )


def count_rows(documents):
    """Set `rows`, `approved_rows`, `words_to_review` (the Korean words of the rows not yet
    approved, as the quality score counts them) and `open_proposals` on each of `documents`, a
    page of the queue: two grouped queries over those documents' rows alone, read from the
    index row_document_status_words and the partial index open_proposals."""
    pks = [document.pk for document in documents]
    approved = Q(status=Paragraph.Status.APPROVED)
    rows = {
        counts["document"]: counts
        for counts in Paragraph.objects.filter(document__in=pks)
        .order_by()
        .values("document")
        .annotate(
            rows=Count("pk"),
            approved_rows=Count("pk", filter=approved),
            words_to_review=Sum("source_words", filter=~approved, default=0),
        )
    }
    proposals = dict(
        Revision.objects.filter(state=Revision.State.PROPOSED, paragraph__document__in=pks)
        .order_by()
        .values_list("paragraph__document")
        .annotate(n=Count("*"))
    )
    for document in documents:
        counts = rows.get(document.pk, {})
        document.rows = counts.get("rows", 0)
        document.approved_rows = counts.get("approved_rows", 0)
        document.words_to_review = counts.get("words_to_review", 0)
        document.open_proposals = proposals.get(document.pk, 0)
    return documents
