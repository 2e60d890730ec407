"""A document as a file: the final English with its credit line, or the bilingual pairs as
XLIFF 2.1 or TMX. Every export is an Event.

Until the document is approved an export is a draft: "-draft" in its file name, "Draft, not
approved: <stage>" at the top, and no credit line, which is the sign-off of the finished text.
"""

from django.utils.text import slugify

from reviews.formats import EXPORT_FORMATS, write_export, write_tmx, write_xliff
from reviews.models import Event, Stage, display_name

BILINGUAL_FORMATS = {
    "xliff": ("application/xliff+xml; charset=utf-8", "xlf"),
    "tmx": ("application/x-tmx+xml; charset=utf-8", "tmx"),
}
ALL_FORMATS = {**EXPORT_FORMATS, **BILINGUAL_FORMATS}
FINAL_STAGES = frozenset({Stage.APPROVED, Stage.PUBLISHED})


def draft_notice(document):
    """What marks an export made before approval; empty for the approved text."""
    if document.stage in FINAL_STAGES:
        return ""
    return f"Draft, not approved: {document.get_stage_display().lower()}"


def export_document(document, fmt, user=None):
    """(bytes, content type, file name) of the document in `fmt`."""
    content_type, extension = ALL_FORMATS[fmt]
    rows = list(document.paragraphs.order_by("position").values_list("source", "text"))
    draft = draft_notice(document)
    described = {
        "title": document.title,
        "source_lang": document.source_lang,
        "target_lang": document.target_lang,
        "draft": draft,
    }
    if fmt == "xliff":
        data = write_xliff(rows, doc_id=f"workbench-{document.pk}", **described)
    elif fmt == "tmx":
        data = write_tmx(rows, **described)
    else:
        paragraphs = [text for _, text in rows]
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
