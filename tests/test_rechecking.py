"""An accepted change reads two neighbours and the database's length sums, not every row
(reviews/rechecking.py): these tests hold that against full runs of the checks over the demo
article after many random proposals and accepts, and the sums against document_ratio."""

import random
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import checks, editing, rechecking
from reviews.checks.form import opens_quotation
from reviews.checks.terms import consistency_names
from reviews.glossary import add_term
from reviews.glossary_marks import glossary_version
from reviews.models import WHITESPACE, Paragraph
from tests.conftest import new_document
from tests.test_findings_incremental import brackets, full_run

DEMO = Path(__file__).resolve().parents[1] / "reviews" / "demo"
# Spellings a random edit puts in (or takes out of) a row: the demo's two names and a
# variant of each, so the consistency check has names written two ways to find.
NAMES = ["Kim Sun-ja", "Kim Sun Ja", "Park Jeong-hoon", "Park Jung-hoon"]


def demo_paragraphs(name):
    text = (DEMO / name).read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def edited(text, rng):
    choice = rng.randrange(7)
    if choice == 0:
        present = [name for name in NAMES if name in text]
        if present:
            name = rng.choice(present)
            return text.replace(name, rng.choice([n for n in NAMES if n != name]), 1)
    if choice == 1:
        return f"{text} {rng.choice(NAMES)} said so."
    if choice == 2:
        return text[1:] if text.startswith("“") else "“" + text
    if choice == 3:
        return text + " “More." if rng.random() < 0.5 else text.replace("“", "", 1)
    if choice == 4:
        # Long enough to move the document's ratio and this row's length judgement.
        return text + " The residents added that they would keep working every week." * 3
    if choice == 5:
        words = text.split()
        return " ".join(words[: max(1, len(words) // 3)])
    return text.replace(" the ", " a ", 1) if " the " in text else text + " Again."


@pytest.mark.parametrize("seed", [11, 13, 14, 16, 17])
def test_random_proposals_and_accepts_on_the_demo_article_keep_a_full_runs_findings(people, seed):
    rng = random.Random(seed)
    document = new_document(
        people,
        stage_actions=("confirm_pairing", "submit_for_review"),
        source=demo_paragraphs("ko.txt"),
        target=demo_paragraphs("en.txt"),
    )
    assert document.paragraphs.count() >= 10
    full = kept = quotations = consistency = 0
    for step in range(60):
        paragraphs = list(document.paragraphs.order_by("position"))
        index = rng.randrange(len(paragraphs))
        paragraph = paragraphs[index]
        text = edited(paragraph.text, rng)
        if text.strip() == paragraph.text or not text.strip():
            continue
        names_kept = consistency_names(text) == consistency_names(paragraph.text)
        full, kept = full + (not names_kept), kept + names_kept
        rechecked = index > 0 and opens_quotation(text) != opens_quotation(paragraph.text)
        quotations += rechecked
        before = [p.findings for p in paragraphs]
        if step % 3:
            proposal = editing.save_edit(people.translator, paragraph.pk, text, paragraph.version)
            editing.accept_proposal(people.editor, proposal.pk)
        else:
            editing.save_edit(people.editor, paragraph.pk, text, paragraph.version, accept=True)
        document.refresh_from_db()
        per_row, whole = full_run(document)
        assert document.findings == whole
        consistency += bool(whole)
        stored = list(document.paragraphs.order_by("position").values_list("findings", flat=True))
        assert stored[index] == per_row[index]
        if rechecked:
            assert stored[index - 1] == per_row[index - 1]
        assert [brackets(f) for f in stored] == [brackets(f) for f in per_row]
        others = [i for i in range(len(stored)) if i not in (index, index - 1)]
        assert [stored[i] for i in others] == [before[i] for i in others]
    # Both ways to the document's findings were taken, and there were findings to keep.
    assert full and kept and quotations and consistency


def test_the_whitespace_trimmed_is_what_str_strip_takes_off():
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert spaces == WHITESPACE


def test_the_stored_lengths_are_those_str_strip_leaves(document):
    # Paragraph.source_length and text_length are the database's; the checks take them for
    # len(x.strip()), whatever whitespace the row starts or ends with.
    rows = list(document.paragraphs.order_by("position")[:2])
    edges = "\u3000\xa0 \t" + "".join(WHITESPACE)
    rows[0].source = edges + "한국어 문장입니다." + edges
    rows[0].text = edges
    rows[0].save()
    Paragraph.objects.filter(pk=rows[1].pk).update(text="\u2028 Updated by a queryset. \x85")
    for row in Paragraph.objects.filter(pk__in=[r.pk for r in rows]):
        stripped = (len(row.source.strip()), len(row.text.strip()))
        assert (row.source_length, row.text_length) == stripped


EDGES = ["", " ", "\u3000", "\xa0\n", "\x1c\x85", "\u2028\t", "\u200b"]


def test_the_databases_length_sums_give_document_ratio(people):
    # Rows with every kind of whitespace at their edges, blank sides, and a zero-width space
    # (no whitespace to str.strip(), so a row of it counts): the ratio from the database's
    # sums plus the changed row is document_ratio over every row, to the last bit.
    rng = random.Random(5)
    sources = [f"{i}번째 문단은 예산을 다룬다." for i in range(30)]
    targets = [f"Paragraph {i} is about the budget." for i in range(30)]
    document = new_document(people, source=sources, target=targets)
    paragraphs = list(document.paragraphs.order_by("position"))
    for paragraph in paragraphs:
        blank = rng.random() < 0.2
        paragraph.source = (
            rng.choice(EDGES) + ("" if blank else paragraph.source) + rng.choice(EDGES)
        )
        paragraph.text = (
            rng.choice(EDGES) + paragraph.text * rng.randrange(1, 4) + rng.choice(EDGES)
        )
    Paragraph.objects.bulk_update(paragraphs, ["source", "text"])
    for index in (0, 7, len(paragraphs) - 1):
        changed = Paragraph.objects.get(pk=paragraphs[index].pk)
        changed.text = "\u3000 A new text for this row, longer than before. \n"
        rows = [(p.source, p.text) for p in paragraphs]
        rows[index] = (changed.source, changed.text)
        before, after, ratio, glossary = rechecking.neighbours_and_ratio(changed)
        assert glossary == glossary_version()
        assert ratio == checks.document_ratio(rows)
        assert ratio != checks.ratio_of(0, 0, 0)
        assert (before.pk if before else None) == (paragraphs[index - 1].pk if index else None)
        following = paragraphs[index + 1].pk if index + 1 < len(paragraphs) else None
        assert (after.pk if after else None) == following
        assert after is None or after.text == paragraphs[index + 1].text


def test_the_glossary_version_read_with_the_neighbours_is_glossary_version(people):
    # The same tuple, of the same types: the term marker's cache (glossary_marks.term_matcher)
    # compares it with glossary_version()'s and would be rebuilt on every write otherwise.
    document = new_document(people)
    row = document.paragraphs.order_by("position").first()
    assert rechecking.neighbours_and_ratio(row)[3] == glossary_version() == (None, None)
    add_term(people.editor, korean="예산", english="budget")
    add_term(people.editor, korean="문단", english="paragraph")
    version = rechecking.neighbours_and_ratio(row)[3]
    assert version == glossary_version()
    assert [type(part) for part in version] == [type(part) for part in glossary_version()]
    assert version[0] is not None


def accept_queries(people, edit, before_accept=lambda: None):
    document = new_document(
        people,
        stage_actions=("confirm_pairing", "submit_for_review"),
        source=demo_paragraphs("ko.txt"),
        target=demo_paragraphs("en.txt"),
    )
    row = document.paragraphs.get(position=4)
    proposal = editing.save_edit(people.translator, row.pk, edit(row.text), row.version)
    before_accept()
    with CaptureQueriesContext(connection) as queries:
        editing.accept_proposal(people.editor, proposal.pk)
    return [query["sql"] for query in queries]


def test_an_accept_that_keeps_the_names_reads_no_other_rows_text(people):
    sql = accept_queries(people, lambda text: text + " Again.")
    assert not any("ORDER BY position" in query for query in sql)
    assert sum("UNION ALL" in query for query in sql) == 1


def test_an_accept_that_adds_a_name_runs_no_full_consistency_check(people, monkeypatch):
    def fail(rows):
        raise AssertionError("the consistency check ran over the whole document")

    def no_full_run():
        monkeypatch.setattr("reviews.checks.check_consistency", fail)

    sql = accept_queries(people, lambda text: text + " Kim Sun Ja said so.", no_full_run)
    assert sum("ROW_NUMBER" in query for query in sql) == 1
