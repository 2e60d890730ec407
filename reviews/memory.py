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

Finding candidates:
- PostgreSQL: pg_trgm's `%` operator, served by the GIN trigram indexes on the Korean of
  approved rows (migration 0012, partial) and of imported units (migration 0010): the best
  MAX_CANDIDATES of each by trigram similarity at WORKBENCH_MEMORY_TRIGRAM_THRESHOLD, asked
  at the stricter TRIGRAM_STEPS first (trigram_candidates says why that is exact).
- SQLite: the rows (and units) sharing the most of the paragraph's longest words (particles
  stripped), at most MAX_CANDIDATES each; a scan, without an index.
Every candidate is then scored the same way on both databases (difflib's ratio over the
characters), so a suggestion shows the same percentage wherever it runs, and only those at
or above WORKBENCH_MEMORY_MIN_SIMILARITY are shown.
"""

import difflib
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When

from reviews import korean
from reviews.diffing import diff_words, tokenize
from reviews.models import Document, MemoryUnit, Paragraph

MAX_CANDIDATES = 20
# PostgreSQL: the pg_trgm thresholds asked before WORKBENCH_MEMORY_TRIGRAM_THRESHOLD, strictest
# first (see trigram_candidates). One step: at scale L's seed, 0.7 already holds the best
# MAX_CANDIDATES for most imported units and for about half the rows; a 0.9 step first found
# them almost never and cost a third of the 0.5 look-up.
TRIGRAM_STEPS = (0.7,)
# SQLite: how many of the paragraph's words to look for.
SEARCH_WORDS = 8
# What each source's look-up reads: (pk, Korean, English, then what names its origin).
ROW_FIELDS = ("pk", "source", "text", "document_id", "document__title")
UNIT_FIELDS = ("pk", "source", "target", "origin")
IMPORTED = "imported memory"


@dataclass
class Candidate:
    source: str
    english: str
    origin: str  # a label for the person: the document's title, or the unit's file name
    url: str  # the row in its document; empty for an imported unit, which has no document
    key: object  # identifies the unit, for de-duplication and tests


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
    """Approved rows of the documents `user` may open (the one rule of visibility)."""
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


def search_words(text):
    """The paragraph's longest distinct words without their particles: long words are the
    rare ones, and rare words are what near-duplicates share."""
    stems = {korean.stem(token) for token in tokenize(text) if len(token) >= 2}
    stems = {stem for stem in stems if any(char.isalnum() for char in stem)}
    return sorted(stems, key=lambda stem: (-len(stem), stem))[:SEARCH_WORDS]


def trigram_matches(rows, source_text, fields=ROW_FIELDS):
    """Rows (or units) whose Korean is trigram-similar to source_text (the `%` operator, which
    the GIN index serves), best first. Run it under `trigram_threshold()`."""
    return (
        rows.filter(TrigramSimilar(F("source"), Value(source_text)))
        .annotate(trigram=TrigramSimilarity("source", Value(source_text)))
        .order_by("-trigram", "-pk")
        .values_list(*fields)
    )


@contextmanager
def trigram_threshold(threshold=None):
    """pg_trgm's `%` threshold for one transaction: SET LOCAL, so a pooled connection goes
    back to the pool as it came. Inside, `set_trigram_threshold` may change it again."""
    with transaction.atomic(), connection.cursor() as cursor:
        set_trigram_threshold(cursor, threshold)
        yield cursor


def set_trigram_threshold(cursor, threshold=None):
    if threshold is None:
        threshold = settings.WORKBENCH_MEMORY_TRIGRAM_THRESHOLD
    cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [threshold])


def trigram_steps():
    """The thresholds tried, strictest first, ending at WORKBENCH_MEMORY_TRIGRAM_THRESHOLD."""
    floor = settings.WORKBENCH_MEMORY_TRIGRAM_THRESHOLD
    return [step for step in TRIGRAM_STEPS if step > floor] + [floor]


def trigram_candidates(rows, source_text, fields=ROW_FIELDS):
    """The best MAX_CANDIDATES at the loosest threshold, asked strictest first.

    Exact, not a shortcut: if a stricter threshold already finds MAX_CANDIDATES rows, the best
    MAX_CANDIDATES of the looser threshold are those same rows (each of them is at least as
    similar as the last of these). The strict question is the cheaper one: the GIN scan
    streams only the posting lists of the rarest trigrams, and fewer rows reach the recheck
    (computing similarity() on each row the index gives back is most of a look-up's time).
    When it finds fewer, the floor is asked as before, so nothing is lost."""
    with transaction.atomic(), connection.cursor() as cursor:
        for threshold in trigram_steps():
            set_trigram_threshold(cursor, threshold)
            found = list(trigram_matches(rows, source_text, fields)[:MAX_CANDIDATES])
            if len(found) == MAX_CANDIDATES:
                break
    return found


def word_candidates(rows, source_text, fields=ROW_FIELDS):
    """Rows sharing the most of the paragraph's search words, then the newest."""
    words = search_words(source_text)
    if not words:
        return []
    shared = sum(Case(When(source__contains=word, then=1), default=0) for word in words)
    return list(
        rows.annotate(shared=shared)
        .filter(shared__gt=0)
        .order_by("-shared", "-pk")
        .values_list(*fields)[:MAX_CANDIDATES]
    )


def candidates(queryset, source_text, fields):
    if connection.vendor == "postgresql":
        return trigram_candidates(queryset, source_text, fields)
    return word_candidates(queryset, source_text, fields)


def approved_paragraphs(user, source_text, exclude_document=None):
    """Candidates from the desk's own approved rows."""
    rows = approved_rows(user, exclude_document)
    for pk, source, text, document_pk, title in candidates(rows, source_text, ROW_FIELDS):
        url = f"{Document(pk=document_pk).get_absolute_url()}#row-{pk}"
        yield Candidate(source, text, title, url, ("paragraph", pk))


def imported_units(user, source_text, exclude_document=None):
    """Candidates from imported TMX files, for anyone signed in (the memory view lets only
    those who may edit the document ask)."""
    if not (user.is_authenticated and user.is_active):
        return
    for pk, source, target, origin in candidates(memory_units(), source_text, UNIT_FIELDS):
        yield Candidate(source, target, origin, "", ("unit", pk))


# Approved rows first: a pair that is in both keeps the link to its document.
SOURCES = (approved_paragraphs, imported_units)


def suggestions(user, source_text, exclude_document=None, limit=3):
    """Up to `limit` suggestions for a row whose Korean is `source_text`, best first."""
    if not source_text.strip():
        return []
    scored = []
    seen = set()
    for source in SOURCES:
        for candidate in source(user, source_text, exclude_document):
            # The same pair in several documents, or in a document and a TMX file, is one
            # suggestion.
            pair = (candidate.source, candidate.english)
            if pair in seen:
                continue
            seen.add(pair)
            score = similarity(candidate.source, source_text)
            if score >= settings.WORKBENCH_MEMORY_MIN_SIMILARITY:
                scored.append((score, candidate))
    scored.sort(key=lambda item: -item[0])
    return [
        Suggestion(
            source=candidate.source,
            english=candidate.english,
            origin=candidate.origin,
            url=candidate.url,
            key=candidate.key,
            similarity=score,
            diff=diff_words(candidate.source, source_text),
        )
        for score, candidate in scored[:limit]
    ]
