"""Throughput and latency of concurrent edits against two gunicorn processes on PostgreSQL.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/concurrency.py

DATABASE_URL names the PostgreSQL server (and its maintenance database); the script creates
its own scratch database `workbench_bench` there, migrates it with `manage.py migrate`, serves
it with two gunicorn processes (`-w 1 --threads 4` each, DEBUG=false, the connection pool on)
and drops it at the end. Clients are threads using http.client, one request at a time each,
alternating between the two servers, as in tests/test_concurrency.py (whose helpers this
reuses). Every edit is: GET the row's edit fragment (the version and text), change one word,
POST it with that version. Per scenario it prints the wall time, edits per second and the
POST latency percentiles, and checks that each paragraph's version is 1 + its accepted saves.

Scenarios, all in the translating stage so every save is accepted at once:
  hot row        all clients edit one paragraph
  two rows       clients split over two paragraphs of one document (the test's shape)
  own rows       each client its own paragraph of one shared document
  own documents  each client its own document (nothing shared but the servers)
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCRATCH = "workbench_bench"


def admin_connect(url):
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    return psycopg.connect(maintenance, autocommit=True, connect_timeout=5)


def recreate_scratch(url):
    with admin_connect(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SCRATCH}")


def drop_scratch(url):
    with admin_connect(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def scenario(name, tag, clients, targets, edits):
    """Every client edits its target row `edits` times at the same moment; one table row."""
    from reviews.models import Paragraph
    from tests.test_concurrency import Attempt, classify, edit_url, read_form, run_threads

    attempts, gets, posts, failures = [], [], [], []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def edit(index, client, doc, paragraph):
        rng = random.Random(index)
        url = edit_url(doc, paragraph)
        try:
            barrier.wait(timeout=60)
            for number in range(edits):
                got = client.request("GET", url, htmx=True)
                version, text = read_form(got)
                words = text.split(" ")
                token = f"{tag}c{index}e{number}"
                words[rng.randrange(min(8, len(words)))] = token
                mine = " ".join(words)
                attempt = Attempt(client.name, "mina", paragraph.pk, token, version, mine, False, 0)
                sent = client.request("POST", url, {"text": mine, "version": version}, htmx=True)
                classify(attempt, sent)
                with lock:
                    attempts.append(attempt)
                    gets.append(got.seconds)
                    posts.append(sent.seconds)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(f"{client.name}: {error!r}")

    before = {p.pk: Paragraph.objects.get(pk=p.pk).version for _, p in targets}
    started = time.perf_counter()
    run_threads(
        [
            lambda i=i, c=c, t=t: edit(i, c, *t)
            for i, (c, t) in enumerate(zip(clients, targets, strict=True))
        ],
        seconds=600,
    )
    wall = time.perf_counter() - started
    if failures:
        sys.exit(f"{name}: clients failed:\n" + "\n".join(failures))
    outcomes = Counter(a.outcome for a in attempts)
    odd = [(a.outcome, a.message) for a in attempts if a.outcome not in ("saved", "conflict")]
    if odd:
        sys.exit(f"{name}: unexpected outcomes {outcomes}: {odd[:3]}")
    saved_by_row = Counter(a.paragraph_id for a in attempts if a.outcome == "saved")
    for pk, start in before.items():
        version = Paragraph.objects.get(pk=pk).version
        if version != start + saved_by_row[pk]:
            sys.exit(f"{name}: row {pk} at {version}, expected {start}+{saved_by_row[pk]}")
    ms = [s * 1000 for s in posts]
    gms = [s * 1000 for s in gets]
    return (
        f"| {name} | {len(attempts)} | {outcomes['saved']} | {outcomes['conflict']} "
        f"| {wall:.1f} | {len(attempts) / wall:.1f} | {statistics.median(ms):.0f} "
        f"| {percentile(ms, 0.9):.0f} | {percentile(ms, 0.99):.0f} | {max(ms):.0f} "
        f"| {statistics.median(gms):.0f} | {percentile(gms, 0.99):.0f} |"
    )


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--edits", type=int, default=20, help="edits per client")
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must be a postgres:// URL")
    bench_url = urlunsplit(urlsplit(server_url)._replace(path=f"/{SCRATCH}"))
    recreate_scratch(server_url)
    servers = []
    try:
        os.environ.update(DATABASE_URL=bench_url, DJANGO_SETTINGS_MODULE="workbench.settings")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            check=True,
            timeout=300,
        )
        import django

        django.setup()
        run(bench_url, args, servers)
    finally:
        if servers:
            from tests.test_concurrency import stop_server

            for server in servers:
                stop_server(server)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_scratch(server_url)


def run(bench_url, args, servers):
    """Start the servers (appended to `servers` for the caller to stop) and run the scenarios."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviews import workflow
    from reviews.importing import create_document
    from reviews.models import Role
    from tests.test_concurrency import (
        ENGLISH,
        KOREAN,
        Client,
        collect_static,
        log_in_all,
        server_env,
        servers_password_hash,
        start_server,
        wait_until_answering,
    )

    encoded = servers_password_hash()
    users = {}
    for username, role in (("mina", Role.TRANSLATOR), ("daniel", Role.EDITOR)):
        user = get_user_model().objects.create(username=username, password=encoded)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[username] = user

    def document(rows):
        source = [f"{KOREAN[i % len(KOREAN)]} ({i + 1})" for i in range(rows)]
        target = [f"{ENGLISH[i % len(ENGLISH)]} ({i + 1})" for i in range(rows)]
        doc = create_document(
            title="Bench",
            source_paragraphs=source,
            target_paragraphs=target,
            created_by=users["mina"],
            translator=users["mina"],
            editor=users["daniel"],
        )
        workflow.take_transition(users["mina"], "confirm_pairing", doc)
        doc.refresh_from_db()
        return doc, list(doc.paragraphs.order_by("position"))

    workdir = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    env = server_env(bench_url, workdir / "static")
    collect_static(env)
    for name in ("server-a", "server-b"):
        servers.append(start_server(env, workdir, name))
    for server in servers:
        wait_until_answering(server)
    ports = [server.port for server in servers]

    n = args.clients
    shared, shared_rows = document(max(n, 2))
    scenarios = {
        "hot row": [(shared, shared_rows[0])] * n,
        "two rows": [(shared, shared_rows[i % 2]) for i in range(n)],
        "own rows": [(shared, shared_rows[i]) for i in range(n)],
    }
    own = [document(1) for _ in range(n)]
    scenarios["own documents"] = [(doc, rows[0]) for doc, rows in own]

    print(f"# {n} clients x {args.edits} edits, 2 gunicorn processes x 1 worker x 4 threads")
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# load average before the run: {load}")
    header = (
        "| scenario | edits | saved | conflicts | wall s | edits/s | POST p50 ms | p90 | p99 "
        "| max | GET p50 ms | GET p99 |"
    )
    print(header)
    print("|" + "---|" * 12)
    for number, (name, targets) in enumerate(scenarios.items()):
        # Rows edited in an earlier scenario simply start at a higher version.
        clients = [Client(ports[i % 2 :] + ports[: i % 2], f"{name}-{i}") for i in range(n)]
        log_in_all([(client, "mina") for client in clients])
        print(scenario(name, f"s{number}", clients, targets, args.edits), flush=True)
    errors = [s.stderr_text() for s in servers if "Traceback" in s.stderr_text()]
    if errors:
        sys.exit("the servers logged tracebacks:\n" + errors[0][-3000:])


if __name__ == "__main__":
    main()
