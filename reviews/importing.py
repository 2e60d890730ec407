"""Turn a Korean original and its English translation into a document with paired rows."""

from django.db import transaction
from django.db.models import F

from reviews.alignment import align
from reviews.cleaning import clean_line
from reviews.diffing import check_length
from reviews.findings import refresh_document
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
    refresh_document(document)
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
    """The first revision of every row is the translation as uploaded and paired."""
    role = document.role_of(user) or Role.MANAGER
    # The pairing is final now; the glossary may have changed while it was made.
    refresh_document(document, texts_changed=False)
    document.paragraphs.update(original_text=F("text"))
    Revision.objects.bulk_create(
        Revision(
            paragraph=paragraph,
            author=document.translator or user,
            author_role=Role.TRANSLATOR if document.translator else role,
            text=paragraph.text,
            base_version=0,
            base_text="",
            diff=[[1, paragraph.text]] if paragraph.text else [],
            state=Revision.State.ACCEPTED,
            version=paragraph.version,
            note="uploaded translation",
        )
        for paragraph in document.paragraphs.filter(revisions__isnull=True)
    )
