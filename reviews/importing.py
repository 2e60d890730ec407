"""Turn a Korean original and its English translation into a document with paired rows."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from reviews.alignment import align
from reviews.diffing import check_length
from reviews.formats import UnreadableFile
from reviews.models import Document, Event, Paragraph, Revision, Role, Stage

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
        source_filename=source_filename,
        target_filename=target_filename,
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            position=position,
            source=source,
            text=target,
            alignment_confidence=confidence,
        )
        for position, (source, target, confidence) in enumerate(rows)
    )
    Event.objects.create(
        document=document,
        actor=created_by,
        verb=Event.Verb.UPLOADED,
        payload={
            "source_paragraphs": len(source_paragraphs),
            "target_paragraphs": len(target_paragraphs),
            "rows": len(rows),
            "source_filename": source_filename,
            "target_filename": target_filename,
        },
    )
    return document


def start_history(document, user):
    """The first revision of every row is the translation as uploaded and paired.

    One INSERT ... SELECT in the database: building a Revision object per row and sending the
    text back took most of a second for a 1,500-row document (bench/RESULTS.md)."""
    role = document.role_of(user) or Role.MANAGER
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
