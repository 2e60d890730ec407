"""Write a document's final English, with its credit line, to a file or standard output."""

import contextlib
import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.exporting import ALL_FORMATS, export_document
from reviews.models import Document


def write_whole(path, data):
    """All of `data` at `path`, or nothing: written beside it under a temporary name, flushed
    to disk, then renamed over it. A full disk leaves no half file and an old file intact."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".part")
    try:
        with open(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class Command(BaseCommand):
    help = (
        "Export document ID: the English as txt, md, docx or html; both sides as xliff (2.1), "
        "xliff12, tmx (approved pairs), bilingual-docx or bilingual-html."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--format", required=True, choices=list(ALL_FORMATS))
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, id, format, output, **options):
        try:
            document = Document.objects.get(pk=id)
        except Document.DoesNotExist:
            raise CommandError(f"No document with id {id}.") from None
        if not output:
            data, _, _ = export_document(document, format)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        try:
            # The export's event is logged only if the file was written.
            with transaction.atomic():
                data, _, _ = export_document(document, format)
                write_whole(output, data)
        except OSError as error:
            raise CommandError(
                f"Cannot write {output}: {error.strerror or error}. Nothing was written."
            ) from error
