"""Rebuild the translation memory's band keys from the approved rows and imported units.

For a database filled behind the application's back (raw SQL, a restore from a dump), or after
the key function in reviews/memory_index.py changes: the look-up finds only what is indexed.
"""

import time

from django.core.management.base import BaseCommand

from reviews import memory_index


class Command(BaseCommand):
    help = "Rebuild the translation memory's index (MinHash band keys) from scratch."

    def handle(self, **options):
        started = time.perf_counter()
        rows, units = memory_index.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"{rows:,} row keys and {units:,} unit keys in {seconds:.1f} s")
