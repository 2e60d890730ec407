"""Turn a Korean original and its English translation into a document with paired rows."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from reviews import memory_index
from reviews.alignment import align
from reviews.cleaning import clean_line
from reviews.diffing import check_length
from reviews.findings import check_new_document, check_new_rows, refresh_document
from reviews.formats import UnreadableFile
from reviews.formats.errors import bare_filename
from reviews.formats.interchange import APPROVED
from reviews.learned_lexicon import refresh as refresh_learned_lexicon
from reviews.models import Comment, Document, Event, MemoryUnit, Paragraph, Revision, Role, Stage

# The same cap as comments typed in the app (reviews.comments imports workflow, which imports
# this module, so the number is repeated rather than imported).
MAX_COMMENT_CHARS = 5_000

# Below this the row is marked for a person to check the pairing.
LOW_CONFIDENCE = 0.6
# News articles have tens of paragraphs; the cap keeps one upload from occupying the aligner
# (linear in the paragraphs, about half a second per thousand) and the database for minutes.
MAX_PARAGRAPHS = 2_000


def check_paragraph_count(paragraphs, name):
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise UnreadableFile(
            f"The {name} has {len(paragraphs):,} paragraphs; the limit is {MAX_PARAGRAPHS:,}."
        )


def pair_rows(source_paragraphs, target_paragraphs):
    """Rows of (source text, target text, confidence); several paragraphs in one cell are
    kept apart by a blank line."""
    refresh_learned_lexicon()
    rows = []
    for source_indices, target_indices, confidence in align(source_paragraphs, target_paragraphs):
        rows.append(
            (
                "\n\n".join(source_paragraphs[i] for i in source_indices),
                "\n\n".join(target_paragraphs[i] for i in target_indices),
                confidence,
            )
        )
    return rows


@transaction.atomic
def create_document(
    *,
    title,
    source_paragraphs,
    target_paragraphs,
    created_by,
    translator=None,
    editor=None,
    source_filename="",
    target_filename="",
):
    """Create the document in the aligning stage. Revisions start when the pairing is
    confirmed (`start_history`), so fixing the pairing never rewrites history."""
    title = clean_line(title)
    if not title:
        raise UnreadableFile("The title is empty.")
    check_paragraph_count(source_paragraphs, "Korean original")
    check_paragraph_count(target_paragraphs, "English translation")
    rows = pair_rows(source_paragraphs, target_paragraphs)
    for source, target, _ in rows:
        check_length(source)
        check_length(target)
    document = Document.objects.create(
        title=title,
        stage=Stage.ALIGNING,
        translator=translator,
        editor=editor,
        created_by=created_by,
        source_filename=clean_line(source_filename),
        target_filename=clean_line(target_filename),
    )
    paragraphs = [
        Paragraph(
            document=document,
            position=position,
            source=source,
            text=target,
            alignment_confidence=confidence,
        )
        for position, (source, target, confidence) in enumerate(rows)
    ]
    check_new_rows(document, paragraphs)
    Paragraph.objects.bulk_create(paragraphs)
    check_new_document(document, paragraphs)
    Event.objects.create(
        document=document,
        actor=created_by,
        verb=Event.Verb.UPLOADED,
        payload={
            "source_paragraphs": len(source_paragraphs),
            "target_paragraphs": len(target_paragraphs),
            "rows": len(rows),
            "source_filename": document.source_filename,
            "target_filename": document.target_filename,
        },
    )
    return document


def start_history(document, user):
    """The first revision of every row is the translation as uploaded and paired.

    One INSERT ... SELECT in the database: building a Revision object per row and sending the
    text back took most of a second for a 1,500-row document (bench/RESULTS.md)."""
    role = document.role_of(user) or Role.MANAGER
    # The pairing is final now; the glossary may have changed while it was made.
    refresh_document(document, texts_changed=False)
    author = document.translator or user
    author_role = Role.TRANSLATOR if document.translator else role
    document.paragraphs.update(original_text=F("text"))
    revisions, paragraphs = Revision._meta.db_table, Paragraph._meta.db_table
    # The diff of the first revision is the whole text inserted: [[1, text]], or [] if empty.
    if connection.vendor == "postgresql":
        whole_text = "jsonb_build_array(jsonb_build_array(1, p.text))"
    else:
        whole_text = "json_array(json_array(1, p.text))"
    # Table names come from the models, never from input; every value is a parameter.
    sql = f"""
        INSERT INTO {revisions} (paragraph_id, author_id, author_role, text, base_version,
            base_text, diff, state, version, note, created_at)
        SELECT p.id, %s, %s, p.text, 0, '', CASE WHEN p.text = '' THEN '[]' ELSE {whole_text} END,
            %s, p.version, %s, %s
        FROM {paragraphs} p
        WHERE p.document_id = %s
            AND NOT EXISTS (SELECT 1 FROM {revisions} r WHERE r.paragraph_id = p.id)
        ORDER BY p.position
    """  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        author.pk,
        str(author_role),
        str(Revision.State.ACCEPTED),
        "uploaded translation",
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, document.pk])


def _comment_fields(note, people, fallback_author):
    """Author, body, category and severity of an imported note. A note's author who is a
    person here (by username or full name) keeps their name; others are kept in the text, as
    are a category or severity we do not have."""
    author = people.get(note.author.casefold()) if note.author else None
    body = note.body
    category = note.category if note.category in Comment.Category.values else ""
    severity = note.severity if note.severity in Comment.Severity.values else ""
    unknown = [
        value
        for value, kept in ((note.category, category), (note.severity, severity))
        if value and not kept
    ]
    if unknown:
        body = f"[{', '.join(unknown)}] {body}"
    if severity and not category:
        category = Comment.Category.OTHER
    if note.author and author is None:
        body = f"(from {note.author}) {body}"
    if len(body) > MAX_COMMENT_CHARS:
        raise UnreadableFile(
            f"A note has {len(body):,} characters; the limit for a comment is "
            f"{MAX_COMMENT_CHARS:,}."
        )
    return {
        "author": author or fallback_author,
        "body": body,
        "category": category,
        "severity": severity,
    }


def _people_named(names):
    """{casefolded username or full name: user} for the note authors that are people here."""
    wanted = {name.casefold() for name in names if name}
    if not wanted:
        return {}
    found = {}
    users = get_user_model().objects.filter(is_active=True)
    for user in users.only("username", "first_name", "last_name"):
        for key in (user.get_username().casefold(), user.get_full_name().casefold()):
            if key in wanted:
                found.setdefault(key, user)
    return found


def _create_comments(document, placed, people, fallback_author):
    """Notes as comments: threads first, then the replies (a note naming another by id, as our
    XLIFF 2.1 writes them) under the comment they answer, as in the app."""
    keys = {note.key for _, note in placed if note.key}
    starts = [(row, note) for row, note in placed if note.reply_to not in keys]
    replies = [(row, note) for row, note in placed if note.reply_to in keys]
    created = Comment.objects.bulk_create(
        Comment(document=document, paragraph=row, **_comment_fields(note, people, fallback_author))
        for row, note in starts
    )
    by_key = {note.key: comment for (_, note), comment in zip(starts, created, strict=True)}
    parents = {note.key: note.reply_to for _, note in replies if note.key}
    answers = []
    for row, note in replies:
        # Threads are one level deep: a reply to a reply answers the thread's first comment.
        key, seen = note.reply_to, set()
        while key in parents and key not in seen:
            seen.add(key)
            key = parents[key]
        thread = by_key.get(key)
        fields = _comment_fields(note, people, fallback_author)
        if thread is None:
            # Notes that answer each other in a circle: each is kept, as a comment of its own.
            answers.append(Comment(document=document, paragraph=row, **fields))
            continue
        fields["category"] = fields["severity"] = ""
        answers.append(
            Comment(document=document, paragraph=thread.paragraph, reply_to=thread, **fields)
        )
    return created + Comment.objects.bulk_create(answers)


@transaction.atomic
def create_document_from_units(
    bilingual, *, title, created_by, translator=None, editor=None, filename=""
):
    """A document from an XLIFF file: one row per unit, as the file pairs them, so there is no
    pairing to check and the document starts in translating with the file's text as the first
    revision; approved units are approved rows, notes are comments."""
    units = bilingual.units
    check_paragraph_count(units, "XLIFF file")
    for unit in units:
        check_length(unit.source)
        check_length(unit.target)
    for lang in (bilingual.source_lang, bilingual.target_lang):
        if not lang or len(lang) > 10:
            raise UnreadableFile(f"{bare_filename(filename)} names a language we cannot use.")
    notes = [note for unit in units for note in unit.notes] + list(bilingual.notes)
    people = _people_named(note.author for note in notes)
    document = Document.objects.create(
        title=title,
        stage=Stage.TRANSLATING,
        source_lang=bilingual.source_lang,
        target_lang=bilingual.target_lang,
        translator=translator,
        editor=editor,
        created_by=created_by,
        source_filename=filename,
        target_filename=filename,
    )
    rows = Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            position=position,
            source=unit.source,
            text=unit.target,
            status=Paragraph.Status.APPROVED
            if unit.status == APPROVED and unit.target.strip()
            else Paragraph.Status.TRANSLATED,
        )
        for position, unit in enumerate(units)
    )
    memory_index.index_rows(row.pk for row in rows if row.status == Paragraph.Status.APPROVED)
    placed = [(None, note) for note in bilingual.notes]
    placed += [(row, note) for row, unit in zip(rows, units, strict=True) for note in unit.notes]
    comments = _create_comments(document, placed, people, created_by)
    start_history(document, created_by)
    Event.objects.create(
        document=document,
        actor=created_by,
        verb=Event.Verb.UPLOADED,
        payload={
            "format": "xliff",
            "rows": len(rows),
            "approved_rows": sum(row.status == Paragraph.Status.APPROVED for row in rows),
            "comments": len(comments),
            "source_filename": filename,
        },
    )
    return document


@transaction.atomic
def import_memory(pairs, *, origin, imported_by=None):
    """TMX pairs into the memory store; a pair already there (same text, same languages) is not
    added twice. Returns (added, already there)."""
    for pair in pairs:
        check_length(pair.source)
        check_length(pair.target)
        if len(pair.source_lang) > 20 or len(pair.target_lang) > 20:
            raise UnreadableFile(f"{bare_filename(origin)} names a language we cannot use.")
    sources = sorted({pair.source for pair in pairs})
    existing = set()
    # In slices: SQLite caps the parameters of one query.
    for start in range(0, len(sources), 500):
        existing.update(
            MemoryUnit.objects.filter(source__in=sources[start : start + 500]).values_list(
                "source", "target", "source_lang", "target_lang"
            )
        )
    fresh = []
    for pair in pairs:
        key = (pair.source, pair.target, pair.source_lang, pair.target_lang)
        if key in existing:
            continue
        existing.add(key)
        fresh.append(
            MemoryUnit(
                source=pair.source,
                target=pair.target,
                source_lang=pair.source_lang,
                target_lang=pair.target_lang,
                creation_id=pair.creation_id[:200],
                creation_date=pair.creation_date,
                change_id=pair.change_id[:200],
                change_date=pair.change_date,
                origin=bare_filename(origin)[:255],
                imported_by=imported_by,
            )
        )
    MemoryUnit.objects.bulk_create(fresh, batch_size=500)
    memory_index.index_units(unit.pk for unit in fresh)
    return len(fresh), len(pairs) - len(fresh)
