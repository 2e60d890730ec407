"""The findings an accepted change (an accepted proposal, a direct save, a restore) can change,
worked out without reading the document's other rows.

A row's checks read, of the rest of the document, only the document's length ratio (sums of
the rows' stripped lengths) and the next row's English (a quotation may run on into it); the
document-wide consistency check reads the names in every row's English, and compares a name
only with names of the same first word. So the database sums the lengths, the two neighbours
are read, and the consistency findings are kept when the change leaves the row's names alone
(most edits); else only the name groups it touched are worked out again, from the rows whose
English may hold them. Reading and building every row of a 400-row document was most of what
the checks cost an accept (bench/fixed_cost.py). tests/test_rechecking.py and
tests/test_findings_incremental.py hold this against full runs.
"""

import re
from typing import NamedTuple

from django.db import connection

from reviews import checks
from reviews.checks.form import opens_quotation
from reviews.checks.terms import consistency_findings, consistency_names, name_group
from reviews.findings import (
    CheckedRow,
    carry_dismissals,
    compared,
    glossary_entries,
    keep_dismissals,
    row_findings,
    stored,
)
from reviews.models import Document, Paragraph

# One query: the rows just before and after the changed one (kind 0), then the sums of
# document_ratio over the other rows (kind 1: Korean, English, rows with both), from the
# lengths the database stored with each row (Paragraph.source_length, text_length), with the
# glossary's version in its last two columns: the checks and the row's re-render need it, and
# as a query of its own it was one more round trip per write. Its columns are those of
# GLOSSARY_VERSION_SQL (reviews/glossary_marks.py), so the version is the same tuple, of the
# same types, that glossary_version() gives; the kind 0 rows have NULLs there.
NEIGHBOURS_AND_LENGTHS_SQL = (
    "SELECT 0, id, position, version, source, text, NULL, NULL FROM reviews_paragraph"
    " WHERE document_id = %s AND position IN ("
    "(SELECT MAX(position) FROM reviews_paragraph WHERE document_id = %s AND position < %s),"
    " (SELECT MIN(position) FROM reviews_paragraph WHERE document_id = %s AND position > %s))"
    " UNION ALL"
    " SELECT 1, COALESCE(SUM(source_length), 0), COALESCE(SUM(text_length), 0), COUNT(*),"
    " NULL, NULL, (SELECT MAX(id) FROM reviews_glossarychange),"
    " (SELECT MAX(created_at) FROM reviews_glossarychange)"
    " FROM reviews_paragraph WHERE document_id = %s AND id <> %s"
    " AND source_length > 0 AND text_length > 0"
)
# The rows whose English may hold a name of the given groups (each "text LIKE %s" a first
# word: a superset, the names are found in Python), with each row's index in the document.
NAMED_ROWS_SQL = (
    "SELECT idx, id, position, version, source, text FROM (SELECT ROW_NUMBER() OVER"
    " (ORDER BY position) - 1 AS idx, id, position, version, source, text"
    " FROM reviews_paragraph WHERE document_id = %s) AS numbered"
    " WHERE id = %s OR {likes} ORDER BY idx"
)
# A stored consistency finding's message names the two spellings first: “first” … “second”.
QUOTED_NAME = re.compile(r"“([^”]*)”")


class Rechecked(NamedTuple):
    """What findings_after_change found, for store_findings to write with the row's text."""

    row: list  # the changed row's findings
    previous: tuple | None  # (pk, findings) of the row before, when its findings changed
    document: list  # the document's findings
    document_changed: bool


def neighbours_and_ratio(paragraph):
    """(the row before or None, the row after or None, document_ratio of the document with
    `paragraph`'s text as it is now, not yet written, the glossary's version as
    glossary_version() gives it)."""
    document_id, position = paragraph.document_id, paragraph.position
    params = [document_id, document_id, position, document_id, position]
    params += [document_id, paragraph.pk]
    with connection.cursor() as cursor:
        cursor.execute(NEIGHBOURS_AND_LENGTHS_SQL, params)
        found = cursor.fetchall()
    before = after = None
    korean = english = pairs = 0
    glossary = None
    for kind, *values in found:
        if kind == 1:
            korean, english, pairs = (int(value) for value in values[:3])
            glossary = tuple(values[5:])
            continue
        pk, row_position, version, source, text = values[:5]
        row = CheckedRow(pk, row_position + 1, version, source, text)
        if row_position < position:
            before = row
        else:
            after = row
    source, text = paragraph.source.strip(), paragraph.text.strip()
    if source and text:
        korean, english, pairs = korean + len(source), english + len(text), pairs + 1
    return before, after, checks.ratio_of(korean, english, pairs), glossary


def named_rows(paragraph, groups):
    """{index in the document: CheckedRow} of the rows whose English may hold a name of
    `groups`, and `paragraph` as it is now."""
    likes = " OR ".join(["text LIKE %s"] * len(groups))
    params = [paragraph.document_id, paragraph.pk, *(f"%{group}%" for group in sorted(groups))]
    with connection.cursor() as cursor:
        cursor.execute(NAMED_ROWS_SQL.format(likes=likes), params)
        rows = {
            idx: CheckedRow(pk, position + 1, version, source, text)
            for idx, pk, position, version, source, text in cursor.fetchall()
        }
    index = next(idx for idx, row in rows.items() if row.pk == paragraph.pk)
    rows[index] = CheckedRow(
        paragraph.pk, paragraph.number, paragraph.version, paragraph.source, paragraph.text
    )
    return rows


def spellings(finding):
    """(first, second): the two spellings a stored consistency finding is about."""
    first, second = QUOTED_NAME.findall(finding["message"])[:2]
    return first, second


def changed_document_findings(document, paragraph, old_text):
    """The document's findings after row `paragraph`'s names changed from those of
    `old_text`: the findings of the name groups the change touched worked out again from the
    rows that may hold those names; the others kept, as a full run orders them."""
    before, after = consistency_names(old_text), consistency_names(paragraph.text)
    groups = {name_group(name) for name in before ^ after}
    rows = named_rows(paragraph, groups)
    places = {}
    for index, row in sorted(rows.items()):
        for name in consistency_names(row.text):
            if name_group(name) in groups:
                places.setdefault(name, []).append(index)
    result = []
    for finding in consistency_findings(places, lambda index: rows[index].source):
        data = stored(finding)
        data["rows"] = [[rows[i].pk, rows[i].number] for i in finding.places]
        data["versions"] = [rows[i].version for i in finding.places]
        result.append(data)
    kept = kept_document_findings(document, paragraph)
    result += [f for f in kept if name_group(spellings(f)[0]) not in groups]
    return keep_dismissals(sorted(result, key=spellings), document.findings)


def kept_document_findings(document, changed):
    """The document's stored findings after a change that left row `changed`'s names alone,
    which is what a full run gives: the same findings, with the row's new version in those
    that concern it."""
    result = []
    for finding in document.findings:
        data = {**finding, "versions": list(finding.get("versions", ()))}
        for place, (pk, _number) in enumerate(data["rows"]):
            if pk == changed.pk:
                data["versions"][place] = changed.version
        result.append(data)
    return keep_dismissals(result, document.findings)


def findings_after_change(paragraph, old_text):
    """The findings of a row whose text changed from `old_text` (an accepted change, a
    restore) and what that change can change elsewhere, with `paragraph.text` as the row's
    new text (not yet written is fine): the row's own findings, the row before's when the
    change can change them (a quotation running on into this row) and the document's. Called
    inside the transaction that changes the text, with the paragraph and its document locked
    (the document's lock makes changes to one document take turns)."""
    document = paragraph.document
    # The glossary's version is kept on the row for the row's re-render in this request (its
    # term marks): one read of it per write, with the neighbours (reviews.views.grid.row_response).
    before, after, ratio, paragraph.glossary_version = neighbours_and_ratio(paragraph)
    glossary = glossary_entries(paragraph.glossary_version)
    here = (paragraph.source, paragraph.text)
    # row_findings reads rows[index] and rows[index + 1] only.
    following = [(after.source, after.text)] if after else []
    row = row_findings(document, [here, *following], 0, glossary, ratio)
    previous = None
    if before and opens_quotation(old_text) != opens_quotation(paragraph.text):
        old = Paragraph.objects.values_list("findings", flat=True).get(pk=before.pk)
        pair = [(before.source, before.text), here]
        new = carry_dismissals(row_findings(document, pair, 0, glossary, ratio), old)
        if new != old:
            previous = (before.pk, new)
    if consistency_names(old_text) == consistency_names(paragraph.text):
        whole = kept_document_findings(document, paragraph)
    else:
        whole = changed_document_findings(document, paragraph, old_text)
    return Rechecked(row, previous, *compared(document, whole))


def store_findings(document, rechecked):
    """Write what findings_after_change found beyond the changed row's own findings (those go
    in the row's own UPDATE)."""
    if rechecked.previous:
        pk, found = rechecked.previous
        Paragraph.objects.filter(pk=pk).update(findings=found)
    document.findings = rechecked.document
    if rechecked.document_changed:
        Document.objects.filter(pk=document.pk).update(findings=rechecked.document)
