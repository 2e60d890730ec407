"""Where a write's time goes under wrk: the CPU of the gunicorn workers, of the database's
backends (and its background processes) and of wrk itself, what the backends wait on, the WAL
the writes make, and what the answers were (plain saves, merges, conflicts).

    WRITES_DATABASE=wb_mine .venv/bin/python bench/writes_load.py   # kept, seeded at S once
    WRITES_ENDPOINTS="save edit" WRITES_PROFILE=1 .venv/bin/python bench/writes_load.py

The server is bench/run.py's (2 sync workers, --preload, production settings); each run works
on a copy of the kept database (bench/worker_memory.py seeds it), so every run starts from the
same rows. For each write endpoint at 8 clients: an unrecorded 2 s warm-up, then a recorded run
during which another connection samples pg_stat_activity every 5 ms. With WRITES_PROFILE=1 a
third run is profiled with py-spy (its figures are not the table's). CPU comes from
/proc/<pid>/stat (workers, backends, the database's background processes) and wait4's rusage
(wrk), in ms per answered request; the WAL figures are the whole cluster's (pg_stat_wal), so
another database's writes during the run count too.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import run, worker_memory  # noqa: E402

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
CLIENTS = 8
WAL_SQL = "SELECT wal_records, wal_bytes, wal_write, wal_sync FROM pg_stat_wal"
PROCESSES_SQL = """
SELECT pid, backend_type FROM pg_stat_activity
WHERE (datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid())
   OR backend_type NOT IN ('client backend')
"""
WAITS_SQL = """
SELECT state, wait_event_type, wait_event FROM pg_stat_activity
WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""


def ticks(pid):
    try:
        return run.cpu_ticks(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0


class Sampler(threading.Thread):
    """What the app's backends are doing, every `every` seconds, until stopped."""

    def __init__(self, database_url, name, every=0.005):
        super().__init__(daemon=True)
        self.url, self.name, self.every = database_url, name, every
        self.seen, self.samples = Counter(), 0
        self.stopping = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopping.is_set():
                for state, kind, event in conn.execute(WAITS_SQL, [self.name]).fetchall():
                    if state == "active":
                        self.seen[f"{kind}:{event}" if kind else "on CPU"] += 1
                    elif state == "idle in transaction":
                        self.seen["idle in transaction (the worker's turn)"] += 1
                self.samples += 1
                time.sleep(self.every)


def wrk(server, script, seconds, extra):
    """wrk as bench/run.py runs it, with its CPU (user + system ms) from wait4."""
    env = dict(os.environ)
    env.update(BENCH_LUA_DIR=str(run.LUA), BENCH_ORIGIN=server.origin)
    env.update(BENCH_THREADS=str(run.WRK_THREADS), BENCH_RUN=uuid.uuid4().hex[:8], **extra)
    command = ["wrk", f"-t{run.WRK_THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(run.LUA / script), f"http://127.0.0.1:{server.port}"]
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        out.seek(0)
        row = run.parse_wrk(out.read(), CLIENTS)
    row["wrk_cpu_ms"] = (usage.ru_utime + usage.ru_stime) * 1000
    return row


def measure_one(server, name, script, extra, seconds, database_url, db_name, conn):
    processes = dict(conn.execute(PROCESSES_SQL, [db_name]).fetchall())
    workers = server.workers()
    before = {pid: ticks(pid) for pid in [*workers, *processes]}
    wal_before = conn.execute(WAL_SQL).fetchone()
    load_before = Path("/proc/loadavg").read_text().split()[0]
    sampler = Sampler(database_url, db_name)
    sampler.start()
    row = wrk(server, script, seconds, extra)
    sampler.stopping.set()
    sampler.join()
    # The backends and workers finish what wrk left in flight before their CPU is read.
    for pid in workers:
        run.idle(pid, seconds=5, quiet=0.2)
    wal_after = conn.execute(WAL_SQL).fetchone()
    spent = {pid: (ticks(pid) - before[pid]) * TICK_MS for pid in before}
    answered = max(row["requests"], 1)
    backends = [pid for pid, kind in processes.items() if kind == "client backend"]
    background = Counter()
    for pid, kind in processes.items():
        if kind != "client backend":
            background[kind] += spent[pid]
    figures = {
        "name": name,
        "load_average": load_before,
        "rps": row["rps"],
        "p50_ms": row["p50_ms"],
        "p95_ms": row["p95_ms"],
        "errors": row["errors"],
        "answers": row.get("answers", {}),
        "cpu_ms_per_request": {
            "workers": round(sum(spent[pid] for pid in workers) / answered, 2),
            "backends": round(sum(spent[pid] for pid in backends) / answered, 2),
            "db background": round(sum(background.values()) / answered, 2),
            "wrk": round(row["wrk_cpu_ms"] / answered, 2),
        },
        "db_background_ms": {kind: round(ms) for kind, ms in background.most_common() if ms},
        "wal_per_request": {
            field: round(float(after - before) / answered, 2)
            for field, before, after in zip(
                ("records", "bytes", "writes", "syncs"), wal_before, wal_after, strict=True
            )
        },
        # How many of the app's backends were in each state, on average over the samples.
        "backends_in_state": {
            what: round(count / max(sampler.samples, 1), 2)
            for what, count in sampler.seen.most_common()
        },
        "wall_ms_per_request": round(1000 * seconds / answered, 2),
    }
    return figures


def main():
    kept = os.environ.get("WRITES_DATABASE", "wb_writes_s")
    seconds = int(os.environ.get("WRITES_SECONDS", "10"))
    profile = os.environ.get("WRITES_PROFILE", "") not in ("", "0", "false")
    chosen = os.environ.get("WRITES_ENDPOINTS", "save edit,accept proposal,add comment")
    chosen = [part.strip() for part in chosen.split(",")]
    work = Path(tempfile.mkdtemp(prefix="workbench-writes-"))
    worker_memory.prepare_kept(kept, work)
    name = f"{kept}_run"
    run.admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run.admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
    database_url = run.with_database(run.server_url(), name)
    server = None
    try:
        import psycopg

        run.setup_django(database_url, work / "static")
        from django.core.management import call_command
        from django.db import connections

        from bench.seed import PASSWORD

        # The kept database may be at an older migration than this tree (or another tree's).
        call_command("migrate", verbosity=0)
        seeded = worker_memory.seeded_database()
        call_command("collectstatic", "--noinput", verbosity=0)
        connections.close_all()
        server = run.Server(dict(os.environ), work / "gunicorn.log")
        server.wait()
        cookies = run.log_in(server, seeded.people["editor"], PASSWORD)
        plan = {entry[0]: entry for entry in run.load_plan(seeded, work)}
        results = []
        with psycopg.connect(database_url, autocommit=True) as conn:
            for endpoint in chosen:
                _, script, _, env = plan[endpoint]
                base = {"BENCH_COOKIE": run.cookie_header(cookies)}
                base["BENCH_CSRF"] = cookies["csrftoken"]
                run.drain(server)
                wrk(server, script, 2, {**base, **env()})  # warm-up, unrecorded
                run.drain(server)
                figures = measure_one(
                    server, endpoint, script, {**base, **env()}, seconds, database_url, name, conn
                )
                results.append(figures)
                print(json.dumps(figures), flush=True)
                if profile and run.py_spy():
                    run.drain(server)
                    raw = work / f"{endpoint.replace(' ', '-')}.txt"
                    spy = run.start_profile(server, seconds, raw)
                    time.sleep(1)
                    wrk(server, script, max(1, seconds - 2), {**base, **env()})
                    spy.wait(timeout=seconds + 60)
                    summary = run.summarise_profile(raw, top=25)
                    print(json.dumps({"profile": endpoint, **summary}), flush=True)
        print(json.dumps({"results": results}))
    finally:
        if server:
            server.stop()
        from django.db import connections

        connections.close_all()
        run.admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
