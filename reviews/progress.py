"""The numbers a document's progress bar and its approval both read, in one query.

The page, and every action that re-sends the stage buttons, asks them once and hands them to
both (reviews/views/stage.py, reviews.workflow.approval_blocker), instead of counting rows,
proposals and critical comments in three or four queries.

Plain SQL on purpose: the ORM's form of the same four subqueries costs more CPU to compile
(about 4 ms a request on this machine) than the three queries it replaces; this takes a
fraction of a millisecond. Table names come from the models; it runs the same on
PostgreSQL and SQLite."""

from django.db import connection

from reviews.models import Comment, Paragraph, Revision


def counts_sql():
    paragraphs = Paragraph._meta.db_table
    revisions = Revision._meta.db_table
    comments = Comment._meta.db_table
    # Only the models' table names are formatted in; every value is a parameter.
    return (
        f"SELECT (SELECT COUNT(*) FROM {paragraphs} WHERE document_id = %s),"
        f" (SELECT COUNT(*) FROM {paragraphs} WHERE document_id = %s AND status = %s),"
        f" (SELECT COUNT(*) FROM {revisions} r JOIN {paragraphs} p ON p.id = r.paragraph_id"
        f"  WHERE p.document_id = %s AND r.state = %s),"
        f" (SELECT COUNT(*) FROM {comments} WHERE document_id = %s AND severity = %s"
        f"  AND resolved_at IS NULL AND reply_to_id IS NULL)"  # noqa: S608
    )


COUNTS_SQL = counts_sql()


def document_counts(document):
    """{total, approved, open_proposals, critical}: rows, approved rows, open proposals and
    unresolved critical comments (threads, not replies) of the document."""
    pk = document.pk
    params = [
        pk,
        pk,
        Paragraph.Status.APPROVED.value,
        pk,
        Revision.State.PROPOSED.value,
        pk,
        Comment.Severity.CRITICAL.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL, params)
        total, approved, open_proposals, critical = cursor.fetchone()
    return {
        "total": total,
        "approved": approved,
        "open_proposals": open_proposals,
        "critical": critical,
    }
