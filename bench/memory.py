"""Translation memory look-ups at 20,000 approved documents (5 rows each, 100,000 rows) and
100,000 imported TMX units.

Seeds the documents and the units once (kept for the next run), ANALYZEs, then times
`memory.suggestions` (which searches both) for near-duplicates of seeded rows, as a manager
(sees everything), as a translator on half of the documents and as one on 20, then for
near-duplicates of seeded units, and prints the plans PostgreSQL chose. On SQLite (the default,
a scratch file) it times the simpler shared-word search instead.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wb_glossary_tm .venv/bin/python bench/memory.py
    .venv/bin/python bench/memory.py
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from reviews import memory, memory_index  # noqa: E402
from reviews.models import Document, MemoryRowKey, MemoryUnit, Paragraph  # noqa: E402
from tests.korean_corpus import near_duplicate, paragraph  # noqa: E402

DOCUMENTS, ROWS, UNITS, LOOKUPS = 20_000, 5, 100_000, 30
TITLE = "TM bench"
UNIT_ORIGIN = "tm-bench.tmx"


def person(username, group):
    user, _ = User.objects.get_or_create(
        username=username, defaults={"password": make_password(None)}
    )
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def seed(rng, half, few, editor):
    if Document.objects.filter(title__startswith=TITLE).count() >= DOCUMENTS:
        return
    start = time.perf_counter()
    for first in range(0, DOCUMENTS, 1_000):
        documents = Document.objects.bulk_create(
            Document(
                title=f"{TITLE} {number}",
                stage="approved",
                translator=few if number < 20 else half if number % 2 else None,
                editor=editor,
                created_by=editor,
            )
            for number in range(first, first + 1_000)
        )
        Paragraph.objects.bulk_create(
            Paragraph(
                document=document,
                position=position,
                source=paragraph(rng),
                text=f"English of {document.pk}.{position}",
                status="approved",
            )
            for document in documents
            for position in range(ROWS)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {DOCUMENTS:,} documents in {time.perf_counter() - start:.0f} s")


def seed_units(rng):
    if MemoryUnit.objects.filter(origin=UNIT_ORIGIN).count() >= UNITS:
        return
    start = time.perf_counter()
    for first in range(0, UNITS, 5_000):
        MemoryUnit.objects.bulk_create(
            (
                MemoryUnit(
                    source=paragraph(rng),
                    target=f"Unit English {number}",
                    source_lang="ko-KR" if number % 2 else "ko",
                    target_lang="en-US" if number % 3 else "en",
                    origin=UNIT_ORIGIN,
                )
                for number in range(first, first + 5_000)
            ),
            batch_size=1_000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {UNITS:,} units in {time.perf_counter() - start:.0f} s")


def p95(values):
    return sorted(values)[int(len(values) * 0.95) - 1]


def timed(user, queries):
    """Wall time and this process's CPU time of each look-up (ms), and the hits."""
    times, cpu, hits = [], [], 0
    for text, english in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        found = memory.suggestions(user, text)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        hits += bool(found) and found[0].english == english
    return statistics.median(times), p95(times), statistics.median(cpu), p95(cpu), hits


def main():
    rng = random.Random(17)
    call_command("migrate", verbosity=0)
    editor, manager = person("tm-editor", "editor"), person("tm-manager", "manager")
    half, few = person("tm-half", "translator"), person("tm-few", "translator")
    seed(rng, half, few, editor)
    seed_units(rng)
    if not MemoryRowKey.objects.exists():
        start = time.perf_counter()
        row_keys, unit_keys = memory_index.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"indexed {row_keys:,} row keys, {unit_keys:,} unit keys "
            f"in {time.perf_counter() - start:.0f} s"
        )
    rows = Paragraph.objects.filter(document__title__startswith=TITLE)
    total = rows.count()
    sample = rows.filter(document__translator=few).values_list("source", "text")
    queries = [(near_duplicate(source, rng), text) for source, text in sample[:LOOKUPS]]
    units = MemoryUnit.objects.filter(origin=UNIT_ORIGIN)
    unit_sample = units.order_by("pk").values_list("source", "target")[: LOOKUPS * 100 : 100]
    unit_queries = [(near_duplicate(source, rng), target) for source, target in unit_sample]
    print(
        f"{connection.vendor}: {total:,} approved rows in {DOCUMENTS:,} documents, "
        f"{units.count():,} imported units"
    )
    for label, user, lookups in (
        ("manager", manager, queries),
        ("translator on half", half, queries),
        ("translator on 20", few, queries),
        ("manager, for a unit", manager, unit_queries),
        ("translator on 20, unit", few, unit_queries),
    ):
        memory.suggestions(user, lookups[0][0])  # warm the connection
        median, slow, cpu, slow_cpu, hits = timed(user, lookups)
        found = f"{hits}/{len(lookups)} found their original first"
        print(
            f"  {label:24} median {median:7.1f} ms  p95 {slow:7.1f} ms  "
            f"CPU median {cpu:6.1f} ms  p95 {slow_cpu:6.1f} ms  ({found})"
        )


if __name__ == "__main__":
    main()
