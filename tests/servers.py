"""Real app servers for the tests that need them: gunicorn processes on a PostgreSQL database,
and plain HTTP clients (stdlib http.client, one session each) that talk to them. Used by
tests/test_concurrency.py (racing edits) and tests/test_faults.py (restarts, kills, load)."""

import functools
import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "concurrent-desk-pw"
SERVER_START_SECONDS = 20
HTTP_TIMEOUT = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict):
    user = quote(settings_dict.get("USER") or "postgres")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{quote(settings_dict['NAME'])}"


def server_env(db_url, static_root):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_POOL="true",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("EMAIL_BACKEND", None)
    return env


def collect_static(env):
    """DEBUG=false serves hashed names from a manifest: build it once, outside the project."""
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"collectstatic failed:\n{done.stderr[-3000:]}"


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def stderr_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_server(env, log_dir, name, *, workers=1, threads=4):
    port = free_port()
    log = Path(log_dir) / f"{name}.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(gunicorn),
                "workbench.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                # Several servers start at once here: each would take the one control socket
                # in the home directory (gunicorn 27), and two starting together log an error.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(port, process, log)


def wait_until_answering(server, seconds=SERVER_START_SECONDS):
    deadline = time.monotonic() + seconds
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/login/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            last = f"GET /login/ answered {status}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.2)
    code = server.process.poll()
    pytest.fail(
        f"gunicorn on port {server.port} did not answer within {seconds}s "
        f"(exit code {code}, last: {last}); its output:\n{server.stderr_text()[-4000:]}"
    )


def stop_server(server):
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def server_errors(servers):
    """Tracebacks, 500s and worker timeouts that the servers logged."""
    found = []
    for server in servers:
        text = server.stderr_text()
        for marker in ("Traceback", "Internal Server Error", "WORKER TIMEOUT", "[ERROR]"):
            if marker in text:
                found.append(f"port {server.port}: {marker}\n{text[-4000:]}")
                break
    return found


@dataclass
class Response:
    method: str
    path: str
    status: int
    text: str
    seconds: float
    port: int
    headers: dict = field(default_factory=dict)


class Client:
    """One browser: its own cookies (set by hand: DEBUG=false marks them Secure, and a cookie
    jar would not send those over plain HTTP), alternating between the servers."""

    def __init__(self, ports, name, timeout=HTTP_TIMEOUT):
        self.ports = list(ports)
        self.name = name
        self.timeout = timeout
        self.cookies = {}
        self.responses = []
        self._turn = 0

    def request(self, method, path, fields=None, *, htmx=False, port=None):
        if port is None:
            port = self.ports[self._turn % len(self.ports)]
            self._turn += 1
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(fields or {})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        response = Response(
            method, path, answer.status, text, seconds, port, dict(answer.headers.items())
        )
        self.responses.append(response)
        return response

    def log_in(self, username, password=PASSWORD):
        self.request("GET", "/login/")
        token = self.cookies.get("csrftoken")
        assert token, f"{self.name}: GET /login/ set no csrftoken cookie"
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        answer = self.request("POST", "/login/", fields)
        assert answer.status == 302 and "sessionid" in self.cookies, (
            f"{self.name}: logging in as {username} answered {answer.status}: {answer.text[:500]}"
        )


def log_in_all(clients_and_users):
    """Log each person in once, at the same time, and give their other clients the same
    session, like tabs of one browser: the servers' PBKDF2 costs most of a second a login."""
    first = {}
    for client, username in clients_and_users:
        first.setdefault(username, client)
    errors = []

    def run(client, username):
        try:
            client.log_in(username)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(f"{client.name}: {error!r}")

    run_threads([lambda c=c, u=u: run(c, u) for u, c in first.items()])
    assert not errors, "logging in failed:\n" + "\n".join(errors)
    for client, username in clients_and_users:
        client.cookies = dict(first[username].cookies)


def run_threads(targets, seconds=60):
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic()))
    stuck = [thread for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} client threads still running after {seconds}s"


@functools.cache
def servers_password_hash():
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def make_desk():
    """A translator, an editor and a manager whose passwords the servers' own (default)
    hasher can check: the suite's fast MD5 hasher is not in the servers' settings."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviews.models import Role

    encoded = servers_password_hash()
    people = {}
    for username, role in (
        ("mina", Role.TRANSLATOR),
        ("daniel", Role.EDITOR),
        ("jiwon", Role.MANAGER),
    ):
        user = get_user_model().objects.create(username=username, password=encoded)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        people[username] = user
    return people
