"""The desk queue on a seeded database (scale L: bench/seed.py, as `make bench` seeds it):
in-process CPU (time.process_time, median of RUNS requests through Django's test client,
DEBUG off, secure=True), wall time and the database's share of it (the queries' own times),
and queries, for the bench's editor, translator and manager on each path; with --explain,
EXPLAIN (ANALYZE, BUFFERS) of every query but the session's. With --cold the rows cache is
emptied before each request: every row counted and rendered, as after a change to each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wb_queue_l \
        .venv/bin/python bench/queue_cpu.py / "/?show=all" [--explain] [--cold]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-queue-cpu-" + "x" * 40)  # a scratch process only
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reviews.row_cache import row_cache  # noqa: E402

RUNS = int(os.environ.get("RUNS", 20))
PEOPLE = ("bench-editor1", "bench-translator1", "bench-manager1")  # bench/seed.py's


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def main(paths, show_plans, cold):
    for username in PEOPLE:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for path in paths:
            assert client.get(path, secure=True).status_code == 200  # warm, and not an error
            times, walls, database = [], [], []
            for _ in range(RUNS):
                if cold:
                    row_cache().clear()
                with CaptureQueriesContext(connection) as timed:
                    start, wall = time.process_time(), time.perf_counter()
                    client.get(path, secure=True)
                    times.append(time.process_time() - start)
                    walls.append(time.perf_counter() - wall)
                database.append(sum(float(query["time"]) for query in timed.captured_queries))
            if cold:
                row_cache().clear()
            with CaptureQueriesContext(connection) as captured:
                client.get(path, secure=True)
            print(
                f"{username:<20} {path:<26} CPU median {statistics.median(times) * 1000:6.1f} ms"
                f"  wall {statistics.median(walls) * 1000:6.1f} ms"
                f" (database {statistics.median(database) * 1000:5.1f})  queries {len(captured)}",
                flush=True,
            )
            if not show_plans:
                continue
            for query in captured.captured_queries:
                sql = query["sql"]
                if "reviews_session" in sql or sql.startswith(("SAVEPOINT", "RELEASE")):
                    continue
                print(f"  -- {sql[:300]}")
                print("\n".join(f"     {line}" for line in explain(sql)))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(
        [a for a in arguments if a.startswith("/")] or ["/"],
        "--explain" in arguments,
        "--cold" in arguments,
    )
