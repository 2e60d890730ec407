"""The final English of a document as a file, with its credit line; every export is an Event."""

from django.utils.text import slugify

from reviews.formats import EXPORT_FORMATS, write_export
from reviews.models import Event


def export_document(document, fmt, user=None):
    """(bytes, content type, file name) of the document's current English in `fmt`."""
    content_type, extension = EXPORT_FORMATS[fmt]
    paragraphs = list(document.paragraphs.order_by("position").values_list("text", flat=True))
    data = write_export(fmt, document.title, paragraphs, document.credit_line)
    Event.objects.create(
        document=document,
        actor=user,
        verb=Event.Verb.EXPORTED,
        payload={"format": fmt, "bytes": len(data)},
    )
    filename = f"{slugify(document.title) or f'document-{document.pk}'}.{extension}"
    return data, content_type, filename
