"""Import an XLIFF 1.2 or 2.x file (ours or another tool's) as a new document; prints its id."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reviews.diffing import TextTooLong
from reviews.formats import UnreadableFile, read_xliff
from reviews.importing import create_document_from_units

from ._files import read_capped, user_named


class Command(BaseCommand):
    help = "Import FILE (XLIFF 1.2 or 2.x) as a new document: one row per unit, notes as comments."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", required=True)
        parser.add_argument("--translator", help="username of the translator")
        parser.add_argument("--editor", help="username of the editor")

    def handle(self, *args, file, title, translator, editor, **options):
        title = " ".join(title.split())
        if not title:
            raise CommandError("The title is empty.")
        if len(title) > 300:
            raise CommandError("The title is longer than 300 characters.")
        translator, editor = user_named(translator), user_named(editor)
        uploader = translator or editor
        if uploader is None:
            uploader = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if uploader is None:
            raise CommandError("Name a --translator or --editor user.")
        data = read_capped(file)
        try:
            document = create_document_from_units(
                read_xliff(data, file.name),
                title=title,
                created_by=uploader,
                translator=translator,
                editor=editor,
                filename=file.name,
            )
        except (TextTooLong, UnreadableFile) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(document.pk))
