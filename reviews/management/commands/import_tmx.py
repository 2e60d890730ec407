"""Load a TMX file's pairs into the translation memory store (MemoryUnit)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.diffing import TextTooLong
from reviews.formats import UnreadableFile, read_tmx
from reviews.importing import import_memory

from ._files import read_capped, user_named


class Command(BaseCommand):
    help = "Import FILE (TMX) into the translation memory; pairs already there are skipped."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="username recorded as the importer")

    def handle(self, *args, file, user, **options):
        importer = user_named(user)
        data = read_capped(file)
        try:
            pairs = read_tmx(data, file.name)
            added, known = import_memory(pairs, origin=file.name, imported_by=importer)
        except (TextTooLong, UnreadableFile) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported {added} pairs ({known} already in the memory).")
