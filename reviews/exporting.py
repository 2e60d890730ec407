"""A document as a file: the final English with its credit line, or the bilingual pairs as
XLIFF 2.1 or TMX. Every export is an Event."""

from django.utils.text import slugify

from reviews.formats import EXPORT_FORMATS, write_export, write_tmx, write_xliff
from reviews.models import Event

BILINGUAL_FORMATS = {
    "xliff": ("application/xliff+xml; charset=utf-8", "xlf"),
    "tmx": ("application/x-tmx+xml; charset=utf-8", "tmx"),
}
ALL_FORMATS = {**EXPORT_FORMATS, **BILINGUAL_FORMATS}


def export_document(document, fmt, user=None):
    """(bytes, content type, file name) of the document in `fmt`."""
    content_type, extension = ALL_FORMATS[fmt]
    rows = list(document.paragraphs.order_by("position").values_list("source", "text"))
    described = {
        "title": document.title,
        "source_lang": document.source_lang,
        "target_lang": document.target_lang,
    }
    if fmt == "xliff":
        data = write_xliff(rows, doc_id=f"workbench-{document.pk}", **described)
    elif fmt == "tmx":
        data = write_tmx(rows, **described)
    else:
        paragraphs = [text for _, text in rows]
        data = write_export(fmt, document.title, paragraphs, document.credit_line)
    # Logged, but not activity: a download does not move the document up the desk's queue.
    Event.objects.create(
        document=document,
        actor=user,
        verb=Event.Verb.EXPORTED,
        payload={"format": fmt, "bytes": len(data)},
    )
    filename = f"{slugify(document.title) or f'document-{document.pk}'}.{extension}"
    return data, content_type, filename
