"""The state-version triggers (migrations 0016, 0024) stay index look-ups on a connection whose
first write was a bulk one: PL/pgSQL keeps a trigger statement's first plan for the connection,
planned for the rows its transition table held then. PostgreSQL only (SQLite's triggers are row
triggers); the plans are read with auto_explain, which ships with PostgreSQL."""

import re

import pytest
from django.db import connection
from django.db.utils import DatabaseError

from reviews.models import Document, Paragraph, Revision
from tests.conftest import new_document

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statement triggers"
)

BULK = 600


@pytest.fixture
def explained():
    """The plans of every statement, the triggers' own included, as auto_explain logs them."""
    plans = []

    def keep(diagnostic):
        if "plan:" in (diagnostic.message_primary or ""):
            plans.append(diagnostic.message_primary)

    with connection.cursor() as cursor:
        try:
            cursor.execute("LOAD 'auto_explain'")
        except DatabaseError as error:  # not a superuser, or a server built without it
            pytest.skip(f"auto_explain cannot be loaded here: {error}")
        for setting in (
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_nested_statements = on",
            "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on",
            "auto_explain.log_timing = off",
            "auto_explain.log_level = notice",
            "client_min_messages = notice",
        ):
            cursor.execute(f"SET LOCAL {setting}")
    connection.connection.add_notice_handler(keep)
    yield plans
    connection.connection.remove_notice_handler(keep)


def bump_reads(plans):
    """Shared buffers each raise of the documents' version read (its plan's top node)."""
    reads = []
    for plan in plans:
        if "UPDATE reviews_document SET state_version" in plan:
            reads.append(int(re.search(r"Buffers: shared hit=(\d+)", plan).group(1)))
    return reads


def test_a_one_row_write_after_a_bulk_one_reads_a_few_pages(people, explained):
    documents = [new_document(people) for _ in range(6)]
    rows = Paragraph.objects.bulk_create(
        Paragraph(document=document, position=100 + i, source="원문.", text="Text.")
        for document in documents
        for i in range(BULK // len(documents))
    )

    def revision(row, text):
        return Revision(
            paragraph=row,
            author=people.translator,
            author_role="translator",
            text=text,
            base_version=1,
            base_text=row.text,
            diff=[],
            state=Revision.State.REJECTED,
        )

    with connection.cursor() as cursor:
        # The connection forgets the plans it keeps (those the writes above made included),
        # so the bulk writes below are the first its triggers are planned for.
        cursor.execute("ANALYZE reviews_document, reviews_paragraph, reviews_revision")
        cursor.execute("DISCARD PLANS")
    Revision.objects.bulk_create(revision(row, "Bulk.") for row in rows)
    Paragraph.objects.filter(pk__in=[row.pk for row in rows]).update(pinned=True)
    bulk = bump_reads(explained)
    del explained[:]
    before = Document.objects.get(pk=documents[0].pk).state_version

    Revision.objects.bulk_create([revision(rows[0], "One.")])
    Paragraph.objects.filter(pk=rows[0].pk).update(text="One row.")

    one_row = bump_reads(explained)
    assert len(bulk) >= 2 and len(one_row) == 2, (bulk, one_row)
    # An index look-up of one paragraph and one document: a handful of pages (10 here). The
    # plan 0016's triggers kept after the bulk write read every document and each one's
    # paragraphs (49 pages here, with 6 documents of 100 rows).
    assert max(one_row) <= 20, one_row
    assert Document.objects.get(pk=documents[0].pk).state_version > before
