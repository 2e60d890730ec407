"""The translation memory GET at a bench scale, in-process: CPU time, wall time and queries.

What `make bench` drives as "translation memory" (the memory slot of the 400-row page's rows,
as the bench editor), through Django's test client, so the figure is this process's CPU time
(time.process_time), which moves less with other people's load than wrk's. Seeds BENCH_SCALE
(default L) with bench/seed.py into BENCH_MEMORY_DATABASE (default wb_memory_get) once and
keeps it for the next run; prints the key tables' sizes.

    BENCH_SCALE=L .venv/bin/python bench/memory_get.py
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
DATABASE = os.environ.get("BENCH_MEMORY_DATABASE", "wb_memory_get")
SCALE = os.environ.get("BENCH_SCALE", "L").upper()
ROWS = int(os.environ.get("BENCH_ROWS", "50"))
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="wb-static-"))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")


def ensure_database():
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if found.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def p95(values):
    return sorted(values)[max(int(len(values) * 0.95) - 1, 0)]


def backend_cpu_ms(connection):
    """The CPU time (user and system) of this connection's PostgreSQL backend, when the server
    runs on this machine (its /proc entry), else None: the database's own share of a GET,
    which the wall time mixes with waiting for the cores."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def main():
    ensure_database()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.seed import seed
    from reviews.models import Document, Paragraph

    call_command("migrate", verbosity=0)
    page = Document.objects.filter(title="Bench: document page, 400 rows").first()
    if page is None:
        started = time.perf_counter()
        seed(SCALE, progress=print)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"seeded scale {SCALE} in {time.perf_counter() - started:.0f} s")
        page = Document.objects.get(title="Bench: document page, 400 rows")
    rows = list(page.paragraphs.order_by("position").values_list("pk", flat=True)[:ROWS])
    approved = Paragraph.objects.filter(status="approved").count()
    print(f"{approved:,} approved rows; the memory GET of {len(rows)} rows of the 400-row page")
    client = Client()
    client.force_login(User.objects.get(username="bench-editor1"))
    htmx = {"HX-Request": "true"}
    url = f"/documents/{page.pk}/rows/{{}}/memory/"
    client.get(url.format(rows[0]), headers=htmx, secure=True)  # connection and templates
    for label in ("first look-up of each row", "again, nothing changed (the kept results)"):
        cpu, wall, queries = [], [], []
        database_before = backend_cpu_ms(connection)
        for row in rows:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started_cpu, started = time.process_time(), time.perf_counter()
                response = client.get(url.format(row), headers=htmx, secure=True)
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries.append(len(captured))
        database = backend_cpu_ms(connection)
        database = "" if database is None else f"{(database - database_before) / len(rows):.1f} ms"
        print(
            f"{label}: CPU median {statistics.median(cpu):.1f} ms, p95 {p95(cpu):.1f} ms; "
            f"wall median {statistics.median(wall):.1f} ms, p95 {p95(wall):.1f} ms, "
            f"max {max(wall):.1f} ms; queries {min(queries)}-{max(queries)}; "
            f"database CPU per GET {database or 'not read (the server is not local)'}"
        )
    with connection.cursor() as cursor:
        for table in ("reviews_memoryrowkey", "reviews_memoryunitkey"):
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(
                "SELECT count(*), pg_total_relation_size(%s) FROM " + table,  # noqa: S608
                [table],
            )
            count, size = cursor.fetchone()
            print(f"  {table}: {count:,} keys, {size / 1e6:.0f} MB with its index")


if __name__ == "__main__":
    main()
