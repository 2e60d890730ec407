"""Translation memory: approved rows of other visible documents, most similar first."""

import random

import pytest
from django.db import connection
from django.urls import reverse

from reviews import editing, memory
from reviews.importing import create_document
from reviews.models import Document, Paragraph
from tests.conftest import new_document
from tests.korean_corpus import paragraph

APPROVED_KO = "정부는 15일 국무회의를 열고 청년 일자리 대책을 확정했다고 밝혔다."
APPROVED_EN = (
    "The government finalized its youth employment measures at a Cabinet meeting on the 15th."
)
# The same sentence a month later: one date and one verb changed.
TODAY_KO = "정부는 16일 국무회의를 열고 청년 일자리 대책을 발표했다고 밝혔다."
OTHER_KO = ["서울시는 지하철 요금을 내년부터 150원 올리기로 했다.", "시민단체는 반대했다."]
OTHER_EN = ["Seoul will raise subway fares by 150 won from next year.", "Civic groups objected."]


def document_with(people, source, target, *, translator, editor, approve=True):
    document = create_document(
        title=f"Story by {translator.username}",
        source_paragraphs=source,
        target_paragraphs=target,
        created_by=translator,
        translator=translator,
        editor=editor,
    )
    from reviews import workflow

    workflow.take_transition(people.manager, "confirm_pairing", document)
    if approve:
        for row in document.paragraphs.all():
            editing.approve_paragraph(editor, row.pk)
    return document


@pytest.fixture
def last_month(people):
    """An approved story that the translator worked on."""
    return document_with(
        people,
        [APPROVED_KO, *OTHER_KO],
        [APPROVED_EN, *OTHER_EN],
        translator=people.translator,
        editor=people.editor,
    )


@pytest.fixture
def today(people):
    return new_document(people, source=[TODAY_KO, "국회는 반대했다."], target=["", ""])


def test_it_finds_the_near_duplicate_with_its_similarity_and_differences(people, last_month, today):
    found = memory.suggestions(people.translator, TODAY_KO, exclude_document=today)
    assert [s.english for s in found] == [APPROVED_EN]
    best = found[0]
    assert 80 <= best.percent < 100
    assert best.origin == last_month.title
    assert best.url.startswith(last_month.get_absolute_url())
    changed = {(op, text) for op, text in best.diff if op != 0}
    assert changed == {(-1, "15일"), (1, "16일"), (-1, "확정했다고"), (1, "발표했다고")}


def test_an_unrelated_paragraph_is_not_suggested(people, last_month):
    assert memory.suggestions(people.translator, "북한은 오늘 미사일을 쐈다.") == []


def test_rows_not_approved_are_not_suggested(people):
    document_with(
        people,
        [APPROVED_KO],
        [APPROVED_EN],
        translator=people.translator,
        editor=people.editor,
        approve=False,
    )
    assert memory.suggestions(people.translator, TODAY_KO) == []


def test_an_approved_row_changed_since_is_no_longer_suggested(people, last_month):
    row = last_month.paragraphs.get(source=APPROVED_KO)
    editing.save_edit(people.translator, row.pk, "A new text.", row.version)
    assert memory.suggestions(people.translator, TODAY_KO) == []


def test_the_documents_own_rows_are_left_out(people, last_month):
    assert memory.suggestions(people.translator, TODAY_KO, exclude_document=last_month) == []


def test_a_document_the_person_cannot_open_is_never_searched(people, last_month):
    # The outsider cannot open last month's story; their own story has a weaker match.
    own = "정부는 16일 국무회의를 열고 노인 돌봄 대책을 발표했다."
    document_with(
        people, [own], ["The government announced elderly care steps."],
        translator=people.outsider, editor=people.editor,
    )  # fmt: skip
    found = memory.suggestions(people.outsider, TODAY_KO)
    assert [s.english for s in found] == ["The government announced elderly care steps."]
    assert all(last_month.title not in s.origin for s in found)
    # The manager sees every document, so both.
    assert len(memory.suggestions(people.manager, TODAY_KO)) == 2


def test_identical_pairs_in_several_documents_are_one_suggestion(people, last_month):
    document_with(
        people, [APPROVED_KO], [APPROVED_EN], translator=people.translator, editor=people.editor
    )
    assert len(memory.suggestions(people.translator, TODAY_KO)) == 1


def test_at_most_three_best_first(people):
    days = range(20, 25)
    variants = [TODAY_KO] + [TODAY_KO.replace("16일", f"{day}일") for day in days]
    for day, korean in zip([16, *days], variants, strict=True):
        english = f"The government announced youth employment measures on the {day}th."
        document_with(
            people, [korean], [english], translator=people.translator, editor=people.editor
        )
    found = memory.suggestions(people.translator, TODAY_KO)
    assert len(found) == 3
    assert found[0].english.endswith("on the 16th.") and found[0].percent == 100
    assert [s.similarity for s in found] == sorted((s.similarity for s in found), reverse=True)


def test_the_near_duplicate_is_found_among_many_newer_rows_sharing_a_word(people, last_month):
    crowd = Document.objects.create(
        title="Crowd", stage="approved", translator=people.translator, created_by=people.editor
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            document=crowd,
            position=n,
            source=f"야당은 {n}일 국무회의를 비판했다.",
            text=f"Crowd {n}",
            status="approved",
        )
        for n in range(memory.MAX_CANDIDATES + 10)
    )
    found = memory.suggestions(people.translator, TODAY_KO)
    assert found and found[0].english == APPROVED_EN


def test_the_editor_loads_suggestions_and_escapes_them(client, people, today):
    document_with(
        people, [APPROVED_KO], ['<img src=x> "Cabinet" & co'],
        translator=people.translator, editor=people.editor,
    )  # fmt: skip
    client.force_login(people.translator)
    row = today.paragraphs.get(source=TODAY_KO)
    edit = client.get(reverse("edit", args=[today.pk, row.pk]), headers={"HX-Request": "true"})
    memory_url = reverse("memory", args=[today.pk, row.pk])
    assert f'hx-get="{memory_url}"' in edit.content.decode()
    response = client.get(memory_url, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<img" not in page and "&lt;img src=x&gt;" in page
    assert 'data-text="&lt;img src=x&gt; &quot;Cabinet&quot; &amp; co"' in page
    assert 'class="diff-del"' in page and 'data-memory-insert="1"' in page


def test_an_outsider_gets_404_for_the_suggestions_of_a_document(client, people, today):
    client.force_login(people.outsider)
    row = today.paragraphs.first()
    assert client.get(reverse("memory", args=[today.pk, row.pk])).status_code == 404


# --------------------------------------------------------------------------- PostgreSQL

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and its GIN index are PostgreSQL's"
)


def seed(people, documents, rows_per_document, rng):
    """Many approved documents in one go (bulk, as a test cannot afford the views)."""
    created = Document.objects.bulk_create(
        Document(
            title=f"Seeded {number}",
            stage="approved",
            translator=people.translator if number % 2 else people.outsider,
            editor=people.editor,
            created_by=people.translator,
        )
        for number in range(documents)
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            position=position,
            source=paragraph(rng),
            text=f"Seeded English {document.pk}.{position}",
            status="approved",
        )
        for document in created
        for position in range(rows_per_document)
    )


@postgres_only
def test_postgres_has_the_trigram_extension_and_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'paragraph_source_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin (source gin_trgm_ops)" in definition


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["manager", "translator"])
def test_postgres_plans_the_lookup_on_the_trigram_index(people, who, last_month):
    # 20,000 rows: with fewer, scanning the whole table is rightly cheaper than the index.
    seed(people, documents=5_000, rows_per_document=4, rng=random.Random(11))
    # Committed rows and VACUUM ANALYZE, as autovacuum leaves a real table: the GIN index's
    # own statistics are only brought up to date by VACUUM, and the planner prices it by them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reviews_paragraph")
        cursor.execute("VACUUM ANALYZE reviews_document")
    user = getattr(people, who)
    rows = memory.approved_rows(user)
    with memory.trigram_threshold():
        plan = memory.trigram_matches(rows, TODAY_KO)[: memory.MAX_CANDIDATES].explain()
    assert "paragraph_source_trgm" in plan, plan
    # And the seeded haystack still gives back the near-duplicate first.
    found = memory.suggestions(user, TODAY_KO)
    assert found[0].english == APPROVED_EN
