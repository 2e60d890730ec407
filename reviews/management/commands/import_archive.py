"""Load an archive made by export_archive into an empty database (see reviews/archive.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = (
        "Load an archive FILE made by export_archive into an empty, migrated database, in one "
        "transaction. A database that holds any user, group or desk record is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with Path(file).open("rb") as stream:
                counts = import_archive(stream)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"Loaded {sum(counts.values())} rows from {file}.")
