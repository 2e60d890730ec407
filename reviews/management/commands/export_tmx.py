"""Every approved pair a person may see (every pair, with no --user) as one TMX 1.4b file."""

import sys

from django.core.management.base import BaseCommand

from reviews.exporting import export_memory

from ._files import user_named, write_output


class Command(BaseCommand):
    help = "Export approved pairs as TMX 1.4b: those USER may see, or all with no --user."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="username whose visible documents to export")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, user, output, **options):
        data = export_memory(user_named(user))
        write_output(sys.stdout, output, data)
