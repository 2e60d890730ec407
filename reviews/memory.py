"""Translation memory: approved paragraphs of other documents whose Korean is like this row's.

What counts as approved: a row whose status is approved, in any document the person may see.
Only an editor or a manager can approve a row (workflow "approve_paragraph"), and any change
to its English sets it back to translated (editing.py), so an approved row's English is
exactly what an editor signed off. Waiting for the whole document's approval would hide the
desk's freshest work: two stories on the same briefing are translated on the same day.

Where candidates come from is one function per source (`SOURCES`); scoring, ranking and the
Korean diff are shared. The sources:
- the desk's approved rows (above);
- imported memory (MemoryUnit, from `import_tmx`): its Korean->English units. They belong to
  no document, so every signed-in person who may use the memory sees them; a suggestion from
  one names its file and says "imported memory" instead of linking to a document. An approved
  row comes first, so a pair both in a document and in a TMX file links to the document.

Finding candidates (reviews/memory_index.py): the paragraph's MinHash band keys less the
source's stop keys (those CAP owners share, while enough rarer keys are left), and per
source the MAX_CANDIDATES owners sharing the most of them, read from the key tables with one
statement each (LATERAL on PostgreSQL, UNION ALL on SQLite: the same count). Templated
Korean defeated pg_trgm and a word index (every trigram and word of it is common); band keys
are rare unless the text is near (bench/memory.md has the figures).
Every candidate is then scored the same way on both databases (difflib's ratio over the
characters), so a suggestion shows the same percentage wherever it runs, and only those at
or above WORKBENCH_MEMORY_MIN_SIMILARITY are shown.

A look-up's result is kept in the rows cache under a key naming the memory's version, which
the database raises itself on every change the result depends on (MemoryVersion, migration
0020): never a timeout, so an approval or an import shows on the next look-up from any app
server.
"""

import difflib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.urls import get_script_prefix
from rapidfuzz.distance import LCSseq

from reviews import memory_index
from reviews.diffing import diff_words
from reviews.models import (
    Document,
    MemoryRowKey,
    MemoryUnit,
    MemoryUnitKey,
    Paragraph,
    is_manager,
    visible_to_sql,
)
from reviews.row_cache import code_version, digest, row_cache

# Per source, the owners sharing the most band keys that are scored exactly. 40, not 20, since
# stop keys (memory_index.MIN_RARE_KEYS) made the counting cheap: the 400 bench rows' best
# suggestion is better in 114 and worse in 31 of them than with 20 and no stop keys; bounding
# by ratio_bound keeps the Python cost the same (bench/memory.md).
MAX_CANDIDATES = 40

IMPORTED = "imported memory"


@dataclass
class Candidate:
    source: str
    english: str
    origin: str  # a label for the person: the document's title, or the unit's file name
    url: str  # the row in its document; empty for an imported unit, which has no document
    key: object  # identifies the unit, for de-duplication and tests
    # An approved row's document: its url is made from it only if it is suggested, not for
    # each of up to 20 candidates (a Document and a reverse() each).
    document_pk: object = None

    def link(self):
        if self.url or self.document_pk is None:
            return self.url
        return f"{Document(pk=self.document_pk).get_absolute_url()}#row-{self.key[1]}"


@dataclass
class Suggestion:
    source: str
    english: str
    origin: str
    url: str
    key: object
    similarity: float
    diff: list  # word diff from the suggestion's Korean to the row's Korean

    @property
    def percent(self):
        return int(self.similarity * 100)


def similarity(one, two):
    matcher = difflib.SequenceMatcher(None, one, two, autojunk=False)
    # The cheap upper bounds first: most candidates fail them.
    if matcher.real_quick_ratio() < settings.WORKBENCH_MEMORY_MIN_SIMILARITY:
        return 0.0
    if matcher.quick_ratio() < settings.WORKBENCH_MEMORY_MIN_SIMILARITY:
        return 0.0
    return matcher.ratio()


def approved_rows(user, exclude_document=None):
    """Approved rows of the documents `user` may open (the one rule of visibility). The look-up
    reads its candidates with these conditions in ranked_rows_sql's plain SQL; the tests
    compare both (tests/test_memory_index.py scores everything this gives)."""
    rows = Paragraph.objects.filter(
        status=Paragraph.Status.APPROVED,
        document__in=Document.objects.visible_to(user),
    ).exclude(text="")
    if exclude_document is not None:
        rows = rows.exclude(document=exclude_document)
    return rows


def language(field, code):
    """`code` itself or with a region ("ko", "ko-KR", "KO_kr"), but not "kok" (Konkani)."""
    return (
        Q(**{f"{field}__iexact": code})
        | Q(**{f"{field}__istartswith": f"{code}-"})
        | Q(**{f"{field}__istartswith": f"{code}_"})
    )


def memory_units():
    """Imported Korean->English units: they belong to no document, so nobody's are hidden."""
    return MemoryUnit.objects.filter(
        language("source_lang", "ko"), language("target_lang", "en")
    ).exclude(target="")


def ranked_sql(table, owner, columns, order, keys, where="", params=(), lateral=None):
    """Owners sharing the most of `keys`, best first: each key's newest CAP owners (so a
    boilerplate key costs no more than that), then those passing `where`, counted. One
    statement; each key is an equality on the first column of the primary key, read in its
    order. PostgreSQL gets the keys as one array and reads them through LATERAL: one plan for
    all keys instead of one arm per key, planned in a fraction of the time (bench/memory.md);
    SQLite, which has no LATERAL, gets one UNION ALL arm per key. Both count the same entries."""
    if lateral is None:
        lateral = connection.vendor == "postgresql"
    if lateral:
        sql = (
            f"SELECT {owner}, COUNT(*) AS shared FROM unnest(%s::bigint[]) AS wanted(key), "  # noqa: S608
            f"LATERAL (SELECT {columns} FROM {table} WHERE {table}.key = wanted.key "
            f"ORDER BY {table}.key DESC, {order} LIMIT {memory_index.CAP}) AS hits{where} "
            f"GROUP BY {owner} ORDER BY shared DESC, {owner} DESC LIMIT {MAX_CANDIDATES}"
        )
        return sql, [list(keys), *params]
    arm = (
        f"SELECT * FROM (SELECT {columns} FROM {table} WHERE key = %s "  # noqa: S608
        f"ORDER BY key DESC, {order} LIMIT {memory_index.CAP}) AS arm"
    )
    sql = (
        f"SELECT {owner}, COUNT(*) AS shared FROM ("  # noqa: S608 - names from this module
        + " UNION ALL ".join([arm] * len(keys))
        + f") AS hits{where} GROUP BY {owner} "
        f"ORDER BY shared DESC, {owner} DESC LIMIT {MAX_CANDIDATES}"
    )
    return sql, [*keys, *params]


def language_sql(column, code):
    """language(field, code) as a plain condition on `column` (the ORM's iexact and
    istartswith, ASCII codes, folded to lower case on both databases); the `_` escaped as the
    ORM escapes it. tests/test_memory.py checks that both forms pick the same units."""
    return (
        f"(lower({column}) = '{code}' OR lower({column}) LIKE '{code}-%%' "
        f"OR lower({column}) LIKE '{code}\\_%%' ESCAPE '\\')"
    )


def visible_documents_sql(user):
    """The pks of the documents `user` may see, as a subquery with positional parameters (the
    statements here are positional; visible_to_sql names its parameters)."""
    condition, named = visible_to_sql(user, "visible")
    params = [named[name] for name in re.findall(r"%\((\w+)\)s", condition)]
    condition = re.sub(r"%\(\w+\)s", "%s", condition)
    table = Document._meta.db_table
    return f"SELECT visible.id FROM {table} AS visible WHERE {condition}", params  # noqa: S608


def ranked_rows_sql(user, keys, exclude_document=None, **form):
    """The MAX_CANDIDATES approved rows sharing the most of `keys`, best first, with what a
    candidate shows: the ranking and the read-back in one statement (the ORM's read-back cost
    more Python than the rest of the look-up; bench/memory.md). Visibility is the one rule's
    plain form (models.visible_to_sql, which tests/test_fixed_cost.py holds to
    Document.objects.visible_to) as a subquery, asked of the keys' documents and again of the
    rows read back, as approved_rows asks it; compiling the ORM's subquery cost about 0.9 ms a
    look-up."""
    conditions, params = [], []
    # Everything for a manager, else their documents.
    if not is_manager(user):
        visible_sql, visible_params = visible_documents_sql(user)
        conditions.append(f"document_id IN ({visible_sql})")
        params += visible_params
    if exclude_document is not None:
        conditions.append("document_id <> %s")
        params.append(getattr(exclude_document, "pk", exclude_document))  # a document or its pk
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    ranked, arguments = ranked_sql(
        MemoryRowKey._meta.db_table,
        "paragraph_id",
        "document_id, paragraph_id",
        "document_id DESC, paragraph_id DESC",  # the primary key's order, read backwards
        keys,
        where,
        params,
        **form,
    )
    # approved_rows' conditions on the rows read back, the same visibility among them.
    read_back = ["paragraph.status = %s", "paragraph.text <> ''"]
    read_back += [f"paragraph.{condition}" for condition in conditions]
    sql = (
        "SELECT paragraph.id, paragraph.source, paragraph.text, paragraph.document_id, "  # noqa: S608
        f"its_document.title FROM ({ranked}) AS ranked "
        f"JOIN {Paragraph._meta.db_table} AS paragraph ON paragraph.id = ranked.paragraph_id "
        f"JOIN {Document._meta.db_table} AS its_document "
        "ON its_document.id = paragraph.document_id "
        f"WHERE {' AND '.join(read_back)} "
        "ORDER BY ranked.shared DESC, ranked.paragraph_id DESC"
    )
    return sql, [*arguments, Paragraph.Status.APPROVED.value, *params]


def ranked_units_sql(keys, **form):
    """The MAX_CANDIDATES units sharing the most of `keys`, best first, with their fields,
    those memory_units() holds (its conditions in plain SQL: language_sql)."""
    table = MemoryUnitKey._meta.db_table
    ranked, arguments = ranked_sql(table, "unit_id", "unit_id", "unit_id DESC", keys, **form)
    sql = (
        "SELECT memory_unit.id, memory_unit.source, memory_unit.target, memory_unit.origin "  # noqa: S608
        f"FROM ({ranked}) AS ranked "
        f"JOIN {MemoryUnit._meta.db_table} AS memory_unit ON memory_unit.id = ranked.unit_id "
        f"WHERE {language_sql('memory_unit.source_lang', 'ko')} "
        f"AND {language_sql('memory_unit.target_lang', 'en')} AND memory_unit.target <> '' "
        "ORDER BY ranked.shared DESC, ranked.unit_id DESC"
    )
    return sql, arguments


def _read(sql, arguments):
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return cursor.fetchall()


def row_candidates(user, keys, exclude_document=None):
    """Approved rows sharing the most of `keys` (a text's searched band keys), among the
    documents `user` may open: the document filter is in the key table, so a translator's
    look-up ranks their own documents' rows, and the rows read back are checked against it
    all the same."""
    if not keys or not user.is_authenticated:
        return []
    return _read(*ranked_rows_sql(user, keys, exclude_document))


def unit_candidates(keys):
    if not keys:
        return []
    return _read(*ranked_units_sql(keys))


def approved_paragraphs(user, searched, exclude_document=None):
    """Candidates from the desk's own approved rows; `searched` is
    memory_index.searched_keys_by_source's answer for the text."""
    rows = row_candidates(user, searched[memory_index.STOP_ROW], exclude_document)
    for pk, source, text, document_pk, title in rows:
        yield Candidate(source, text, title, "", ("paragraph", pk), document_pk)


def imported_units(user, searched, exclude_document=None):
    """Candidates from imported TMX files, for anyone signed in (the memory view lets only
    those who may edit the document ask)."""
    if not (user.is_authenticated and user.is_active):
        return
    for pk, source, target, origin in unit_candidates(searched[memory_index.STOP_UNIT]):
        yield Candidate(source, target, origin, "", ("unit", pk))


# Approved rows first: a pair that is in both keeps the link to its document.
SOURCES = (approved_paragraphs, imported_units)


def ratio_bound(one, two):
    """An upper bound of difflib's ratio, in C: the longest common subsequence's ratio.
    difflib's matching blocks run forward in both texts, so together they are a common
    subsequence and never longer than the longest one; written as difflib writes its ratio
    (2.0 * matches / length), so where the two counts are equal the floats are too."""
    length = len(one) + len(two)
    return 2.0 * LCSseq.similarity(one, two) / length if length else 1.0


def best_scored(candidates, source_text, limit):
    """The `limit` candidates with the highest difflib ratio to source_text (at least
    WORKBENCH_MEMORY_MIN_SIMILARITY), best first and, among equals, in the candidates' order:
    what scoring every one gives. The exact ratio is the costly part (pure Python, about half
    a millisecond for a paragraph), so candidates are taken by their upper bound (ratio_bound,
    microseconds), highest first, and the rest are skipped once the bound falls under the
    limit-th best ratio found: none of them could enter the top. On near matches the bound is
    the ratio itself, so few more than `limit` are scored exactly."""
    floor = settings.WORKBENCH_MEMORY_MIN_SIMILARITY
    bounded = []
    for index, candidate in enumerate(candidates):
        bound = ratio_bound(candidate.source, source_text)
        if bound >= floor:
            bounded.append((bound, index, candidate))
    bounded.sort(key=lambda item: (-item[0], item[1]))
    # One matcher for all: difflib indexes its second text once, for every candidate.
    matcher = difflib.SequenceMatcher(None, "", source_text, autojunk=False)
    scored = []
    for bound, index, candidate in bounded:
        if len(scored) >= limit and bound < scored[limit - 1][0]:
            break
        matcher.set_seq1(candidate.source)
        score = matcher.ratio()
        if score >= floor:
            scored.append((score, index, candidate))
            scored.sort(key=lambda item: (-item[0], item[1]))
    return [(score, candidate) for score, _, candidate in scored[:limit]]


def memory_version():
    """MemoryVersion's one row, raised by the database on every change a look-up's result
    depends on (migration 0020); None where it is missing (a test's flushed database), and
    then nothing is cached."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM reviews_memoryversion WHERE id = 1")
        found = cursor.fetchone()
    return found[0] if found else None


def result_key(version, user, source_text, exclude_document, limit):
    """Everything a look-up's result depends on: the code, the memory's version (the keys,
    documents' titles and assignments), who asks and whether they see every document, the
    Korean, the excluded document, the floor and the limit."""
    exclude = getattr(exclude_document, "pk", exclude_document)
    parts = (
        code_version(),
        get_script_prefix(),  # in the suggestions' links
        version,
        user.pk,
        is_manager(user),
        user.is_active,
        source_text,
        exclude,
        settings.WORKBENCH_MEMORY_MIN_SIMILARITY,
        limit,
    )
    return "memory:" + digest(parts)


def suggestions(user, source_text, exclude_document=None, limit=3):
    """Up to `limit` suggestions for a row whose Korean is `source_text`, best first. Kept in
    the rows cache under result_key, which names the memory's version read first: a change
    committed while this look-up runs has raised it already, so what is stored here under
    the older version is never served again."""
    if not source_text.strip() or not user.is_authenticated:
        return []
    version = memory_version()
    key = (
        None if version is None else result_key(version, user, source_text, exclude_document, limit)
    )
    if key is not None:
        found = row_cache().get(key)
        if found is not None:
            return found
    found = look_up(user, source_text, exclude_document, limit)
    if key is not None:
        row_cache().set(key, found)
    return found


def look_up(user, source_text, exclude_document, limit):
    candidates = []
    seen = set()
    # Each source's keys, with their stop keys asked in one query for all.
    searched = memory_index.searched_keys_by_source(memory_index.band_keys(source_text))
    for source in SOURCES:
        for candidate in source(user, searched, exclude_document):
            # The same pair in several documents, or in a document and a TMX file, is one
            # suggestion.
            pair = (candidate.source, candidate.english)
            if pair not in seen:
                seen.add(pair)
                candidates.append(candidate)
    return [
        Suggestion(
            source=candidate.source,
            english=candidate.english,
            origin=candidate.origin,
            url=candidate.link(),
            key=candidate.key,
            similarity=score,
            diff=diff_words(candidate.source, source_text),
        )
        for score, candidate in best_scored(candidates, source_text, limit)
    ]
