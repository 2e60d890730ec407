"""The lock every write takes first (reviews.editing.locked_paragraph): the document touched
and locked, then the paragraph locked; on PostgreSQL in one statement."""

import pytest
from django.db import connection, transaction

from reviews import editing
from reviews.models import Document, Paragraph
from tests.conftest import new_document


def test_the_lock_gives_the_rows_as_the_orm_reads_them(document, django_assert_num_queries):
    row = document.paragraphs.order_by("position")[1]
    before = Document.objects.get(pk=document.pk).updated_at
    queries = 1 if connection.vendor == "postgresql" else 2
    with transaction.atomic(), django_assert_num_queries(queries):
        locked = editing.locked_paragraph(row.pk, document.pk)
    expected = Paragraph.objects.get(pk=row.pk)
    for field in Paragraph._meta.concrete_fields:
        assert getattr(locked, field.attname) == getattr(expected, field.attname), field.name
    touched = locked.document
    assert touched.pk == document.pk and touched.touched
    assert touched.updated_at > before
    # As written: the touch's time and what the database's triggers set with it.
    written = Document.objects.get(pk=document.pk)
    for field in Document._meta.concrete_fields:
        if field.name == "state_version" and connection.vendor == "sqlite":
            continue  # SQLite's trigger sets it after RETURNING has answered (as on main)
        assert getattr(touched, field.attname) == getattr(written, field.attname), field.name


def test_a_paragraph_of_another_document_is_not_locked_nor_its_document_touched(people):
    mine, other = new_document(people), new_document(people)
    row = other.paragraphs.first()
    before = Document.objects.get(pk=other.pk).updated_at
    with pytest.raises(Document.DoesNotExist), transaction.atomic():
        editing.locked_paragraph(row.pk, mine.pk)
    with pytest.raises(Document.DoesNotExist), transaction.atomic():
        editing.locked_paragraph(10**9, mine.pk)
    with pytest.raises(Document.DoesNotExist), transaction.atomic():
        editing.locked_paragraph(10**9)
    assert Document.objects.get(pk=other.pk).updated_at == before
    # Without a document to check against, the row's own document is the one locked.
    with transaction.atomic():
        assert editing.locked_paragraph(row.pk).document.pk == other.pk


def test_an_event_on_an_untouched_document_marks_its_activity(
    document, people, django_assert_num_queries
):
    """Event.record touches the document it is about unless the write's lock did: on
    PostgreSQL in the event's own INSERT."""
    from reviews.models import Event

    before = Document.objects.get(pk=document.pk).updated_at
    queries = 1 if connection.vendor == "postgresql" else 2
    with transaction.atomic(), django_assert_num_queries(queries):
        event = Event.record(document, people.editor, Event.Verb.COMMENTED, note="x")
    assert Event.objects.get(pk=event.pk).payload == {"note": "x"}
    assert Document.objects.get(pk=document.pk).updated_at > before
    # A document the write's lock touched is not touched again.
    with transaction.atomic():
        row = document.paragraphs.first()
        locked = editing.locked_paragraph(row.pk, document.pk)
        touched = Document.objects.get(pk=document.pk).updated_at
        with django_assert_num_queries(1):
            Event.record(locked.document, people.editor, Event.Verb.COMMENTED)
        assert Document.objects.get(pk=document.pk).updated_at == touched
