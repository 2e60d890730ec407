"""An accepted change re-checks only what it can change (reviews.rechecking.findings_after_change):
the row itself, the row before it when a quotation may run on into the changed row, and the
document's consistency findings reused when the row's names stay the same. These tests hold
that against a full run of the checks over the whole document after every one of many random
edits. (The other rows are left as their own last change judged them: their length against
the document's ratio moves a little with every edit, and is judged again when they change.)"""

import json
import random

import pytest

from reviews import checks, editing, findings
from reviews.checks.form import opens_quotation
from reviews.models import Document, Paragraph
from tests.conftest import new_document

KOREAN = [
    "이재명 대표는 12일 기자들과 만나 예산안을 설명했다.",
    "그는 “합의는 어렵다”고 말했다.",
    "“우리는 끝까지 간다.",
    "이재명 대표는 정부의 대책에 반대했다.",
    "김민수 의원은 회의에 참석하지 않았다.",
    "정부는 3조원 규모의 추가 대책을 발표했다.",
    "김민수 의원은 성명을 냈다.",
    "이재명 대표는 다시 입장을 밝혔다.",
]
ENGLISH = [
    "Lee Jae-myung met reporters on the 12th to explain the budget.",
    "He said, “A deal is hard.”",
    "“We will go to the end.",
    "Lee Jae-myung opposed the government's measures.",
    "Rep. Kim Min-su did not attend the meeting.",
    "The government announced extra measures worth 3 trillion won.",
    "Rep. Kim Min-su issued a statement.",
    "Lee Jae-myung stated his position again.",
]
# What a random edit does to a row's English: spell a name another way (or back), open or
# close a quotation at its start or end, or change a word that is no name.
SPELLINGS = [
    ("Lee Jae-myung", "Lee Jae-myeong"),
    ("Lee Jae-myeong", "Lee Jae-myung"),
    ("Kim Min-su", "Kim Min-soo"),
    ("Kim Min-soo", "Kim Min-su"),
]


def edited(text, rng):
    choice = rng.randrange(6)
    if choice == 0:
        for before, after in rng.sample(SPELLINGS, len(SPELLINGS)):
            if before in text:
                return text.replace(before, after, 1)
    if choice == 1:
        return text[1:] if text.startswith("“") else "“" + text
    if choice == 2:
        return text + " “" if not text.endswith("“") else text[:-2]
    if choice == 3:
        return text.replace(" the ", " a ", 1) if " the " in text else text + " Again."
    if choice == 4:
        return text + f" Officials said {rng.randrange(100)}."
    return text.replace("Rep. ", "") if "Rep. " in text else "Rep. " + text


def brackets(found):
    return [f for f in found if f["kind"] == "brackets"]


def full_run(document):
    """Every row's findings and the document's, worked out from scratch as stored."""
    paragraphs = list(document.paragraphs.order_by("position"))
    rows = [(p.source, p.text) for p in paragraphs]
    glossary = findings.glossary_entries()
    per_row = [findings.row_findings(document, rows, i, glossary) for i in range(len(rows))]
    fresh = Document(pk=document.pk, findings=[], created_at=document.created_at)
    whole = findings.document_findings(fresh, paragraphs)
    return json.loads(json.dumps(per_row)), json.loads(json.dumps(whole))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_accepted_edits_keep_the_findings_of_a_full_run(people, seed):
    rng = random.Random(seed)
    document = new_document(people, source=KOREAN, target=ENGLISH)
    reused = full = quotations = 0
    for _ in range(40):
        paragraphs = list(document.paragraphs.order_by("position"))
        index = rng.randrange(len(paragraphs))
        paragraph = paragraphs[index]
        text = edited(paragraph.text, rng)
        if text.strip() == paragraph.text or not text.strip():
            continue
        names_kept = checks.terms.consistency_names(text) == checks.terms.consistency_names(
            paragraph.text
        )
        reused, full = reused + names_kept, full + (not names_kept)
        quotations += index > 0 and opens_quotation(text) != opens_quotation(paragraph.text)
        before = [p.findings for p in paragraphs]
        editing.save_edit(people.translator, paragraph.pk, text, paragraph.version)
        document.refresh_from_db()
        per_row, whole = full_run(document)
        assert document.findings == whole
        stored = list(document.paragraphs.order_by("position").values_list("findings", flat=True))
        # The changed row: exactly what a full run says.
        assert stored[index] == per_row[index]
        # The row before, when the change can change it (a quotation running on): the same.
        rechecked = index > 0 and opens_quotation(text) != opens_quotation(paragraph.text)
        if rechecked:
            assert stored[index - 1] == per_row[index - 1]
        # Whether a quotation runs on is the one thing a row's checks read of another row
        # (besides the ratio): on every row it is what a full run says.
        assert [brackets(f) for f in stored] == [brackets(f) for f in per_row]
        # The other rows keep the judgement of their own last change.
        others = [
            i for i in range(len(stored)) if i != index and not (rechecked and i == index - 1)
        ]
        assert [stored[i] for i in others] == [before[i] for i in others]
    # Both ways of finding the document's findings were taken, and rows before were rechecked.
    assert reused and full
    assert quotations


def test_the_row_before_is_checked_again_when_a_quotation_runs_on_into_the_changed_row(people):
    # Row 3's English opens a quotation it does not close (its Korean does not): no finding
    # while row 4 opens another, one when row 4 stops doing so.
    source = [*KOREAN[:2], KOREAN[2].lstrip("“"), *KOREAN[3:]]
    document = new_document(people, source=source, target=ENGLISH)
    rows = list(document.paragraphs.order_by("position"))
    assert "brackets" in [f["kind"] for f in rows[2].findings]
    fourth = rows[3]
    editing.save_edit(people.translator, fourth.pk, "“" + fourth.text, fourth.version)
    assert "brackets" not in [f["kind"] for f in Paragraph.objects.get(pk=rows[2].pk).findings]
    fourth.refresh_from_db()
    editing.save_edit(people.translator, fourth.pk, fourth.text[1:], fourth.version)
    assert "brackets" in [f["kind"] for f in Paragraph.objects.get(pk=rows[2].pk).findings]


def test_an_edit_that_keeps_the_names_asks_no_full_consistency_run(people, monkeypatch):
    document = new_document(
        people,
        source=KOREAN[:4],
        target=[*ENGLISH[:3], ENGLISH[3].replace("Lee Jae-myung", "Lee Jae-myeong")],
    )
    (finding,) = document.findings
    assert finding["kind"] == "consistency"

    def fail(rows):
        raise AssertionError("the consistency check ran over the whole document")

    monkeypatch.setattr("reviews.checks.check_consistency", fail)
    fourth = document.paragraphs.get(position=3)
    editing.save_edit(people.translator, fourth.pk, fourth.text + " Again.", fourth.version)
    document.refresh_from_db()
    (kept,) = document.findings
    assert kept["message"] == finding["message"]
    assert kept["versions"] == [document.paragraphs.get(position=0).version, fourth.version + 1]


def test_the_checks_see_a_glossary_term_added_since_their_last_run(people):
    from reviews import glossary

    document = new_document(people, source=KOREAN, target=ENGLISH)
    first = document.paragraphs.get(position=5)
    editing.save_edit(people.translator, first.pk, first.text + " Again.", first.version)
    glossary.add_term(people.manager, korean="추가 대책", english="supplementary package")
    first.refresh_from_db()
    editing.save_edit(people.translator, first.pk, first.text + " More.", first.version)
    first.refresh_from_db()
    assert "glossary" in [f["kind"] for f in first.findings]
