"""Write a document's final English, with its credit line, to a file or standard output."""

import sys

from django.core.management.base import BaseCommand, CommandError

from reviews.exporting import ALL_FORMATS, export_document
from reviews.models import Document


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
        data, _, _ = export_document(document, format)
        if output:
            try:
                with open(output, "wb") as file:
                    file.write(data)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
