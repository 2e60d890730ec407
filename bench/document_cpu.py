"""CPU time and wall time of the document page, in-process, cold and warm caches.

On a machine shared with other people's tests, wrk's figures move with the load; the CPU time
this process spends per request (time.process_time) does not, much. Creates a scratch
PostgreSQL database (dropped after), seeds scale S (bench/seed.py), then requests the 40-row
and the 400-row page through Django's test client as the bench editor:

- cold: the row and page caches cleared before every request (every row rendered);
- rows: the page cache cleared before every request (every row from the row cache);
- warm: the same request again and again (the page body from the page cache).

    BENCH_RUNS=30 .venv/bin/python bench/document_cpu.py
    BENCH_PROFILE=1 .venv/bin/python bench/document_cpu.py   # also a cProfile profile

BENCH_SERVER (default postgres://postgres@127.0.0.1:5432) names the server; the scratch
database is BENCH_SCRATCH, by default wb_document_cpu_<pid>. With BENCH_KEEP=1 it is kept
after the run and reused, unseeded again, by the next run that names it: comparing two
versions of the code on the very same rows, run after run.
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
SCRATCH = os.environ.get("BENCH_SCRATCH", f"wb_document_cpu_{os.getpid()}")
os.environ["DATABASE_URL"] = f"{SERVER}/{SCRATCH}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="wb-static-"))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
KEEP = bool(os.environ.get("BENCH_KEEP"))
TITLES = {40: "Bench: document page, 40 rows", 400: "Bench: document page, 400 rows"}


def admin(sql, *params):
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        return connection.execute(sql, params).fetchall() if params else connection.execute(sql)


def scratch_exists():
    return bool(admin("select 1 from pg_database where datname = %s", SCRATCH))


def queries_of(client, url, cold):
    """The queries of one request, the caches in `cold` cleared first."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in cold:
        caches[name].clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    return len(queries)


def measure(client, url, runs, cold):
    """`cold`: the caches cleared before each request ("rows", "pages"), none of them if empty."""
    from django.core.cache import caches

    cpu, wall = [], []
    for _ in range(runs):
        for name in cold:
            caches[name].clear()
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url, secure=True)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.mean(cpu) * 1000, statistics.median(wall) * 1000


def main():
    reuse = KEEP and scratch_exists()
    if not reuse:
        admin(f"create database {SCRATCH}")
    try:
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.cache import caches
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        from bench.seed import seed
        from reviews.models import Document

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        if reuse:
            pages = {rows: Document.objects.get(title=title).pk for rows, title in TITLES.items()}
            editor = "bench-editor1"
        else:
            seeded = seed("S", progress=lambda *_: None)
            pages, editor = {40: seeded.page_40, 400: seeded.page_400}, seeded.people["editor"]
        client = Client()
        client.force_login(User.objects.get(username=editor))
        print(f"{RUNS} requests each; CPU ms = mean process_time, wall ms = median")
        print(f"load average {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
        print("| page | cache | CPU ms/request | wall ms (median) | queries |")
        print("|---|---|---:|---:|---:|")
        for rows, pk in pages.items():
            url = f"/documents/{pk}/"
            client.get(url, secure=True)  # templates compiled, connections open
            for label, cold in (("cold", ("rows", "pages")), ("rows", ("pages",)), ("warm", ())):
                cpu, wall = measure(client, url, RUNS, cold)
                queries = queries_of(client, url, cold)
                print(f"| {rows} rows | {label} | {cpu:.1f} | {wall:.1f} | {queries} |")
        for name in ("rows", "pages"):
            store = getattr(caches[name], "_cache", None)  # locmem: key -> pickled value
            if store is not None:
                sizes = [len(value) for value in store.values()]
                print(
                    f"{name} cache: {len(sizes)} entries, {sum(sizes) / 1024:.0f} KB pickled, "
                    f"{sum(sizes) / max(len(sizes), 1) / 1024:.1f} KB each on average"
                )
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            for rows, label, cold in (
                (400, "cold", ("rows", "pages")),
                (400, "rows", ("pages",)),
                (40, "warm", ()),
            ):
                pk = pages[rows]
                profiler = cProfile.Profile()
                profiler.runcall(measure, client, f"/documents/{pk}/", 5, cold)
                print(f"--- {rows} rows, {label}, 5 requests ---")
                pstats.Stats(profiler).sort_stats(
                    os.environ.get("BENCH_SORT", "cumulative")
                ).print_stats(70)
        connections.close_all()
    finally:
        if not KEEP:
            admin(f"drop database if exists {SCRATCH} with (force)")


if __name__ == "__main__":
    main()
