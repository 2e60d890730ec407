"""Make a new API token for a person and print it: the only time it can be read."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reviews.api.tokens import create_token

from ._files import user_named


class Command(BaseCommand):
    help = "Create an API token for USER and print it (it is stored hashed and never shown again)."

    def add_arguments(self, parser):
        parser.add_argument("user")
        parser.add_argument("--name", default="command line", help="a label for the token")

    def handle(self, *args, user, name, **options):
        try:
            token, _ = create_token(user_named(user), name)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        self.stdout.write(token)
