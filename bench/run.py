"""The load benchmark: a seeded PostgreSQL database, gunicorn with production settings, wrk.

    make bench                      # BENCH_SCALE=S, 10 s per figure
    BENCH_SCALE=L BENCH_SECONDS=10 make bench
    BENCH_WARMUP_SECONDS=0 make bench  # no unrecorded warm-up run (2 s) before each endpoint
    BENCH_PROFILE=1 make bench      # also py-spy profiles of the 400-row page and confirming
    BENCH_ENDPOINTS="confirm pairing 1500" .venv/bin/python bench/run.py   # a part, printed only
    .venv/bin/python bench/run.py --report                # RESULTS.md again from bench/results

What it does, and undoes whatever happens:
1. creates a fresh database `wb_bench_<time>_<pid>` on BENCH_DATABASE_SERVER
   (default postgres://postgres@127.0.0.1:5432/postgres), migrates it and seeds it
   (bench/seed.py, with COPY; the seeding time is reported);
2. collects the static files into a scratch folder and starts gunicorn on a free port of
   127.0.0.1: 2 sync workers with --preload (as README deploys it), DEBUG=false, a random
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the HTTPS redirect on (requests carry
   X-Forwarded-Proto: https, as from the TLS proxy);
3. logs the bench editor and translator in once each (the real login form and PBKDF2) and
   drives every endpoint with wrk (Lua scripts in bench/wrk/) at 8 and 32 connections for
   BENCH_SECONDS each, 2 wrk threads, after an unrecorded warm-up of BENCH_WARMUP_SECONDS;
4. measures the ceiling of our own stack (/healthz and a static file) the same way;
5. confirms the pairing of 1,500-row documents one request at a time (each needs a fresh
   document);
6. counts queries per request in this process: each endpoint's request once more through
   Django's test client inside CaptureQueriesContext, on the same database (the server runs
   without any counting middleware, so the load figures are the production code's);
7. reads each worker's resident memory, runs the micro-benchmarks, and writes
   bench/results/<date>-<scale>.json and bench/RESULTS.md (and prints the table);
8. stops gunicorn and drops the database.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
LUA = BENCH / "wrk"
RESULTS = BENCH / "results"
CLIENT_COUNTS = (8, 32)
WRK_THREADS = 2
START_SECONDS = 30

# The names the issue gives.
ENDPOINT_NAMES = [
    "queue",
    "document page 40 rows",
    "document page 400 rows",
    "row fragment",
    "save edit",
    "accept proposal",
    "add comment",
    "docx export",
    "upload and align 40",
    "translation memory",
    "confirm pairing 1500",
]
# Endpoints the issue names that the app does not have yet: reported with null figures.
TODO_ENDPOINTS = {}
# The targets (8 clients, scale L): (p95 ms at most, req/s at least).
TARGETS = {
    "document page 40 rows": (40, 300),
    "document page 400 rows": (150, None),
    "save edit": (30, 250),
    "accept proposal": (30, 250),
    "add comment": (30, 250),
    "queue": (40, None),
    "translation memory": (60, None),
    "upload and align 40": (200, None),
    "confirm pairing 1500": (1000, None),
}
# The figures the issue measured before the harness, for comparison.
SIDE_BY_SIDE = """\
| what | Workbench then | Weblate 2026.10.1, same machine, same run |
|---|---|---|
| document page, 40 rows (2 in 10 with a proposal, 1 in 10 with a comment) | 62-70 req/s, p50 114-129 ms | translate page 12.7-14.1 req/s, p50 552-578 ms |
| document page, 400 rows | 11.9-12.4 req/s, p50 619-638 ms | zen view 13.3-13.9 req/s, p50 528-563 ms |
| the queue (2 documents) | 168-174 req/s, p50 45-47 ms | |
| one save, sequential (editor, htmx POST) | median 14-21 ms | 125-129 ms |
| a static file / the login page / a hello view | 5,300 / 1,440 req/s | hello view 570 req/s |
"""  # noqa: E501 - a Markdown table


def log(message):
    print(message, flush=True)


# --- the database ----------------------------------------------------------------------------


def server_url():
    return os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")


def with_database(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}", query=""))


def admin_execute(sql):
    import psycopg

    with psycopg.connect(server_url(), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


# --- the server ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url, static_root):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("EMAIL_BACKEND", None)
    return env


class Server:
    """gunicorn with 2 sync workers (bench/worker_memory.py asks for one) and --preload, as
    README's "Deploying" runs it; stopped (and its process group killed) by stop()."""

    def __init__(self, env, log_path, workers=2, preload=True):
        self.port = free_port()
        self.log_path = log_path
        with open(log_path, "wb") as out:
            self.process = subprocess.Popen(
                self.command(self.port, workers, preload),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @staticmethod
    def command(port, workers=2, preload=True):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return (
            [str(gunicorn), "workbench.wsgi", "-b", f"127.0.0.1:{port}"]
            + ["-w", str(workers), "--worker-class", "sync"]
            + ["--timeout", "120", "--graceful-timeout", "5"]
            # Not the control socket in the home directory (gunicorn 27): another server
            # on this machine (a test run) would take it from the bench's, or log an error.
            + ["--no-control-socket"]
            + (["--preload"] if preload else [])
        )

    @property
    def origin(self):
        return f"https://127.0.0.1:{self.port}"

    def wait(self):
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if http_request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_text()[-3000:]}")

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def cpu_ticks(pid):
    """User and system CPU ticks the process has used (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def idle(pid, seconds=10, quiet=0.3):
    """Once the worker has used no CPU for `quiet` seconds. A client has its answer before the
    worker is done with the request (closing it, and after a big one collecting and trimming:
    workbench/heap.py), so memory read at once would be read mid-request."""
    deadline = time.monotonic() + seconds
    last = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_ticks(pid)
        if now == last:
            return
        last = now


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


# --- HTTP from this process: logging in, single requests ---------------------------------------


def http_request(port, method, path, *, cookies=None, body=None, headers=None, origin=None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = {"X-Forwarded-Proto": "https", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if method == "POST":
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        sent["X-CSRFToken"] = (cookies or {}).get("csrftoken", "")
        sent["Origin"] = origin or ""
        sent["Referer"] = f"{origin}/"
    try:
        conn.request(method, path, body=body, headers=sent)
        answer = conn.getresponse()
        text = answer.read()
    finally:
        conn.close()
    for header in answer.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        if cookies is not None:
            cookies[name.strip()] = rest.split(";", 1)[0]
    return answer.status, text


def log_in(server, username, password):
    """The real login form: GET for the CSRF cookie, POST the password (PBKDF2, once)."""
    from urllib.parse import urlencode

    cookies = {}
    http_request(server.port, "GET", "/login/", cookies=cookies)
    fields = {"username": username, "password": password}
    fields["csrfmiddlewaretoken"] = cookies["csrftoken"]
    status, _ = http_request(
        server.port,
        "POST",
        "/login/",
        cookies=cookies,
        body=urlencode(fields),
        origin=server.origin,
    )
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in as {username} answered {status}")
    return cookies


# --- wrk -------------------------------------------------------------------------------------

RESULT_LINE = re.compile(r"^BENCH_RESULT (\{.*\})$", re.M)


def parse_wrk(output, clients):
    """The figures of one wrk run from the JSON line bench/wrk/common.lua prints."""
    found = RESULT_LINE.search(output)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{output[-2000:]}")
    raw = json.loads(found.group(1))
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    row = {
        "clients": clients,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        # Non-2xx/3xx answers, socket errors and timeouts, and 2xx answers that did not do
        # what was asked (a conflict, a refusal, a spent proposal).
        "errors": raw["status"] + socket_errors + raw["misses"],
        "error_kinds": {"status": raw["status"], "socket": socket_errors, "misses": raw["misses"]},
    }
    if raw.get("kinds"):
        # What the answers were (a plain save, a merge, a conflict...), where the script says.
        row["answers"] = raw["kinds"]
    return row


# The app's sessions on the bench database that are running a query or inside a transaction.
BUSY_SQL = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend' AND state IN ('active', 'idle in transaction')
"""


def drain(server, seconds=120, quiet=0.5):
    """Wait until the workers have finished what the last run left queued: wrk stops with
    requests in flight, and sync workers finish them before they take new ones. Two quick
    health checks in a row mean one worker is free, not both (the free one answers them
    while the other works through its queue); so then the database must also see no query
    and no transaction from the app for `quiet` seconds. Reading targets sooner would take a
    version that a queued save is about to move on (the run's later save of that row would be
    a conflict, counted as an error)."""
    from django.db import connection

    deadline = time.monotonic() + seconds
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        http_request(server.port, "GET", "/healthz")
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
    idle_since = None
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(BUSY_SQL)
            now = time.monotonic()
            if cursor.fetchone()[0]:
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif now - idle_since >= quiet:
                break
            time.sleep(0.02)
    connection.close()  # not held open (or in a transaction) through the next run


def run_wrk(server, script, clients, seconds, env_extra):
    """One wrk run; call drain() first, before reading targets from the database."""
    env = dict(os.environ)
    env.update(BENCH_LUA_DIR=str(LUA), BENCH_ORIGIN=server.origin, BENCH_THREADS=str(WRK_THREADS))
    env.update(env_extra)
    env["BENCH_RUN"] = uuid.uuid4().hex[:8]
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA / script),
        f"http://127.0.0.1:{server.port}",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 90)
    return parse_wrk(done.stdout + done.stderr, clients)


def lua_targets(rows, folder):
    """Write targets as a Lua file returning a list of lists."""

    def literal(value):
        if isinstance(value, str):
            return "[==[" + value + "]==]"
        return str(value)

    path = Path(folder) / f"targets-{uuid.uuid4().hex}.lua"
    lines = ["return {"] + ["{" + ", ".join(literal(v) for v in row) + "}," for row in rows]
    path.write_text("\n".join(lines + ["}"]), encoding="utf-8")
    return str(path)


def cookie_header(cookies):
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# --- the endpoints ---------------------------------------------------------------------------


def upload_pair(paragraphs=40, seed_value=40):
    """A Korean article and its translation of `paragraphs` paragraphs, as file contents."""
    import random

    from bench.seed import BODIES, PLACES, TOPICS, paragraph_pair

    rng = random.Random(seed_value)
    place, body, topic = PLACES[0], BODIES[0], TOPICS[0]
    pairs = [paragraph_pair(rng, place, body, topic) for _ in range(paragraphs)]
    return "\n\n".join(k for k, _ in pairs), "\n\n".join(e for _, e in pairs)


def multipart(fields, files, boundary):
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
            f"{content}\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode("utf-8")


def open_proposals(seeded):
    from reviews.models import Revision

    wanted = {revision for _, revision in seeded.proposals}
    still_open = set(
        Revision.objects.filter(pk__in=wanted, state=Revision.State.PROPOSED).values_list(
            "pk", flat=True
        )
    )
    return [(doc, rev) for doc, rev in seeded.proposals if rev in still_open]


def save_targets(seeded):
    from reviews.models import Paragraph

    rows = Paragraph.objects.filter(document_id=seeded.save_document).order_by("position")
    return [(seeded.save_document, p.pk, p.version, p.text) for p in rows]


def load_plan(seeded, folder):
    """(name, script, env) for every endpoint driven by wrk; `env` is a function of the
    moment (targets are read from the database right before each run)."""
    source, target = upload_pair()
    boundary = "benchboundary" + uuid.uuid4().hex
    body = multipart(
        {"title": "Bench upload, 40 paragraphs"},
        {"source_file": ("ko.txt", source), "target_file": ("en.txt", target)},
        boundary,
    )
    body_file = Path(folder) / "upload.bin"
    body_file.write_bytes(body)
    doc_40, doc_400 = seeded.page_40, seeded.page_400
    fragment_doc, fragment_row = seeded.row_fragment

    def get(path, htmx=False):
        return lambda: {"BENCH_PATH": path, "BENCH_HTMX": "1" if htmx else "0"}

    return [
        ("queue", "get.lua", "editor", get("/")),
        ("document page 40 rows", "get.lua", "editor", get(f"/documents/{doc_40}/")),
        ("document page 400 rows", "get.lua", "editor", get(f"/documents/{doc_400}/")),
        (
            "row fragment",
            "get.lua",
            "editor",
            get(f"/documents/{fragment_doc}/rows/{fragment_row}/", htmx=True),
        ),
        (
            "save edit",
            "save.lua",
            "editor",
            lambda: {"BENCH_TARGETS": lua_targets(save_targets(seeded), folder)},
        ),
        (
            "accept proposal",
            "accept.lua",
            "editor",
            # The last proposal is kept for counting the queries of one accept.
            lambda: {"BENCH_TARGETS": lua_targets(open_proposals(seeded)[:-1], folder)},
        ),
        (
            "add comment",
            "comment.lua",
            "editor",
            lambda: {
                "BENCH_TARGETS": lua_targets(
                    [(seeded.comment_document, row) for row in seeded.comment_rows], folder
                )
            },
        ),
        ("docx export", "get.lua", "editor", get(f"/documents/{doc_40}/export/docx/")),
        (
            "translation memory",
            "paths.lua",
            "editor",
            lambda: {
                "BENCH_TARGETS": lua_targets([(path,) for path in memory_paths(seeded)], folder)
            },
        ),
        (
            "upload and align 40",
            "upload.lua",
            "translator",
            lambda: {"BENCH_BODY_FILE": str(body_file), "BENCH_BOUNDARY": boundary},
        ),
    ]


def memory_paths(seeded):
    """The memory slot of each row of the 400-row page: what the editor's browser asks for
    when a row's editor opens (the row's Korean against the desk's approved rows and the
    imported memory)."""
    return [f"/documents/{doc}/rows/{row}/memory/" for doc, row in seeded.memory_rows]


def static_path():
    from django.templatetags.static import static

    return static("css/workbench.css")


def confirm_pairing(server, cookies, documents, follow=True):
    """POST confirm_pairing on each fresh document, one at a time; then load its page once,
    as the person who confirmed would be redirected there. Returns the figures."""
    from urllib.parse import urlencode

    from reviews.models import Document, Stage

    posts, pages, errors = [], [], 0
    drain(server)
    for document in documents:
        # The form carries the pairing version the page showed; without it the confirmation
        # is refused (with a 302 too), so the stage afterwards says whether it was made.
        version = Document.objects.values_list("pairing_version", flat=True).get(pk=document)
        started = time.perf_counter()
        status, _ = http_request(
            server.port,
            "POST",
            f"/documents/{document}/transition/confirm_pairing/",
            cookies=cookies,
            body=urlencode({"pairing_version": version}),
            origin=server.origin,
        )
        posts.append(time.perf_counter() - started)
        stage = Document.objects.values_list("stage", flat=True).get(pk=document)
        errors += status != 302 or stage == Stage.ALIGNING
        if not follow:
            continue
        started = time.perf_counter()
        status, _ = http_request(server.port, "GET", f"/documents/{document}/", cookies=cookies)
        pages.append(time.perf_counter() - started)
        errors += status != 200
    return single_request_figures(posts, errors) | {
        "then_page_ms": round(statistics.median(pages) * 1000, 1) if pages else None,
        "samples": len(posts),
    }


def single_request_figures(seconds, errors):
    ordered = sorted(seconds)

    def percentile(p):
        if not ordered:
            return None
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[index] * 1000, 1)

    return {
        "clients": 1,
        "requests": len(ordered),
        "rps": round(len(ordered) / sum(ordered), 2) if ordered else None,
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "errors": errors,
    }


# --- queries per request, in this process ----------------------------------------------------


def count_queries(seeded, confirm_document=None):
    """Each endpoint's request once through Django's test client, inside
    CaptureQueriesContext, as the bench people; returns {name: queries}. Raises when an
    endpoint answers something other than what the load run expects, so a broken endpoint
    cannot pass for a fast one."""
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.models import Document, Stage

    editor = Client()
    editor.force_login(User.objects.get(username=seeded.people["editor"]))
    translator = Client()
    translator.force_login(User.objects.get(username=seeded.people["translator"]))
    doc_40, doc_400 = seeded.page_40, seeded.page_400
    fragment_doc, fragment_row = seeded.row_fragment
    htmx = {"HX-Request": "true"}
    source, target = upload_pair()
    save_doc, save_row, version, text = save_targets(seeded)[-1]
    proposal_doc, proposal = open_proposals(seeded)[-1]
    comment_row = seeded.comment_rows[-1]

    requests = {
        "queue": lambda: editor.get("/", secure=True),
        "document page 40 rows": lambda: editor.get(f"/documents/{doc_40}/", secure=True),
        "document page 400 rows": lambda: editor.get(f"/documents/{doc_400}/", secure=True),
        "row fragment": lambda: editor.get(
            f"/documents/{fragment_doc}/rows/{fragment_row}/", headers=htmx, secure=True
        ),
        "save edit": lambda: editor.post(
            f"/documents/{save_doc}/rows/{save_row}/edit/",
            {"text": "Counted " + text, "version": version, "accept": "1"},
            headers=htmx,
            secure=True,
        ),
        "accept proposal": lambda: editor.post(
            f"/documents/{proposal_doc}/revisions/{proposal}/accept/", headers=htmx, secure=True
        ),
        "add comment": lambda: editor.post(
            f"/documents/{seeded.comment_document}/rows/{comment_row}/comments/",
            {"body": "Counted comment.", "category": "style", "severity": "minor"},
            headers=htmx,
            secure=True,
        ),
        "docx export": lambda: editor.get(f"/documents/{doc_40}/export/docx/", secure=True),
        "translation memory": lambda: editor.get(
            memory_paths(seeded)[0], headers=htmx, secure=True
        ),
        "upload and align 40": lambda: translator.post(
            "/documents/new/",
            {
                "title": "Counted upload",
                "source_file": SimpleUploadedFile("ko.txt", source.encode()),
                "target_file": SimpleUploadedFile("en.txt", target.encode()),
            },
            secure=True,
        ),
    }
    if confirm_document is not None:
        pairing_version = Document.objects.values_list("pairing_version", flat=True).get(
            pk=confirm_document
        )
        requests["confirm pairing 1500"] = lambda: translator.post(
            f"/documents/{confirm_document}/transition/confirm_pairing/",
            {"pairing_version": pairing_version},
            secure=True,
        )
    expected = {"upload and align 40": 302, "confirm pairing 1500": 302}
    counts = {}
    for name, make_request in requests.items():
        with CaptureQueriesContext(connection) as queries:
            response = make_request()
        wanted = expected.get(name, 200)
        if response.status_code != wanted:
            raise RuntimeError(f"{name} answered {response.status_code}, expected {wanted}")
        body = response.content
        if b'class="form-error"' in body or b'class="conflict"' in body:
            raise RuntimeError(f"{name} was refused: {body[:500]!r}")
        counts[name] = len(queries)
    if confirm_document is not None:
        # A refused confirmation redirects too, with the reason in a message.
        stage = Document.objects.values_list("stage", flat=True).get(pk=confirm_document)
        if stage == Stage.ALIGNING:
            raise RuntimeError("confirm pairing 1500 was refused: the document is still aligning")
    return counts


# --- micro-benchmarks ------------------------------------------------------------------------


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def micro_benchmarks(seeded, *, diffs=300, align_size=1000):
    import random

    from django.contrib.auth.models import User
    from django.db.models import QuerySet
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from bench.seed import BODIES, PLACES, TOPICS, paragraph_pair, substitute
    from reviews.alignment import align
    from reviews.checks import check_document
    from reviews.diffing import diff_words
    from reviews.findings import glossary_entries
    from reviews.models import Document, Paragraph
    from reviews.views.grid import document_context

    rng = random.Random(300)
    pairs = []
    for _ in range(diffs):
        _, text = paragraph_pair(rng, PLACES[1], BODIES[1], TOPICS[1])
        words = text.split(" ")
        for _ in range(3):
            words = substitute(words, rng)
        pairs.append((text, " ".join(words)))
    results = [
        {
            "name": f"word diffs of {diffs} paragraphs",
            "ms": timed(lambda: [diff_words(a, b) for a, b in pairs], 5),
            "runs": 5,
        }
    ]
    source, target = [], []
    for _ in range(align_size):
        korean, english = paragraph_pair(rng, PLACES[2], BODIES[2], TOPICS[2])
        source.append(korean)
        target.append(english)
    results.append(
        {
            "name": f"aligning {align_size:,} by {align_size:,}",
            "ms": timed(lambda: align(source, target), 1),
            "runs": 1,
        }
    )
    request = RequestFactory().get(f"/documents/{seeded.page_400}/", secure=True)
    request.user = User.objects.get(username=seeded.people["editor"])
    request.htmx = False
    document = Document.objects.select_related("translator", "editor").get(pk=seeded.page_400)
    context = document_context(request, document)
    # Everything fetched before the clock starts: this times the template alone.
    for key, value in list(context.items()):
        if isinstance(value, QuerySet):
            context[key] = list(value)
    context["document_threads"]["threads"] = list(context["document_threads"]["threads"])
    results.append(
        {
            "name": "rendering the 400-row page's template",
            "ms": timed(lambda: render_to_string("reviews/document.html", context, request), 5),
            "runs": 5,
        }
    )
    rows = list(
        Paragraph.objects.filter(document_id=seeded.page_400)
        .order_by("position")
        .values_list("source", "text")
    )
    glossary = glossary_entries()
    results.append(
        {
            "name": f"quality checks over {len(rows)} rows",
            "ms": timed(lambda: check_document(rows, glossary=glossary), 3),
            "runs": 3,
            "note": f"reviews.checks.check_document, {len(glossary)} glossary terms",
        }
    )
    return results


# --- profiles --------------------------------------------------------------------------------


def py_spy():
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


def start_profile(server, seconds, output):
    """py-spy on both workers (through the master, --subprocesses) for `seconds`."""
    command = [
        py_spy(),
        "record",
        "--pid",
        str(server.process.pid),
        "--subprocesses",
        "--duration",
        str(seconds),
        "--rate",
        "200",
        "--format",
        "raw",
        "--output",
        str(output),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


# Frames that only pass a request along (middleware, handlers, the template engine's own
# recursion): left out of the inclusive list, which should say where the time goes.
PASS_THROUGH = (
    "gunicorn/",
    "<module>",
    "django/core/handlers/",
    "django/utils/deprecation.py",
    "middleware",
    "django/template/base.py",
    "django/template/loader_tags.py",
    "django/template/response.py",
    "django/template/backends/",
    "django/views/decorators/",
    "django/contrib/auth/decorators.py",
    "contextlib.py",
    "__call__",
)


def summarise_profile(raw_path, top=15):
    """The top functions by inclusive and by own share of the samples taken while a worker
    was handling a request (py-spy's collapsed stacks; the pool's idle threads and the
    workers' wait for the next connection are left out)."""
    inclusive, own, total = Counter(), Counter(), 0
    for line in Path(raw_path).read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for frame in stack.split(";"):
            match = FRAME.match(frame.strip())
            if not match:
                continue
            short = re.sub(r"^.*?/(site-packages|lib/python3\.\d+)/", "", match.group("file"))
            short = short.replace(str(ROOT) + "/", "")
            frames.append(f"{match.group('function')} ({short})")
        if not any("handle_request (gunicorn/" in frame for frame in frames):
            continue
        count = int(count)
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    if not total:
        return {"samples": 0, "top_inclusive": [], "top_self": []}
    lines = []
    for frame, count in inclusive.most_common():
        if any(part in frame for part in PASS_THROUGH):
            continue
        lines.append(
            {
                "frame": frame,
                "inclusive_pct": round(100 * count / total, 1),
                "self_pct": round(100 * own[frame] / total, 1),
            }
        )
        if len(lines) == top:
            break
    own_lines = [
        {"frame": frame, "self_pct": round(100 * count / total, 1)}
        for frame, count in own.most_common(12)
    ]
    return {"samples": total, "top_inclusive": lines, "top_self": own_lines}


# --- the report ------------------------------------------------------------------------------


def git_commit():
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def assemble(
    *,
    scale,
    load,
    ceiling,
    queries,
    worker_rss_mb,
    micro,
    seeding,
    profiles=None,
    seconds=None,
    warmup=None,
    started=None,
):
    """The results document: one entry per (endpoint, clients), in the issue's names."""
    ceiling_rps = {row["clients"]: row["rps"] for row in ceiling if row["name"] == "healthz"}
    endpoints = []
    for name in ENDPOINT_NAMES:
        measured = [row for row in load if row["name"] == name]
        if name in TODO_ENDPOINTS:
            measured = [
                {
                    "name": name,
                    "clients": clients,
                    "rps": None,
                    "p50_ms": None,
                    "p95_ms": None,
                    "p99_ms": None,
                    "errors": None,
                    "note": TODO_ENDPOINTS[name],
                }
                for clients in CLIENT_COUNTS
            ]
        for row in measured:
            base = ceiling_rps.get(row["clients"]) or ceiling_rps.get(min(CLIENT_COUNTS))
            ratio = round(row["rps"] / base, 3) if row.get("rps") and base else None
            endpoints.append({**row, "queries": queries.get(name), "ratio_to_ceiling": ratio})
    ceiling_rows = []
    for row in ceiling:
        base = ceiling_rps.get(row["clients"])
        ratio = round(row["rps"] / base, 3) if base else None
        # Neither touches the database (tests/test_healthz.py; WhiteNoise serves the file).
        ceiling_rows.append({**row, "queries": 0, "ratio_to_ceiling": ratio})
    return {
        "scale": scale,
        "commit": git_commit(),
        "cores": os.cpu_count(),
        "date": (started or datetime.now(UTC)).isoformat(timespec="seconds"),
        "seconds_per_figure": seconds,
        "warmup_seconds": warmup,
        "server": "gunicorn --preload, 2 sync workers, DEBUG=false, PostgreSQL, connection pool on",
        "load_generator": f"wrk {WRK_THREADS} threads on the same machine",
        "queries_measured": "in-process: the same request once through Django's test client "
        "inside CaptureQueriesContext (the server under load runs without counting)",
        # The machine's load (1, 5, 15 minutes) when the report was assembled: figures
        # taken while others' work ran on the same cores are lower than the stack can do.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "seeding": seeding,
        "endpoints": endpoints,
        "ceiling": ceiling_rows,
        "worker_rss_mb": worker_rss_mb,
        "micro": micro,
        "targets": target_check(endpoints),
        "profiles": profiles or {},
    }


def target_check(endpoints):
    """The issue's targets against the 8-client figures (1 client for confirming)."""
    checks = []
    for name, (p95_max, rps_min) in TARGETS.items():
        row = next((r for r in endpoints if r["name"] == name and r["clients"] in (8, 1)), None)
        if row is None or row.get("p95_ms") is None:
            checks.append({"name": name, "met": None, "why": "not measured"})
            continue
        misses = []
        if p95_max is not None and row["p95_ms"] > p95_max:
            misses.append(f"p95 {row['p95_ms']} ms > {p95_max} ms")
        if rps_min is not None and row["rps"] < rps_min:
            misses.append(f"{row['rps']} req/s < {rps_min} req/s")
        if row.get("errors"):
            misses.append(f"{row['errors']} errors")
        checks.append({"name": name, "met": not misses, "why": "; ".join(misses)})
    return checks


def cell(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown_table(results):
    lines = [
        "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | errors | queries "
        "| ratio to ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["endpoints"] + results["ceiling"]:
        lines.append(
            f"| {row['name']} | {row['clients']} | {cell(row['rps'])} | {cell(row['p50_ms'])} "
            f"| {cell(row['p95_ms'])} | {cell(row['p99_ms'])} | {cell(row['errors'])} "
            f"| {cell(row['queries'])} | {cell(row['ratio_to_ceiling'], 3)} |"
        )
    return "\n".join(lines)


def markdown_section(results):
    seeding = results["seeding"]
    counts = ", ".join(f"{v:,} {k}" for k, v in seeding.get("counts", {}).items())
    out = [
        f"## Scale {results['scale']}: {results['date']}, commit `{results['commit']}`, "
        f"{results['cores']} cores",
        "",
        f"{results['server']}; {results['load_generator']}; "
        f"{results['seconds_per_figure']} s per figure"
        + (
            f", after {results['warmup_seconds']} s of unrecorded warm-up per endpoint"
            if results.get("warmup_seconds")
            else ""
        )
        + ". Queries per request: "
        f"{results['queries_measured']}. Errors count non-2xx/3xx answers, socket errors "
        "and 2xx answers that did not do what was asked (conflict, refusal, spent proposal).",
        "",
        f"Seeded in {seeding.get('seconds', 0):,.1f} s (migrations not included): {counts}; "
        f"then VACUUM ANALYZE in {seeding.get('vacuum_analyze_seconds', 0):,.1f} s.",
        "",
        "Load average of the machine at the end of the run (1, 5, 15 min): "
        f"{', '.join(str(x) for x in results.get('load_average', []))} "
        f"on {results['cores']} cores.",
        "",
        markdown_table(results),
        "",
    ]
    confirm = [r for r in results["endpoints"] if r["name"] == "confirm pairing 1500"]
    if confirm:
        row = confirm[0]
        out += [
            f"Confirm pairing 1500: {row.get('samples')} single requests, each on a fresh "
            f"1,500-row document (p95 and p99 of so few samples are the slowest); loading the "
            f"confirmed document's page afterwards took {cell(row.get('then_page_ms'))} ms "
            "(median).",
            "",
        ]
    rss = ", ".join(f"{mb} MB" for mb in results["worker_rss_mb"])
    out += [f"Worker resident memory after the run: {rss}.", ""]
    out += ["Micro-benchmarks (median, in-process):", "", "| what | ms |", "|---|---:|"]
    for item in results["micro"]:
        note = f" ({item['note']})" if item.get("note") else ""
        out.append(f"| {item['name']}{note} | {cell(item['ms'], 2)} |")
    out += ["", "Targets of the issue (8 clients; the issue's targets are for scale L):", ""]
    for check in results["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[check["met"]]
        why = f": {check['why']}" if check["why"] else ""
        out.append(f"- {check['name']}: {verdict}{why}")
    for title, profile in results.get("profiles", {}).items():
        out += [
            "",
            f"### Where the time goes: {title}",
            "",
            f"py-spy on the live workers, {profile['samples']:,} samples taken while a "
            "worker handled a request; inclusive share (frames that only pass the request "
            "along, such as middleware and the template engine's recursion, left out):",
            "",
            "| function | inclusive % | self % |",
            "|---|---:|---:|",
        ]
        for line in profile["top_inclusive"]:
            out.append(f"| `{line['frame']}` | {line['inclusive_pct']} | {line['self_pct']} |")
        out += ["", "Top by own time:", "", "| function | self % |", "|---|---:|"]
        for line in profile["top_self"]:
            out.append(f"| `{line['frame']}` | {line['self_pct']} |")
    return "\n".join(out) + "\n"


def write_report(results, directory=RESULTS, results_md=BENCH / "RESULTS.md"):
    """bench/results/<date>-<scale>.json, then RESULTS.md from the latest result of each
    scale. Returns the JSON file's path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    day = results["date"][:10]
    path = directory / f"{day}-{results['scale']}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    render_results(directory, results_md)
    return path


def render_results(directory=RESULTS, results_md=BENCH / "RESULTS.md"):
    """RESULTS.md from the latest JSON of each scale, with the hand-written notes.md of the
    results folder (what the figures mean, what changed between runs) when there is one."""
    directory = Path(directory)
    latest = {}
    for candidate in sorted(directory.glob("*.json")):
        data = json.loads(candidate.read_text(encoding="utf-8"))
        latest[data["scale"]] = data
    sections = [latest[s] for s in sorted(latest, key=lambda s: ("SML".find(s[0]), s))]
    notes = directory / "notes.md"
    text = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); the latest run of each scale. Figures from a "
        "2-core machine shared with other people's test runs: compare medians of several "
        "runs before drawing conclusions.",
        "",
        notes.read_text(encoding="utf-8") if notes.exists() else "",
        "",
    ]
    text += [markdown_section(section) for section in sections]
    text += [
        "## For comparison: the figures in issue 12, before the harness",
        "",
        SIDE_BY_SIDE,
    ]
    Path(results_md).write_text("\n".join(text), encoding="utf-8")


# --- the run ---------------------------------------------------------------------------------


def setup_django(database_url, static_root):
    os.environ.update(server_env(database_url, static_root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def wanted(name):
    """BENCH_ENDPOINTS="save edit,confirm pairing 1500" runs only those (and the ceiling)."""
    chosen = os.environ.get("BENCH_ENDPOINTS", "")
    return not chosen or name in [part.strip() for part in chosen.split(",")]


def vacuum_analyze():
    """VACUUM ANALYZE the seeded database, as autovacuum leaves a real one: the seed's ANALYZE
    alone leaves the visibility map empty (no index-only scans) and the GIN indexes' pending
    lists and statistics as they were. Returns the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # outside a transaction: Django autocommits
    return time.perf_counter() - started


def measure(scale, seconds, profile, work, warmup=0):
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import PASSWORD, seed

    log("migrating")
    call_command("migrate", verbosity=0)
    log(f"seeding scale {scale}")
    seeded = seed(scale, progress=log)
    log(f"seeded in {seeded.seconds:.1f} s: {seeded.counts}")
    seeding = {"seconds": round(seeded.seconds, 1), "counts": seeded.counts, "method": "COPY"}
    vacuum_seconds = vacuum_analyze()
    log(f"VACUUM ANALYZE in {vacuum_seconds:.1f} s")
    seeding["vacuum_analyze_seconds"] = round(vacuum_seconds, 1)
    call_command("collectstatic", "--noinput", verbosity=0)
    connections.close_all()

    server = Server(dict(os.environ), work / "gunicorn.log")
    try:
        server.wait()
        log(f"gunicorn on port {server.port}, workers {server.workers()}")
        sessions = {
            role: log_in(server, seeded.people[role], PASSWORD) for role in ("editor", "translator")
        }
        load, ceiling = [], []
        for name, path in (("healthz", "/healthz"), ("static file", static_path())):
            if not wanted(name):
                continue
            for clients in CLIENT_COUNTS:
                drain(server)
                row = run_wrk(server, "get.lua", clients, seconds, {"BENCH_PATH": path})
                ceiling.append({"name": name, **row})
                log(
                    f"  {name:<24}{clients:>4} clients {row['rps']:>8} req/s p95 {row['p95_ms']} ms"
                )
        for name, script, role, env in load_plan(seeded, work):
            if not wanted(name):
                continue
            for clients in CLIENT_COUNTS:
                # Drained first: the targets (versions, open proposals) must be read after
                # the last run's queued requests have changed them.
                drain(server)
                extra = {"BENCH_COOKIE": cookie_header(sessions[role]), **env()}
                extra["BENCH_CSRF"] = sessions[role]["csrftoken"]
                if clients == CLIENT_COUNTS[0] and warmup:
                    # Unrecorded: each worker's first requests fill its caches and pools;
                    # what a cold page costs is measured apart (bench/document_cpu.py).
                    run_wrk(server, script, clients, warmup, extra)
                    drain(server)
                    extra.update(env())
                row = run_wrk(server, script, clients, seconds, extra)
                load.append({"name": name, **row})
                log(
                    f"  {name:<24}{clients:>4} clients {row['rps']:>8} req/s "
                    f"p95 {row['p95_ms']} ms errors {row['errors']}"
                )
        profiles = {}
        confirm_docs = seeded.confirm_documents[:-1]
        if profile and not py_spy():
            log("py-spy is not installed: no profiles (pip install py-spy)")
        elif profile:
            # The profiled runs are extra: the table's figures are from unprofiled runs.
            if wanted("document page 400 rows"):
                drain(server)
                raw = work / "page-400.txt"
                spy = start_profile(server, seconds, raw)
                time.sleep(1)
                extra = {
                    "BENCH_COOKIE": cookie_header(sessions["editor"]),
                    "BENCH_PATH": f"/documents/{seeded.page_400}/",
                }
                run_wrk(server, "get.lua", 8, max(1, seconds - 2), extra)
                spy.wait(timeout=seconds + 60)
                profiles["document page 400 rows, 8 clients"] = summarise_profile(raw)
            if wanted("confirm pairing 1500"):
                halves = len(confirm_docs) // 2 or 1
                profiled, confirm_docs = confirm_docs[:halves], confirm_docs[halves:]
                drain(server)
                raw = work / "confirm.txt"
                spy = start_profile(server, 120, raw)
                time.sleep(1)
                # The POSTs alone, without loading the page afterwards.
                confirm_pairing(server, sessions["translator"], profiled, follow=False)
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
                profiles["confirm pairing 1500 (the POST alone)"] = summarise_profile(raw)
        if wanted("confirm pairing 1500"):
            log("confirming pairings of 1,500 rows, one at a time")
            confirm = confirm_pairing(server, sessions["translator"], confirm_docs)
            load.append({"name": "confirm pairing 1500", **confirm})
        for pid in server.workers():
            idle(pid)
        worker_rss = [rss_mb(pid) for pid in server.workers()]
    finally:
        server.stop()
        trouble = [m for m in ("Traceback", "WORKER TIMEOUT", "[ERROR]") if m in server.log_text()]
        if trouble:
            log(f"gunicorn logged {', '.join(trouble)}:\n{server.log_text()[-4000:]}")
    log("counting queries per request")
    queries = count_queries(seeded, confirm_document=seeded.confirm_documents[-1])
    log("micro-benchmarks")
    micro = micro_benchmarks(seeded)
    return assemble(
        scale=scale,
        load=load,
        ceiling=ceiling,
        queries=queries,
        worker_rss_mb=worker_rss,
        micro=micro,
        seeding=seeding,
        profiles=profiles,
        seconds=seconds,
        warmup=warmup,
    )


def main():
    if sys.argv[1:] == ["--report"]:
        render_results()  # RESULTS.md again from bench/results, without a run
        return
    scale = os.environ.get("BENCH_SCALE", "S").upper()
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    warmup = int(os.environ.get("BENCH_WARMUP_SECONDS", "2"))
    profile = os.environ.get("BENCH_PROFILE", "") not in ("", "0", "false")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench does it as root)")
    # A plain kill still stops gunicorn and drops the database (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name = f"wb_bench_{datetime.now(UTC):%Y%m%d%H%M%S}_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    log(f"scale {scale}, {seconds} s per figure, database {name}, scratch {work}")
    admin_execute(f'CREATE DATABASE "{name}"')
    try:
        setup_django(with_database(server_url(), name), work / "static")
        results = measure(scale, seconds, profile, work, warmup)
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
        log(f"dropped {name}")
    log("")
    log(markdown_table(results))
    log("")
    if os.environ.get("BENCH_ENDPOINTS"):
        log(markdown_section(results))
        log("BENCH_ENDPOINTS chose a part of the run: nothing written to bench/results.")
        return
    path = write_report(results)
    log(f"wrote {path.relative_to(ROOT)} and bench/RESULTS.md")


if __name__ == "__main__":
    main()
