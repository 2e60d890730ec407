"""What the interchange commands share: people by username, files read within a size cap."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

# An XLIFF or TMX file of a desk is a few megabytes; a larger one is refused before it is read.
MAX_XML_BYTES = 20 * 1024 * 1024


def user_named(username):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


def read_capped(path: Path, max_bytes: int = MAX_XML_BYTES) -> bytes:
    """The file's bytes, refused by its size before anything is read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            limit = f"{max_bytes / 1024 / 1024:g} MB"
            raise CommandError(f"{path.name} is larger than the {limit} limit.")
        # Read what stat() gave, not max_bytes: read(n) sets aside n bytes before it reads, so
        # a 0-byte file would cost the whole cap. A file that grew since is cut there (and
        # refused by its parser).
        with path.open("rb") as file:
            return file.read(size + 1)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


def write_output(stdout, output, data: bytes):
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
    else:
        stdout.buffer.write(data)
        stdout.buffer.flush()
