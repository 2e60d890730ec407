"""Write the whole desk to one versioned archive file (see reviews/archive.py)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.archive import export_archive


class Command(BaseCommand):
    help = (
        "Write every user, group and desk record to one JSON archive FILE. Password hashes "
        "and second factors are left out unless --with-passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the archive file to write")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="include password hashes and two-factor devices (keep the file secret)",
        )

    def handle(self, *args, output, with_passwords, **options):
        path = Path(output)
        # Written beside the target and renamed, so a failed export never leaves half a file.
        try:
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as file:
                export_archive(file, with_passwords=with_passwords)
            os.replace(temporary, path)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        self.stderr.write(f"Wrote {path} ({path.stat().st_size} bytes).")
