"""A document as a file: the final English with its credit line, the bilingual pairs as XLIFF
(1.2 or 2.1) or TMX, or a bilingual review file. Every export is an Event.

Until the document is approved an export is a draft: "-draft" in its file name, "Draft, not
approved: <stage>" at the top (a note in XLIFF, a header property in TMX), and no credit line,
which is the sign-off of the finished text.
"""

from django.db.models import Exists, Max, Min, OuterRef
from django.utils.text import slugify

from reviews.formats import EXPORT_FORMATS, write_export, write_tmx, write_xliff, write_xliff12
from reviews.formats.interchange import (
    APPROVED,
    NEW,
    PROPOSED,
    TRANSLATED,
    Bilingual,
    MemoryPair,
    Note,
    Unit,
)
from reviews.formats.review_files import ReviewRow, write_review_docx, write_review_html
from reviews.models import Document, Event, Paragraph, Revision, Stage, display_name

BILINGUAL_FORMATS = {
    "xliff": ("application/xliff+xml; charset=utf-8", "xlf"),
    "xliff12": ("application/xliff+xml; charset=utf-8", "xlf"),
    "tmx": ("application/x-tmx+xml; charset=utf-8", "tmx"),
    "bilingual-docx": (EXPORT_FORMATS["docx"][0], "docx"),
    "bilingual-html": ("text/html; charset=utf-8", "html"),
}
ALL_FORMATS = {**EXPORT_FORMATS, **BILINGUAL_FORMATS}
# The final English keeps its plain names; the bilingual files say what they hold.
FORMAT_LABELS = {
    "txt": "txt",
    "md": "md",
    "docx": "docx",
    "html": "html",
    "xliff": "XLIFF 2.1 (both sides)",
    "xliff12": "XLIFF 1.2 (both sides)",
    "tmx": "TMX 1.4b (approved pairs)",
    "bilingual-docx": "Review table, Word",
    "bilingual-html": "Review table, web page",
}
FINAL_STAGES = frozenset({Stage.APPROVED, Stage.PUBLISHED})


def draft_mark(document) -> str:
    """What marks an export made before approval; empty for the approved text."""
    if document.stage in FINAL_STAGES:
        return ""
    return f"Draft, not approved: {document.get_stage_display().lower()}"


def _rows(document):
    open_proposal = Revision.objects.filter(paragraph=OuterRef("pk"), state="proposed")
    return list(
        document.paragraphs.order_by("position").annotate(has_proposal=Exists(open_proposal))
    )


def row_status(paragraph) -> str:
    if not paragraph.text.strip():
        return NEW
    if paragraph.status == Paragraph.Status.APPROVED:
        return APPROVED
    if getattr(paragraph, "has_proposal", False):
        return PROPOSED
    return TRANSLATED


def _notes_by_row(document):
    """Every comment and reply, oldest first: {paragraph id or None: [Note]}."""
    notes = {}
    for comment in document.comments.select_related("author").order_by("pk"):
        notes.setdefault(comment.paragraph_id, []).append(
            Note(
                body=comment.body,
                author=display_name(comment.author),
                category=comment.category,
                severity=comment.severity,
                key=f"c{comment.pk}",
                reply_to=f"c{comment.reply_to_id}" if comment.reply_to_id else "",
            )
        )
    return notes


def bilingual(document) -> Bilingual:
    notes = _notes_by_row(document)
    return Bilingual(
        title=document.title,
        units=[
            Unit(
                source=row.source,
                target=row.text,
                status=row_status(row),
                notes=notes.get(row.pk, []),
            )
            for row in _rows(document)
        ],
        source_lang=document.source_lang,
        target_lang=document.target_lang,
        doc_id=f"workbench-{document.pk}",
        stage=document.stage,
        translator=display_name(document.translator) if document.translator_id else "",
        editor=display_name(document.editor) if document.editor_id else "",
        credit="" if draft_mark(document) else document.credit_line,
        draft=draft_mark(document),
        updated_at=document.updated_at,
        notes=notes.get(None, []),
    )


def memory_pairs(paragraphs):
    """Approved rows as translation memory pairs. A row holding several paragraphs gives one
    pair per paragraph when both sides have as many; otherwise the row is one pair."""
    pairs = []
    for row in paragraphs:
        document = row.document
        sources, targets = row.source_paragraphs, row.target_paragraphs
        split = list(zip(sources, targets, strict=True)) if len(sources) == len(targets) else []
        for source, target in split or [(row.source, row.text)]:
            pairs.append(
                MemoryPair(
                    source=source,
                    target=target,
                    source_lang=document.source_lang,
                    target_lang=document.target_lang,
                    creation_id=document.translator.username if document.translator else "",
                    creation_date=row.first_revision_at or document.created_at,
                    change_id=document.editor.username if document.editor else "",
                    change_date=row.last_change_at or row.first_revision_at or document.updated_at,
                    title=document.title,
                )
            )
    return pairs


def approved_rows(documents):
    return (
        Paragraph.objects.filter(document__in=documents, status=Paragraph.Status.APPROVED)
        .select_related("document__translator", "document__editor")
        .annotate(
            first_revision_at=Min("revisions__created_at"),
            last_change_at=Max("revisions__decided_at"),
        )
        .order_by("document_id", "position")
    )


def review_rows(document):
    notes = _notes_by_row(document)
    labels = {NEW: "Not translated", TRANSLATED: "Translated", PROPOSED: "Change proposed"}
    labels[APPROVED] = "Approved"
    return [
        ReviewRow(
            number=row.number,
            source=row.source,
            target=row.text,
            status=labels[row_status(row)],
            comments=[_comment_line(note) for note in notes.get(row.pk, [])],
        )
        for row in _rows(document)
    ]


def _comment_line(note: Note) -> str:
    label = ", ".join(part for part in (note.category, note.severity) if part)
    return f"{note.author}{f' ({label})' if label else ''}: {note.body}"


def export_document(document, fmt, user=None):
    """(bytes, content type, file name) of the document in `fmt`."""
    content_type, extension = ALL_FORMATS[fmt]
    draft = draft_mark(document)
    if fmt == "xliff":
        data = write_xliff(bilingual(document))
    elif fmt == "xliff12":
        data = write_xliff12(bilingual(document))
    elif fmt == "tmx":
        pairs = memory_pairs(approved_rows(Document.objects.filter(pk=document.pk)))
        data = write_tmx(pairs, title=document.title, source_lang=document.source_lang, draft=draft)
    elif fmt in ("bilingual-docx", "bilingual-html"):
        writer = write_review_docx if fmt == "bilingual-docx" else write_review_html
        rows = review_rows(document)
        # A review file is read before approval: it names who works on the text, marked draft.
        data = writer(document.title, rows, document.credit_line, draft)
    else:
        paragraphs = list(document.paragraphs.order_by("position").values_list("text", flat=True))
        data = write_export(
            fmt,
            document.title,
            paragraphs,
            "" if draft else document.credit_line,
            draft=draft,
            author=display_name(document.translator) if document.translator else "",
        )
    # Logged, but not activity: a download does not move the document up the desk's queue.
    Event.objects.create(
        document=document,
        actor=user,
        verb=Event.Verb.EXPORTED,
        payload={"format": fmt, "bytes": len(data)},
    )
    stem = slugify(document.title) or f"document-{document.pk}"
    filename = f"{stem}-draft.{extension}" if draft else f"{stem}.{extension}"
    return data, content_type, filename


def export_memory(user=None):
    """TMX of every approved pair in every document `user` may see (every document for None),
    with one export Event per document that gave pairs."""
    documents = Document.objects.all() if user is None else Document.objects.visible_to(user)
    rows = list(approved_rows(documents))
    data = write_tmx(memory_pairs(rows))
    counts = {}
    for row in rows:
        counts[row.document_id] = counts.get(row.document_id, 0) + 1
    Event.objects.bulk_create(
        Event(
            document_id=document_id,
            actor=user,
            verb=Event.Verb.EXPORTED,
            payload={"format": "tmx", "scope": "memory", "rows": count},
        )
        for document_id, count in counts.items()
    )
    return data
