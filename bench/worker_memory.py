"""A gunicorn worker's memory, step by step: fresh, after the URLs, after each kind of request,
after many requests.

    .venv/bin/python bench/worker_memory.py                 # a scratch database, seeded at S
    WORKER_MEMORY_DATABASE=wb_mine .venv/bin/python bench/worker_memory.py   # kept, seeded once
    WORKER_MEMORY_SECONDS=5 WORKER_MEMORY_PRELOAD=0 .venv/bin/python bench/worker_memory.py

The server is started as bench/run.py starts it (production settings, DEBUG=false, the same
environment), but with one sync worker, so that every request of a step lands on the worker
measured. Each step sends its request a few times, then reads /proc/<worker>/smaps_rollup:

- RSS: resident pages, shared ones counted in full (what bench/run.py reports, VmRSS);
- PSS: shared pages divided among the processes sharing them (what the machine pays);
- USS: pages only this worker has (private clean + dirty): what stopping it would free.

The last step drives every endpoint of bench/run.py's load plan with wrk (8 clients,
WORKER_MEMORY_SECONDS each) and reads the figures again. The server runs with --preload, as in
production (workbench/wsgi.py freezes the master's objects before the fork);
WORKER_MEMORY_PRELOAD=0 leaves it out.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import run  # noqa: E402

REPEATS = 3


def memory(pid):
    """{"rss": MB, "pss": MB, "uss": MB} of a process, from smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0])
    mb = lambda kb: round(kb / 1024, 1)  # noqa: E731
    return {
        "rss": mb(fields["Rss"]),
        "pss": mb(fields["Pss"]),
        "uss": mb(fields["Private_Clean"] + fields["Private_Dirty"]),
    }


def settled_worker(server, seconds=60):
    """The worker's pid once it has booted (its RSS still for a second), before any request."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        workers = server.workers()
        if workers:
            now = run.rss_mb(workers[0])
            if now == last and "Booting worker" in server.log_text():
                return workers[0]
            last = now
        time.sleep(1)
    raise RuntimeError(f"no worker booted:\n{server.log_text()[-3000:]}")


def seeded_database():
    """Migrate and seed `name` (scale S) unless it was seeded before; the Seeded ids are kept in
    a table of their own, so a kept database is seeded once."""
    from django.core.management import call_command
    from django.db import connection

    from bench.seed import Seeded, seed

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seeded (ids jsonb NOT NULL)")
        cursor.execute("SELECT ids FROM bench_seeded")
        found = cursor.fetchone()
    if found:
        ids = found[0] if isinstance(found[0], dict) else json.loads(found[0])
        ids = {k: tuple(v) if k == "row_fragment" else v for k, v in ids.items()}
        return Seeded(**ids)
    run.log("migrating and seeding scale S")
    call_command("migrate", verbosity=0)
    seeded = seed("S", progress=run.log)
    run.vacuum_analyze()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_seeded VALUES (%s)", [json.dumps(asdict(seeded))])
    return seeded


class Client:
    """One person's session against the server: GETs and POSTs that must answer as expected."""

    def __init__(self, server, cookies, headers=None):
        self.server = server
        self.cookies = cookies
        self.headers = headers or {}

    def get(self, path, expect=200, htmx=False):
        headers = {**self.headers, **({"HX-Request": "true"} if htmx else {})}
        status, body = run.http_request(
            self.server.port, "GET", path, cookies=self.cookies, headers=headers
        )
        if status != expect:
            raise RuntimeError(f"GET {path} answered {status}, expected {expect}")
        return body

    def post(self, path, body, expect=200, headers=None):
        status, answer = run.http_request(
            self.server.port,
            "POST",
            path,
            cookies=self.cookies,
            body=body,
            headers={"HX-Request": "true", **(headers or {})},
            origin=self.server.origin,
        )
        if status != expect:
            raise RuntimeError(f"POST {path} answered {status}, expected {expect}: {answer[:300]}")
        return answer


def steps(server, seeded, editor, translator, api):
    """(name, function) for each kind of request, in the order they are measured: those before
    the many requests (wrk), and those after, as bench/run.py confirms pairings last."""
    from urllib.parse import urlencode

    from reviews.models import Document, Paragraph, Stage

    doc_40, doc_400 = seeded.page_40, seeded.page_400
    fragment_doc, fragment_row = seeded.row_fragment
    source, target = run.upload_pair()
    boundary = "memoryboundary"
    upload = run.multipart(
        {"title": "Memory upload, 40 paragraphs"},
        {"source_file": ("ko.txt", source), "target_file": ("en.txt", target)},
        boundary,
    )
    confirm = iter(seeded.confirm_documents)

    def save():
        row = (
            Paragraph.objects.filter(document_id=seeded.save_document).order_by("position").first()
        )
        fields = {"text": row.text + " Again.", "version": row.version, "accept": "1"}
        editor.post(f"/documents/{row.document_id}/rows/{row.pk}/edit/", urlencode(fields))

    def upload_and_align():
        editor_headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        translator.post("/documents/new/", upload, expect=302, headers=editor_headers)

    def confirm_1500():
        # As bench/run.py confirms: with the pairing version the page showed (without it the
        # confirmation is refused and the page that follows is still the 1,500-row aligner).
        document = next(confirm)
        version = Document.objects.values_list("pairing_version", flat=True).get(pk=document)
        body = urlencode({"pairing_version": version})
        translator.post(f"/documents/{document}/transition/confirm_pairing/", body, expect=302)
        if Document.objects.values_list("stage", flat=True).get(pk=document) == Stage.ALIGNING:
            raise RuntimeError(f"the pairing of document {document} was not confirmed")
        translator.get(f"/documents/{document}/")

    return [
        ("queue", lambda: editor.get("/")),
        ("document page 40 rows", lambda: editor.get(f"/documents/{doc_40}/")),
        ("document page 400 rows", lambda: editor.get(f"/documents/{doc_400}/")),
        (
            "row fragment",
            lambda: editor.get(f"/documents/{fragment_doc}/rows/{fragment_row}/", htmx=True),
        ),
        ("save edit", save),
        ("docx export", lambda: editor.get(f"/documents/{doc_40}/export/docx/")),
        ("upload and align 40", upload_and_align),
        (
            "translation memory",
            lambda: editor.get(run.memory_paths(seeded)[0], htmx=True),
        ),
    ], [
        ("confirm pairing 1500, then its page", confirm_1500),
        # Not in bench/run.py's load plan: measured last, so the figures before are the bench's.
        ("API schema", lambda: api.get("/api/schema/")),
        ("API documents (20 a page)", lambda: api.get("/api/documents/")),
    ]


def many_requests(server, seeded, sessions, work, seconds, record, pid):
    for name, script, role, env in run.load_plan(seeded, work):
        run.drain(server)
        extra = {"BENCH_COOKIE": run.cookie_header(sessions[role]), **env()}
        extra["BENCH_CSRF"] = sessions[role]["csrftoken"]
        row = run.run_wrk(server, script, 8, seconds, extra)
        run.drain(server)
        record(f"after wrk {name} ({row['requests']} requests, {row['errors']} errors)", pid)


def main():
    seconds = int(os.environ.get("WORKER_MEMORY_SECONDS", "5"))
    preload = os.environ.get("WORKER_MEMORY_PRELOAD", "1") not in ("", "0", "false")
    kept = os.environ.get("WORKER_MEMORY_DATABASE", "")
    work = Path(tempfile.mkdtemp(prefix="workbench-memory-"))
    if kept:
        # Seeded once and kept; each run works on a copy, so every run starts from the same data.
        prepare_kept(kept, work)
        name = f"{kept}_run"
        run.admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
    else:
        name = f"wb_bench_memory_{os.getpid()}"
        run.admin_execute(f'CREATE DATABASE "{name}"')
    try:
        run.setup_django(run.with_database(run.server_url(), name), work / "static")
        measure(work, seconds, preload)
    finally:
        from django.db import connections

        connections.close_all()
        run.admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def prepare_kept(kept, work):
    """Create and seed the kept database in a child process, unless it is seeded already (a
    database that is a template must have no connections, so this process stays out of it)."""
    import psycopg

    with psycopg.connect(run.server_url(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [kept]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{kept}"')
    env = run.server_env(run.with_database(run.server_url(), kept), work / "static")
    subprocess.run([sys.executable, __file__, "--seed"], env=env, check=True)


def measure(work, seconds, preload):
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import PASSWORD
    from reviews.api.tokens import create_token

    seeded = seeded_database()
    token, _ = create_token(User.objects.get(username=seeded.people["editor"]), "memory bench")
    call_command("collectstatic", "--noinput", verbosity=0)
    connections.close_all()
    server = run.Server(dict(os.environ), work / "gunicorn.log", workers=1, preload=preload)
    table = []

    def record(step, pid):
        run.idle(pid)
        figures = memory(pid)
        table.append({"step": step, **figures})
        run.log(
            f"  {step:<60} RSS {figures['rss']:>6} PSS {figures['pss']:>6} USS {figures['uss']:>6}"
        )

    try:
        pid = settled_worker(server)
        record("fresh worker (app loaded, no request)", pid)
        if preload:
            master = memory(server.process.pid)
            run.log(f"  master: RSS {master['rss']} PSS {master['pss']} USS {master['uss']}")
        server.wait()  # /healthz: the first request imports the URLs and the views
        record("after /healthz (URLs imported)", pid)
        run.http_request(server.port, "GET", "/login/")
        record("after the login page (one template)", pid)
        sessions = {
            role: run.log_in(server, seeded.people[role], PASSWORD)
            for role in ("editor", "translator")
        }
        record("after logging in twice", pid)
        editor = Client(server, sessions["editor"])
        translator = Client(server, sessions["translator"])
        api = Client(server, None, {"Authorization": f"Bearer {token}"})
        before, after = steps(server, seeded, editor, translator, api)
        for step, request in before:
            for _ in range(REPEATS):
                request()
            record(f"after {step}", pid)
        many_requests(server, seeded, sessions, work, seconds, record, pid)
        for step, request in after:
            request()
            record(f"after {step}", pid)
    finally:
        server.stop()
        if "Traceback" in server.log_text():
            run.log(server.log_text()[-4000:])
    print()
    print("| step | RSS MB | PSS MB | USS MB |")
    print("|---|---|---|---|")
    for row in table:
        print(f"| {row['step']} | {row['rss']} | {row['pss']} | {row['uss']} |")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=run.ROOT
    )
    print(f"\ncommit {commit.stdout.strip()}, preload {preload}, wrk {seconds} s per endpoint")


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
        import django

        django.setup()
        seeded_database()
    else:
        main()
