"""Import a Korean original and its English translation from files; prints the new id."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reviews.cleaning import clean_line
from reviews.diffing import TextTooLong
from reviews.formats import UnreadableFile, read_upload
from reviews.importing import create_document


class Command(BaseCommand):
    help = "Import SOURCE (Korean) and TARGET (English) files as a new document."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("target", type=Path)
        parser.add_argument("--title", required=True)
        parser.add_argument("--translator", help="username of the translator")
        parser.add_argument("--editor", help="username of the editor")
        parser.add_argument("--created-by", help="username of the uploader (default: translator)")

    def handle(self, *args, source, target, title, translator, editor, created_by, **options):
        title = clean_line(title)
        if not title:
            raise CommandError("The title is empty.")
        people = {
            "translator": self.user(translator),
            "editor": self.user(editor),
            "created_by": self.user(created_by),
        }
        uploader = people["created_by"] or people["translator"] or people["editor"]
        if uploader is None:
            uploader = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if uploader is None:
            raise CommandError("Name a --translator, --editor or --created-by user.")
        texts = [self.read(path) for path in (source, target)]
        try:
            document = create_document(
                title=title,
                source_paragraphs=texts[0],
                target_paragraphs=texts[1],
                created_by=uploader,
                translator=people["translator"],
                editor=people["editor"],
                source_filename=source.name,
                target_filename=target.name,
            )
        except (TextTooLong, UnreadableFile) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(document.pk))

    def user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def read(self, path):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            return read_upload(data, path.name, max_bytes=settings.WORKBENCH_MAX_UPLOAD_BYTES)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
