"""The numbers a document's progress bar and its approval both read, in one query.

The page, and every action that re-sends the stage buttons, asks them once and hands them to
both (reviews/views/stage.py, reviews.workflow.approval_blocker), instead of counting rows,
proposals and critical comments twice over."""

from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery

from reviews.models import Comment, Document, Paragraph, Revision


def count_of(queryset):
    """COUNT(*) of `queryset` as a subquery (no GROUP BY: one row however many it counts)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def document_counts(document):
    """{total, approved, open_proposals, critical}: rows, approved rows, open proposals and
    unresolved critical comments (threads, not replies) of the document."""
    rows = Paragraph.objects.filter(document=OuterRef("pk"))
    return (
        Document.objects.filter(pk=document.pk)
        .values(
            total=count_of(rows),
            approved=count_of(rows.filter(status=Paragraph.Status.APPROVED)),
            open_proposals=count_of(
                Revision.objects.filter(
                    paragraph__document=OuterRef("pk"), state=Revision.State.PROPOSED
                )
            ),
            critical=count_of(
                Comment.objects.filter(
                    Q(document=OuterRef("pk")),
                    severity=Comment.Severity.CRITICAL,
                    resolved_at__isnull=True,
                    reply_to__isnull=True,
                )
            ),
        )
        .get()
    )
