"""The memory's band-key index (reviews/memory_index.py): kept up to date on every path that
changes what is approved or imported, as good as scoring everything, and blind to what a person
may not open."""

import difflib
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviews import editing, memory, memory_index, workflow
from reviews.archive import export_archive, import_archive
from reviews.formats.interchange import APPROVED, Bilingual, MemoryPair, Unit
from reviews.importing import create_document, create_document_from_units, import_memory
from reviews.models import (
    Document,
    MemoryRowKey,
    MemoryStopKey,
    MemoryUnit,
    MemoryUnitKey,
    Paragraph,
)
from tests.korean_corpus import near_duplicate, paragraph

KO = "정부는 15일 국무회의를 열고 청년 일자리 대책을 확정했다고 밝혔다."
EN = "The government finalized its youth employment measures on the 15th."


def keys_of(row):
    return set(MemoryRowKey.objects.filter(paragraph=row).values_list("key", flat=True))


def all_keys():
    rows = set(MemoryRowKey.objects.values_list("key", "document_id", "paragraph_id"))
    return rows, set(MemoryUnitKey.objects.values_list("key", "unit_id"))


def reviewing_document(people, sources=(KO,), targets=(EN,)):
    document = create_document(
        title="Story",
        source_paragraphs=list(sources),
        target_paragraphs=list(targets),
        created_by=people.translator,
        translator=people.translator,
        editor=people.editor,
    )
    workflow.take_transition(people.manager, "confirm_pairing", document)
    workflow.take_transition(people.translator, "submit_for_review", document)
    return document


def approved_row(people):
    document = reviewing_document(people)
    row = document.paragraphs.get()
    editing.approve_paragraph(people.editor, row.pk)
    row.refresh_from_db()
    return row


def test_approving_a_row_indexes_it_and_only_then(people):
    document = reviewing_document(people)
    row = document.paragraphs.get()
    assert keys_of(row) == set()
    editing.approve_paragraph(people.editor, row.pk)
    assert keys_of(row) == set(memory_index.band_keys(KO))
    assert len(keys_of(row)) == memory_index.BANDS


def test_a_proposal_on_an_approved_row_takes_it_out(people):
    row = approved_row(people)
    editing.save_edit(people.translator, row.pk, EN + " Today.", row.version)
    assert Paragraph.objects.get(pk=row.pk).status == Paragraph.Status.TRANSLATED
    assert keys_of(row) == set()
    assert memory.suggestions(people.manager, KO) == []


def test_an_editors_direct_edit_of_an_approved_row_takes_it_out(people):
    row = approved_row(people)
    editing.save_edit(people.editor, row.pk, EN + " Today.", row.version, accept=True)
    assert keys_of(row) == set()


def test_approving_again_puts_it_back(people):
    row = approved_row(people)
    editing.save_edit(people.editor, row.pk, EN + " Today.", row.version, accept=True)
    editing.approve_paragraph(people.editor, row.pk)
    assert keys_of(row) == set(memory_index.band_keys(KO))


def test_undoing_a_rejection_on_a_row_approved_since_takes_it_out(people):
    row = approved_row(people)
    proposal = editing.save_edit(people.translator, row.pk, EN + " Today.", row.version)
    editing.reject_proposal(people.editor, proposal.pk)
    editing.approve_paragraph(people.editor, row.pk)
    assert keys_of(row)
    row.refresh_from_db()
    editing.undo_decision(people.editor, proposal.pk, row.version)
    assert Paragraph.objects.get(pk=row.pk).status == Paragraph.Status.TRANSLATED
    assert keys_of(row) == set()


def test_deleting_a_document_takes_its_rows_keys(people):
    # Rows with history cannot be deleted (their revisions are protected); a pairing redone in
    # aligning deletes rows without any, as this bare document's.
    document = Document.objects.create(title="Bare", created_by=people.editor)
    row = Paragraph.objects.create(
        document=document, position=0, source=KO, text=EN, status=Paragraph.Status.APPROVED
    )
    memory_index.index_rows([row.pk])
    assert keys_of(row)
    document.delete()
    assert not MemoryRowKey.objects.exists()


def test_an_xliff_files_approved_units_are_indexed(people):
    file = Bilingual(
        title="From the vendor",
        units=[Unit(KO, EN, status=APPROVED), Unit("국회는 반대했다.", "Parliament objected.")],
    )
    document = create_document_from_units(
        file, title="From the vendor", created_by=people.manager, translator=people.translator
    )
    approved, other = document.paragraphs.order_by("position")
    assert keys_of(approved) == set(memory_index.band_keys(KO))
    assert keys_of(other) == set()


def test_imported_tmx_units_are_indexed(people):
    added, _ = import_memory([MemoryPair(KO, EN, "ko-KR", "en-US")], origin="vendor.tmx")
    assert added == 1
    unit = MemoryUnit.objects.get()
    keys = set(MemoryUnitKey.objects.filter(unit=unit).values_list("key", flat=True))
    assert keys == set(memory_index.band_keys(KO))
    unit.delete()
    assert not MemoryUnitKey.objects.exists()


def test_the_rebuild_command_gives_the_keys_kept_on_the_way(people):
    approved_row(people)
    import_memory([MemoryPair(KO, EN)], origin="vendor.tmx")
    kept = all_keys()
    assert kept[0] and kept[1]
    MemoryRowKey.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_memory_index", stdout=out)
    assert all_keys() == kept
    assert "row keys" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_archive_restored_into_an_empty_database_is_indexed_again(people, tmp_path):
    approved_row(people)
    import_memory([MemoryPair(KO, EN)], origin="vendor.tmx")
    kept = all_keys()
    path = tmp_path / "desk.json"
    with path.open("wb") as out:
        export_archive(out, with_passwords=True)
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not MemoryRowKey.objects.exists()
    with path.open("rb") as stream:
        import_archive(stream)
    assert all_keys() == kept


# ----------------------------------------------------------- against scoring everything


@pytest.fixture
def corpus(people):
    """300 approved rows in 60 documents, every third document the outsider's (whom the
    translator cannot see), and 200 units."""
    rng = random.Random(7)
    documents = Document.objects.bulk_create(
        Document(
            title=f"Story {number}",
            stage="approved",
            translator=people.outsider if number % 3 == 0 else people.translator,
            editor=people.editor,
            created_by=people.editor,
        )
        for number in range(60)
    )
    rows = Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            position=position,
            source=paragraph(rng, sentences=rng.randint(1, 3)),
            text=f"English {document.pk}.{position}",
            status="approved",
        )
        for document in documents
        for position in range(5)
    )
    memory_index.index_rows(row.pk for row in rows)
    units = MemoryUnit.objects.bulk_create(
        MemoryUnit(source=paragraph(rng), target=f"Unit {n}", source_lang="ko", target_lang="en")
        for n in range(200)
    )
    memory_index.index_units(unit.pk for unit in units)
    return rows, units


def exhaustive(user, text):
    """Every visible approved row and every unit scored, best first: what the index must match."""
    scored = []
    rows = memory.approved_rows(user).values_list("source", "text")
    units = memory.memory_units().values_list("source", "target")
    for source, english in [*rows, *units]:
        ratio = difflib.SequenceMatcher(None, source, text, autojunk=False).ratio()
        scored.append((ratio, english))
    return sorted(scored, reverse=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pick=st.integers(0, 499), seed=st.integers(0, 10_000), who=st.sampled_from(["m", "t"]))
@example(pick=264, seed=1, who="m")
def test_a_near_duplicate_is_found_as_scoring_everything_finds_it(people, corpus, pick, seed, who):
    rows, units = corpus
    texts = [(row.source, row.text) for row in rows] + [(u.source, u.target) for u in units]
    source, english = texts[pick]
    text = near_duplicate(source, random.Random(seed))
    user = people.manager if who == "m" else people.translator
    best = exhaustive(user, text)
    found = memory.suggestions(user, text)
    # Whatever scoring everything puts at 0.8 or more is shown, with the same score.
    near = [round(ratio, 9) for ratio, _ in best if ratio >= 0.8][:3]
    assert [round(s.similarity, 9) for s in found][: len(near)] == near
    visible = memory.approved_rows(user).filter(source=source).exists() or pick >= len(rows)
    if visible:
        # The original is shown wherever scoring everything puts it among the first three:
        # the corpus's templates can make another row read even closer to the rewritten text
        # (the example above: the original second at 0.907, another row first at 0.933).
        own = max(ratio for ratio, shown in best if shown == english)
        assert found
        if sum(ratio >= own for ratio, _ in best) <= 3:
            assert english in [suggestion.english for suggestion in found]


def test_the_translator_never_gets_a_row_of_a_document_they_cannot_open(people, corpus):
    rows, _ = corpus
    hidden = [row for row in rows if row.document.translator_id == people.outsider.pk]
    assert hidden
    for row in hidden[:30]:
        found = memory.suggestions(people.translator, row.source)
        assert all(s.key != ("paragraph", row.pk) for s in found)
        assert all(s.english != row.text for s in found)
        # The outsider, who may open it, gets it first and whole.
        (first, *_) = memory.suggestions(people.outsider, row.source)
        assert (first.key, first.percent) == (("paragraph", row.pk), 100)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 100_000), count=st.integers(0, 40), limit=st.integers(1, 5))
def test_the_pruned_scoring_gives_what_scoring_every_candidate_gives(seed, count, limit):
    rng = random.Random(seed)
    text = paragraph(rng, sentences=1)
    # Look-alikes of the text (some equal to each other), and unrelated ones.
    sources = [
        near_duplicate(text, rng) if rng.random() < 0.5 else paragraph(rng, sentences=1)
        for _ in range(count)
    ]
    sources += sources[: count // 4]
    candidates = [memory.Candidate(source, f"E{n}", "", "", n) for n, source in enumerate(sources)]
    everything = [(memory.similarity(c.source, text), c) for c in candidates]
    everything = [item for item in everything if item[0] >= 0.5]
    everything.sort(key=lambda item: -item[0])  # stable: equals keep the candidates' order
    assert memory.best_scored(candidates, text, limit) == everything[:limit]


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_the_ratio_bound_is_never_under_difflibs_ratio_and_is_it_on_near_duplicates(seed):
    rng = random.Random(seed)
    text = paragraph(rng, sentences=rng.randint(1, 3))
    near = near_duplicate(text, rng)
    other = paragraph(rng, sentences=rng.randint(1, 3))
    assert memory.ratio_bound(near, text) == memory.similarity(near, text)
    ratio = difflib.SequenceMatcher(None, other, text, autojunk=False).ratio()
    assert memory.ratio_bound(other, text) >= ratio


# --------------------------------------------------------------------------- stop keys
# A key that CAP owners of a source share is a stop key of it: the look-up leaves it out of
# its counting while at least MIN_RARE_KEYS of the text's keys are rarer.


def stop_keys(source):
    return set(MemoryStopKey.objects.filter(source=source).values_list("key", flat=True))


def approved_copies(people, source, count):
    crowd = Document.objects.create(
        title="Crowd", stage="approved", translator=people.translator, created_by=people.editor
    )
    rows = Paragraph.objects.bulk_create(
        Paragraph(document=crowd, position=n, source=source, text=f"Copy {n}", status="approved")
        for n in range(count)
    )
    memory_index.index_rows(row.pk for row in rows)
    return rows


def test_a_key_reaching_the_cap_becomes_a_stop_key_until_a_rebuild_finds_it_under(
    people, monkeypatch
):
    monkeypatch.setattr(memory_index, "CAP", 3)
    keys = set(memory_index.band_keys(KO))
    rows = approved_copies(people, KO, 2)
    assert stop_keys("row") == set()
    rows += approved_copies(people, KO, 1)
    assert stop_keys("row") == keys
    memory_index.forget_rows([rows[0].pk])
    assert stop_keys("row") == keys  # kept: a save on an approved row counts nothing
    memory_index.index_rows([rows[0].pk])
    assert stop_keys("row") == keys
    units = MemoryUnit.objects.bulk_create(
        MemoryUnit(source=KO, target=f"U{n}", source_lang="ko", target_lang="en") for n in range(3)
    )
    memory_index.index_units(unit.pk for unit in units[:2])
    assert stop_keys("unit") == set()
    memory_index.index_units(unit.pk for unit in units)
    assert stop_keys("unit") == keys
    assert stop_keys("row") == keys  # each source keeps its own
    kept = set(MemoryStopKey.objects.values_list("key", "source"))
    memory_index.rebuild()
    assert set(MemoryStopKey.objects.values_list("key", "source")) == kept
    memory_index.forget_rows([rows[0].pk])
    memory_index.rebuild_stop_keys()
    assert stop_keys("row") == set() and stop_keys("unit") == keys


def test_the_look_up_counts_the_rarer_keys_while_enough_are_left(db):
    keys = memory_index.band_keys(KO)
    rare = memory_index.BANDS - memory_index.MIN_RARE_KEYS
    MemoryStopKey.objects.bulk_create(MemoryStopKey(key=key, source="row") for key in keys[:rare])
    assert memory_index.searched_keys("row", keys) == keys[rare:]
    assert memory_index.searched_keys("unit", keys) == keys  # the rows' stop keys only
    MemoryStopKey.objects.create(key=keys[rare], source="row")
    # Too few rarer keys left: all of them are counted, each capped, as without stop keys.
    assert memory_index.searched_keys("row", keys) == keys


def test_the_near_duplicate_is_found_past_stop_keys_it_shares_with_a_crowd(people, monkeypatch):
    monkeypatch.setattr(memory_index, "CAP", 5)
    original = approved_row(people)
    near = KO.replace("15일", "16일")
    # Newer rows sharing the paragraph's opening and its ending with the near duplicate.
    approved_copies(people, "정부는 16일 국무회의를 열고 올해 예산안을 확정했다고 밝혔다.", 30)
    shared = stop_keys("row") & set(memory_index.band_keys(near))
    assert shared  # the crowd made some of the near duplicate's keys stop keys
    assert len(memory_index.searched_keys("row", memory_index.band_keys(near))) < memory_index.BANDS
    found = memory.suggestions(people.manager, near)
    assert found[0].key == ("paragraph", original.pk)
