"""Learn the aligner's lexicon again from the desk's approved 1-1 rows (see
reviews/learned_lexicon.py); run it from cron as the translation memory grows."""

from django.core.management.base import BaseCommand

from reviews.learned_lexicon import rebuild


class Command(BaseCommand):
    help = "Learn Korean-English word associations from approved 1-1 rows for the aligner."

    def handle(self, *args, **options):
        build, words, associations = rebuild()
        self.stdout.write(f"build {build}: {associations} associations of {words} Korean words")
