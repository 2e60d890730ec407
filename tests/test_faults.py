"""Faults, on loopback, each bounded in time: PostgreSQL restarted under two app servers, a
worker killed in the middle of saves, and a busy morning (20 clients on two servers).

Afterwards the database must tell one consistent story (`check_story`): each row's text is its
last accepted revision, accepted versions run 1..N, every revision and comment has its event,
and nothing a server answered as saved is missing. PostgreSQL only. The restart test never
touches the machine's shared cluster: it makes a throwaway one with initdb on a free port.
Set WORKBENCH_LOAD_SECONDS to shorten the load test locally (CI runs the full 60 s).
"""

import contextlib
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from reviews import workflow
from reviews.importing import create_document
from tests.conftest import ENGLISH, KOREAN
from tests.servers import (
    ROOT,
    Client,
    collect_static,
    database_url,
    free_port,
    log_in_all,
    make_desk,
    run_threads,
    server_env,
    servers_password_hash,
    start_server,
    stop_server,
    wait_until_answering,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"app servers sharing a database server need PostgreSQL (not {connection.vendor})",
    ),
]

OUTAGE_TEXT = "The database cannot be reached right now, so nothing was saved"
LOAD_SECONDS = float(os.environ.get("WORKBENCH_LOAD_SECONDS", "60"))
ACCEPT_LINK = re.compile(r"/revisions/(\d+)/accept/")
TOKEN_TAIL = re.compile(r"( tk\w+)+$")


def edit_path(document_id, paragraph_id):
    return f"/documents/{document_id}/rows/{paragraph_id}/edit/"


def with_token(text, token):
    """The paragraph with this client's token at the end, in place of an earlier one."""
    return TOKEN_TAIL.sub("", text) + " " + token


def form_of(response):
    version = re.search(r'name="version" value="(\d+)"', response.text)
    area = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.text, re.S)
    if response.status != 200 or not version or not area:
        return None
    return int(version.group(1)), html.unescape(area.group(1))


def saved(response):
    """An edit's answer: the row fragment without a form is a save; a form is a refusal or a
    conflict (the author's text handed back)."""
    return response.status == 200 and "<textarea" not in response.text


def edit_once(client, document_id, paragraph_id, token, *, accept=False):
    """(GET form, POST edit) -> 'saved', 'kept' (refused or conflict), or the HTTP status."""
    path = edit_path(document_id, paragraph_id)
    form = form_of(client.request("GET", path, htmx=True))
    if form is None:
        return client.responses[-1].status
    version, text = form
    fields = {"text": with_token(text, token), "version": str(version)}
    if accept:
        fields["accept"] = "1"
    answer = client.request("POST", path, fields, htmx=True)
    if answer.status != 200:
        return answer.status
    return "saved" if saved(answer) else "kept"


# --- the database's story --------------------------------------------------------------------


def check_story(url, document_ids, saved_tokens=()):
    """Assert the history of the documents is whole; returns a few counts."""
    with psycopg.connect(url, autocommit=True) as db:
        rows = db.execute(
            "SELECT id, text, version FROM reviews_paragraph WHERE document_id = ANY(%s)",
            [list(document_ids)],
        ).fetchall()
        for paragraph_id, text, version in rows:
            accepted = db.execute(
                "SELECT version, text FROM reviews_revision WHERE paragraph_id = %s "
                "AND state = 'accepted' AND version IS NOT NULL ORDER BY version",
                [paragraph_id],
            ).fetchall()
            assert [v for v, _ in accepted] == list(range(1, len(accepted) + 1)), paragraph_id
            assert version == len(accepted), (paragraph_id, version, len(accepted))
            assert text == accepted[-1][1], f"row {paragraph_id} is not its last accepted text"
        revisions = db.execute(
            "SELECT r.id, r.state, r.note FROM reviews_revision r JOIN reviews_paragraph p "
            "ON p.id = r.paragraph_id WHERE p.document_id = ANY(%s) AND r.base_version > 0",
            [list(document_ids)],
        ).fetchall()
        events = db.execute(
            "SELECT verb, payload FROM reviews_event WHERE document_id = ANY(%s)",
            [list(document_ids)],
        ).fetchall()
        made = Counter()  # revision id -> creation events
        decided = Counter()  # revision id -> decision events
        merged = Counter()
        commented = Counter()
        created_as = {}
        for verb, payload in events:
            if verb in ("edited", "proposed", "restored"):
                made[payload["revision"]] += 1
                created_as[payload["revision"]] = payload["state"]
            elif verb in ("accepted", "rejected", "withdrawn"):
                decided[payload["revision"]] += 1
                if payload.get("merged"):
                    merged[payload["merged"]] += 1
            elif verb == "commented":
                commented[payload["comment"]] += 1
        for revision_id, state, note in revisions:
            if note.startswith("proposal #"):
                assert merged[revision_id] == 1, f"merge {revision_id} has no accept event"
                continue
            assert made[revision_id] == 1, f"revision {revision_id} has {made[revision_id]} events"
            if created_as[revision_id] == "proposed":
                expected = 0 if state == "proposed" else 1
                assert decided[revision_id] == expected, (revision_id, state)
        comment_ids = [
            pk
            for (pk,) in db.execute(
                "SELECT id FROM reviews_comment WHERE document_id = ANY(%s)",
                [list(document_ids)],
            )
        ]
        assert all(commented[pk] == 1 for pk in comment_ids), "a comment without its event"
        assert sum(commented.values()) == len(comment_ids), "an event without its comment"
        texts = "\n".join(
            text
            for (text,) in db.execute(
                "SELECT r.text FROM reviews_revision r JOIN reviews_paragraph p "
                "ON p.id = r.paragraph_id WHERE p.document_id = ANY(%s)",
                [list(document_ids)],
            )
        )
        bodies = "\n".join(
            body
            for (body,) in db.execute(
                "SELECT body FROM reviews_comment WHERE document_id = ANY(%s)",
                [list(document_ids)],
            )
        )
        lost = [t for t in saved_tokens if t not in texts and t not in bodies]
        assert not lost, f"answered as saved but missing: {lost[:5]}"
        return {"revisions": len(revisions), "comments": len(comment_ids), "events": len(events)}


def log_problems(servers, also=()):
    """500s and worker timeouts the servers logged (and the `also` markers)."""
    found = []
    for server in servers:
        text = server.stderr_text()
        for marker in ("Internal Server Error", "WORKER TIMEOUT", *also):
            if marker in text:
                found.append(f"port {server.port}: {marker}\n{text[-3000:]}")
    return found


# --- a throwaway PostgreSQL cluster ----------------------------------------------------------


def postgres_bindir():
    initdb = shutil.which("initdb")
    if not initdb:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        initdb = str(found[-1]) if found else None
    return Path(initdb).parent if initdb else None


class Cluster:
    """A PostgreSQL cluster of our own (as the postgres user when we are root)."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="workbench-outage-"))
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/workbench"

    def run(self, tool, *args, timeout=60):
        command = [*self.as_user, str(self.bindir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{tool} failed: {done.stderr[-2000:]}"

    def init(self):
        self.run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust")

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.dir / "log")
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", log, "-w", "-o", options, "start")

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(AssertionError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


SEED = """
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from reviews import workflow
from reviews.importing import create_document
from reviews.models import Role
from tests.conftest import ENGLISH, KOREAN
people = {}
for name, role in (("mina", Role.TRANSLATOR), ("daniel", Role.EDITOR)):
    people[name] = get_user_model().objects.create(
        username=name, password=os.environ["SEED_PASSWORD_HASH"])
    people[name].groups.add(Group.objects.get_or_create(name=role)[0])
document = create_document(title="Outage", source_paragraphs=KOREAN, target_paragraphs=ENGLISH,
    created_by=people["mina"], translator=people["mina"], editor=people["daniel"])
workflow.take_transition(people["mina"], "confirm_pairing", document)
rows = list(document.paragraphs.order_by("position").values_list("pk", flat=True))
print(json.dumps({"document": document.pk, "rows": rows}))
"""


@pytest.fixture
def cluster():
    bindir = postgres_bindir()
    if bindir is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("initdb is missing: the restart test needs a PostgreSQL of its own")
        pytest.skip("initdb is missing: apt-get install postgresql")
    cluster = Cluster(bindir)
    try:
        cluster.init()
        cluster.start()
        with psycopg.connect(cluster.url.replace("/workbench", "/postgres"), autocommit=True) as c:
            c.execute("CREATE DATABASE workbench")
        yield cluster
    finally:
        cluster.remove()


def manage(env, *args, timeout=180):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def started_servers(env, workdir, count, **options):
    servers = []
    for number in range(count):
        servers.append(start_server(env, workdir, f"server-{number}", **options))
    for server in servers:
        wait_until_answering(server)
    return servers


# --- PostgreSQL restarted under two servers --------------------------------------------------


def test_postgres_restart_under_two_servers(cluster, tmp_path):
    """Four clients save all the time through two servers; PostgreSQL stops for four seconds
    and comes back. During the outage every answer is the 503 page with Retry-After (no 500,
    no traceback); afterwards both servers serve again by themselves, and every save they
    answered as saved is in the history."""
    started = time.monotonic()
    env = server_env(cluster.url, tmp_path / "static")
    env["DATABASE_POOL_TIMEOUT"] = "3"
    manage(env, "migrate", "--noinput", "-v", "0")
    seed_env = {**env, "SEED_PASSWORD_HASH": servers_password_hash()}
    # The last line: the shell may say more before it.
    seeded = json.loads(manage(seed_env, "shell", "-c", SEED).strip().splitlines()[-1])
    collect_static(env)
    servers = started_servers(env, tmp_path, 2)
    try:
        ports = [server.port for server in servers]
        clients = [Client(ports[i % 2 :] + ports[: i % 2], f"client-{i}") for i in range(4)]
        log_in_all([(client, "mina") for client in clients])
        stop = threading.Event()
        outcomes = []  # (client, phase, outcome, token)
        phase = ["before"]

        def run(index, client):
            number = 0
            while not stop.is_set():
                number += 1
                token = f"tk{index}n{number}"
                try:
                    outcome = edit_once(client, seeded["document"], seeded["rows"][index], token)
                except (OSError, http.client.HTTPException) as error:
                    outcome = f"no answer: {error!r}"
                outcomes.append((client.name, phase[0], outcome, token))
                if outcome == 503:
                    time.sleep(0.3)

        threads = [
            threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(4)
        phase[0] = "outage"
        cluster.stop("fast")
        time.sleep(4)
        cluster.start()
        phase[0] = "recovering"
        recovered_in = None
        restarted = time.monotonic()
        while time.monotonic() - restarted < 30:
            recent = [o for o in outcomes[-8:] if o[1] == "recovering"]
            if len(recent) >= 4 and all(o[2] == "saved" for o in recent):
                recovered_in = time.monotonic() - restarted
                break
            time.sleep(0.2)
        phase[0] = "after"
        time.sleep(4)
        stop.set()
        for thread in threads:
            thread.join(40)
        assert not any(thread.is_alive() for thread in threads), "a client hung"
    finally:
        for server in servers:
            stop_server(server)

    assert recovered_in is not None, f"no recovery within 30 s: {outcomes[-10:]}"
    by_phase = Counter((phase, outcome) for _, phase, outcome, _ in outcomes)
    unexpected = [o for o in outcomes if o[2] not in ("saved", 503)]
    assert not unexpected, f"answers other than saved or 503: {unexpected[:5]}"
    assert by_phase[("outage", 503)] > 0, by_phase
    assert by_phase[("before", "saved")] > 0 and by_phase[("after", "saved")] > 0, by_phase
    assert by_phase[("after", 503)] == 0, f"503s after recovery: {by_phase}"
    answers = [r for client in clients for r in client.responses]
    unavailable = [r for r in answers if r.status == 503]
    assert all(r.headers.get("Retry-After") == "15" for r in unavailable)
    assert all(OUTAGE_TEXT in r.text and "Traceback" not in r.text for r in unavailable)
    # Both servers answered again after the restart, each by itself.
    after = {r.port for client in clients for r in client.responses[-4:] if r.status == 200}
    assert after == set(ports), after
    assert not log_problems(servers), log_problems(servers)
    tokens = [token for _, _, outcome, token in outcomes if outcome == "saved"]
    numbers = check_story(cluster.url, [seeded["document"]], tokens)
    print(
        f"\nrestart: {dict(by_phase)}, recovered {recovered_in:.1f}s after the restart, "
        f"{numbers}, {time.monotonic() - started:.1f}s in all"
    )


# --- servers on the test database ------------------------------------------------------------


@pytest.fixture
def desk(transactional_db):
    return make_desk()


def new_document(desk, *actions):
    document = create_document(
        title="Budget passed",
        source_paragraphs=KOREAN,
        target_paragraphs=ENGLISH,
        created_by=desk["mina"],
        translator=desk["mina"],
        editor=desk["daniel"],
    )
    for action in actions:
        workflow.take_transition(desk["mina"], action, document)
    return document, list(document.paragraphs.order_by("position").values_list("pk", flat=True))


@pytest.fixture
def test_db_env(tmp_path, django_db_setup):
    env = server_env(database_url(connection.settings_dict), tmp_path / "static")
    collect_static(env)
    return env


def worker_pids(master_pid):
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_save_leaves_whole_saves_only(desk, test_db_env, tmp_path):
    """Eight clients save and accept on four rows through one server with two workers; a
    worker is killed with SIGKILL three times. Each save happened completely or not at all:
    rows equal their last accepted revision, every revision has its event."""
    started = time.monotonic()
    document, rows = new_document(desk, "confirm_pairing", "submit_for_review")
    (server,) = started_servers(test_db_env, tmp_path, 1, workers=2, threads=2)
    try:
        clients = [Client([server.port], f"client-{i}") for i in range(8)]
        log_in_all([(c, "daniel" if i % 2 else "mina") for i, c in enumerate(clients)])
        stop = threading.Event()
        outcomes = []

        def run(index, client):
            number = 0
            while not stop.is_set():
                number += 1
                token = f"tk{index}n{number}"
                try:
                    outcome = edit_once(
                        client, document.pk, rows[index % 4], token, accept=bool(index % 2)
                    )
                except (OSError, http.client.HTTPException):
                    outcome = "dropped"  # the worker died holding this request
                outcomes.append((outcome, token))

        threads = [
            threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        kills = 0
        for _ in range(3):
            time.sleep(1.5)
            workers = worker_pids(server.process.pid)
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                kills += 1
        time.sleep(3)  # the master starts a new worker; saves go on
        stop.set()
        for thread in threads:
            thread.join(40)
    finally:
        stop_server(server)
    counts = Counter(outcome for outcome, _ in outcomes)
    assert kills == 3
    assert set(counts) <= {"saved", "kept", "dropped"}, counts
    assert counts["dropped"] > 0, f"no request was in flight at a kill: {counts}"
    assert counts["saved"] > 0
    # After the kills the server still saved: the master replaced the worker.
    assert "saved" in [outcome for outcome, _ in outcomes[-8:]], outcomes[-8:]
    tokens = [token for outcome, token in outcomes if outcome == "saved"]
    numbers = check_story(database_url(connection.settings_dict), [document.pk], tokens)
    assert "Internal Server Error" not in server.stderr_text()
    print(f"\nkilled workers: {dict(counts)}, {numbers}, {time.monotonic() - started:.1f}s")


# --- a busy morning --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_clients_on_two_servers(desk, test_db_env, tmp_path):
    """20 clients for WORKBENCH_LOAD_SECONDS (60) on two servers and two documents in review:
    translators propose, editors edit-and-accept, accept and reject proposals and approve rows,
    everyone comments. Zero server errors, and the history is whole."""
    started = time.monotonic()
    documents = [new_document(desk, "confirm_pairing", "submit_for_review") for _ in range(2)]
    servers = started_servers(test_db_env, tmp_path, 2)
    try:
        ports = [server.port for server in servers]
        roles = ["mina"] * 8 + ["daniel"] * 8 + ["jiwon"] * 4
        clients = [Client(ports[i % 2 :] + ports[: i % 2], f"client-{i}") for i in range(20)]
        log_in_all(list(zip(clients, roles, strict=True)))
        deadline = time.monotonic() + LOAD_SECONDS
        saved_tokens, failures, lock = [], [], threading.Lock()
        done = Counter()

        def act(index, client, username):
            rng = random.Random(index)
            number = 0
            while time.monotonic() < deadline:
                number += 1
                token = f"tk{index}n{number}"
                document, rows = rng.choice(documents)
                row = rng.choice(rows)
                choice = rng.random()
                if choice < 0.2:
                    kind = "comment"
                    body = f"Please check this wording. {token}"
                    answer = client.request(
                        "POST",
                        f"/documents/{document.pk}/rows/{row}/comments/",
                        {"body": body},
                        htmx=True,
                    )
                    outcome = "saved" if answer.status == 200 and token in answer.text else "kept"
                    if answer.status != 200:
                        outcome = answer.status
                elif username == "mina" or choice < 0.5:
                    kind = "edit" if username == "mina" else "edit-accept"
                    outcome = edit_once(client, document.pk, row, token, accept=username != "mina")
                elif choice < 0.85:
                    kind = "decide"
                    fragment = client.request(
                        "GET", f"/documents/{document.pk}/rows/{row}/", htmx=True
                    )
                    proposals = ACCEPT_LINK.findall(fragment.text)
                    outcome = fragment.status if fragment.status != 200 else "none open"
                    if proposals and fragment.status == 200:
                        decision = "accept" if rng.random() < 0.7 else "reject"
                        revision = rng.choice(proposals)
                        path = f"/documents/{document.pk}/revisions/{revision}/{decision}/"
                        answer = client.request("POST", path, {}, htmx=True)
                        outcome = "decided" if answer.status == 200 else answer.status
                else:
                    kind = "approve"
                    answer = client.request(
                        "POST", f"/documents/{document.pk}/rows/{row}/approve/", {}, htmx=True
                    )
                    outcome = "approved" if answer.status == 200 else answer.status
                with lock:
                    done[(kind, outcome)] += 1
                    if outcome == "saved":
                        saved_tokens.append(token)

        def run(index, client, username):
            try:
                act(index, client, username)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(f"{client.name}: {error!r}")

        run_threads(
            [
                lambda i=i, c=c, u=u: run(i, c, u)
                for i, (c, u) in enumerate(zip(clients, roles, strict=True))
            ],
            seconds=LOAD_SECONDS + 60,
        )
    finally:
        for server in servers:
            stop_server(server)
    assert not failures, failures
    statuses = Counter(r.status for client in clients for r in client.responses)
    assert set(statuses) <= {200, 302}, f"statuses {statuses}; {done}"
    assert not log_problems(servers, also=("Traceback", "[ERROR]")), log_problems(servers)
    assert done[("edit", "saved")] > 0 and done[("edit-accept", "saved")] > 0, done
    assert done[("comment", "saved")] > 0 and done[("decide", "decided")] > 0, done
    numbers = check_story(
        database_url(connection.settings_dict), [d.pk for d, _ in documents], saved_tokens
    )
    requests = sum(statuses.values())
    print(
        f"\nload: {requests} requests in {LOAD_SECONDS:.0f}s by 20 clients, {dict(statuses)}, "
        f"{dict(done)}, {numbers}, {time.monotonic() - started:.1f}s in all"
    )
