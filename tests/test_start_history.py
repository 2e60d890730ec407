"""Confirming the pairing starts the history: one accepted revision per row, the translation
as uploaded, written in one statement whatever the document's length."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews import editing, workflow
from reviews.importing import create_document, start_history
from reviews.models import Paragraph, Revision, Role
from tests.conftest import new_document


def long_document(people, rows, **assigned):
    return create_document(
        title="A long pairing",
        source_paragraphs=[f"{n}번째 문단입니다. 시는 {n}억원을 배정했다." for n in range(rows)],
        target_paragraphs=[
            f"Paragraph {n}: the city set aside {n}00 million won." for n in range(rows)
        ],
        created_by=people.translator,
        **assigned,
    )


def test_every_row_gets_its_uploaded_translation_as_revision_one(people):
    document = long_document(people, 12, translator=people.translator, editor=people.editor)
    Paragraph.objects.filter(document=document, position=5).update(text="")
    before = timezone.now()
    workflow.take_transition(people.editor, "confirm_pairing", document)
    rows = list(document.paragraphs.order_by("position"))
    firsts = list(Revision.objects.filter(paragraph__document=document).order_by("pk"))
    assert [r.paragraph_id for r in firsts] == [row.pk for row in rows]
    for row, first in zip(rows, firsts, strict=True):
        assert row.original_text == row.text == first.text
        assert first.author == people.translator and first.author_role == Role.TRANSLATOR
        assert first.state == Revision.State.ACCEPTED
        assert (first.version, first.base_version, first.base_text) == (1, 0, "")
        assert first.diff == ([[1, row.text]] if row.text else [])
        assert first.note == "uploaded translation"
        assert first.decided_by is None and first.decided_at is None
        assert before - timedelta(seconds=5) <= first.created_at <= timezone.now()
    assert firsts[5].diff == []


def test_quotes_and_korean_survive_the_diff(people):
    text = 'He said "no" \\ and \u201cyes\u201d: 예산 {"a": 1}'
    document = create_document(
        title="Quotes",
        source_paragraphs=["그는 말했다."],
        target_paragraphs=[text],
        created_by=people.translator,
        translator=people.translator,
    )
    workflow.take_transition(people.translator, "confirm_pairing", document)
    first = Revision.objects.get(paragraph__document=document)
    assert first.diff == [[1, text]] and first.text == text


def test_without_a_translator_the_confirming_person_is_the_author(people):
    document = long_document(people, 3, editor=people.editor)
    workflow.take_transition(people.manager, "confirm_pairing", document)
    authors = set(
        Revision.objects.filter(paragraph__document=document).values_list("author", "author_role")
    )
    assert authors == {(people.manager.pk, Role.MANAGER)}


def test_rows_that_have_a_history_keep_it(people):
    document = new_document(people)
    counts = list(Revision.objects.filter(paragraph__document=document).values_list("pk"))
    start_history(document, people.manager)
    assert list(Revision.objects.filter(paragraph__document=document).values_list("pk")) == counts


def test_confirming_costs_the_same_queries_for_4_or_400_rows(people, django_assert_num_queries):
    short = long_document(people, 4, translator=people.translator)
    long = long_document(people, 400, translator=people.translator)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as for_short:
        workflow.take_transition(people.translator, "confirm_pairing", short)
    with django_assert_num_queries(len(for_short)):
        workflow.take_transition(people.translator, "confirm_pairing", long)
    assert Revision.objects.filter(paragraph__document=long).count() == 400


@pytest.mark.parametrize("accept", [False, True])
def test_editing_goes_on_from_the_first_revision(people, accept):
    document = long_document(people, 3, translator=people.translator, editor=people.editor)
    workflow.take_transition(people.translator, "confirm_pairing", document)
    row = document.paragraphs.order_by("position").first()
    editor = people.editor if accept else people.translator
    revision = editing.save_edit(editor, row.pk, row.text + " More.", 1, accept=accept)
    assert revision.base_text == row.text and revision.base_version == 1
    row.refresh_from_db()
    assert row.version == 2 and row.text.endswith("More.")
