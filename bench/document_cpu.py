"""CPU time and wall time of the document page, in-process, cold and warm row cache.

On a machine shared with other people's tests, wrk's figures move with the load; the CPU time
this process spends per request (time.process_time) does not, much. Creates a scratch
PostgreSQL database (dropped after), seeds scale S (bench/seed.py), then requests the 40-row
and the 400-row page through Django's test client as the bench editor:

- cold: the row cache cleared before every request (every row rendered);
- warm: the same request again and again (every row from the cache).

    BENCH_RUNS=30 .venv/bin/python bench/document_cpu.py
    BENCH_PROFILE=1 .venv/bin/python bench/document_cpu.py   # also a cProfile profile

BENCH_SERVER (default postgres://postgres@127.0.0.1:5432) names the server; the scratch
database is wb_document_cpu_<pid>.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
SCRATCH = f"wb_document_cpu_{os.getpid()}"
os.environ["DATABASE_URL"] = f"{SERVER}/{SCRATCH}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="wb-static-"))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def admin(sql):
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def measure(client, url, runs, cold):
    from django.conf import settings
    from django.core.cache import caches

    cpu, wall = [], []
    for _ in range(runs):
        if cold and "rows" in settings.CACHES:
            caches["rows"].clear()
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url, secure=True)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.mean(cpu) * 1000, statistics.median(wall) * 1000


def main():
    admin(f"create database {SCRATCH}")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.core.cache import caches
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        from bench.seed import seed

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        seeded = seed("S", progress=lambda *_: None)
        client = Client()
        client.force_login(User.objects.get(username=seeded.people["editor"]))
        print(f"{RUNS} requests each; CPU ms = mean process_time, wall ms = median")
        print("| page | cache | CPU ms/request | wall ms (median) |")
        print("|---|---|---:|---:|")
        for rows, pk in ((40, seeded.page_40), (400, seeded.page_400)):
            url = f"/documents/{pk}/"
            client.get(url, secure=True)  # templates compiled, connections open
            for cold in (True, False):
                cpu, wall = measure(client, url, RUNS, cold)
                label = "cold" if cold else "warm"
                print(f"| {rows} rows | {label} | {cpu:.1f} | {wall:.1f} |")
        rows_cache = caches["rows"] if "rows" in settings.CACHES else None
        store = getattr(rows_cache, "_cache", None)  # locmem: key -> pickled value
        if store is not None:
            sizes = [len(value) for value in store.values()]
            print(
                f"row cache: {len(sizes)} entries, {sum(sizes) / 1024:.0f} KB pickled, "
                f"{sum(sizes) / max(len(sizes), 1) / 1024:.1f} KB each on average"
            )
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            for rows, pk, cold in (
                (400, seeded.page_400, True),
                (400, seeded.page_400, False),
                (40, seeded.page_40, False),
            ):
                profiler = cProfile.Profile()
                profiler.runcall(measure, client, f"/documents/{pk}/", 5, cold)
                print(f"--- {rows} rows, {'cold' if cold else 'warm'} cache, 5 requests ---")
                pstats.Stats(profiler).sort_stats(
                    os.environ.get("BENCH_SORT", "cumulative")
                ).print_stats(70)
        connections.close_all()
    finally:
        admin(f"drop database if exists {SCRATCH} with (force)")


if __name__ == "__main__":
    main()
