"""What an over-size upload costs the app: bytes read from the request body and peak memory.

Sends one multipart upload of each size through Django's WSGI handler (middleware, session,
CSRF, the upload form) from a stream that makes its bytes on demand, so the numbers are the
app's, not the sender's. Reports, per size, the answer, how much of the body was read and
tracemalloc's peak while the request ran. Scratch SQLite database unless DATABASE_URL is set.

    .venv/bin/python bench/uploads.py
"""

import time
import tracemalloc

import _setup  # noqa: F401 (sets Django up on import, before anything of Django's)
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.test.client import ClientHandler

from reviews.cleaning import clean_text

MB = 1024 * 1024
BOUNDARY = "benchboundary"


class GeneratedBody:
    """A request body of `size` file bytes between a head and a tail, made as it is read."""

    def __init__(self, head: bytes, size: int, tail: bytes):
        self.parts = [head, size, tail]
        self.read_bytes = 0
        self.length = len(head) + size + len(tail)

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.length - self.read_bytes
        out = bytearray()
        while size > 0 and self.parts:
            part = self.parts[0]
            if isinstance(part, int):
                take = min(size, part)
                out += b"a" * take
                self.parts[0] = part - take
                if self.parts[0] == 0:
                    self.parts.pop(0)
            else:
                take = min(size, len(part))
                out += part[:take]
                self.parts[0] = part[take:]
                if not self.parts[0]:
                    self.parts.pop(0)
            size -= take
        self.read_bytes += len(out)
        return bytes(out)

    def readline(self, size=-1):
        return self.read(size)


def field(name, value):
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


def upload_once(cookie, size):
    head = (
        field("title", "Bench upload")
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="source_file"; '
            'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
    )
    tail = b"\r\n" + field("target_text", "The English.") + f"--{BOUNDARY}--\r\n".encode()
    body = GeneratedBody(head, size, tail)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/documents/new/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length),
        "HTTP_COOKIE": cookie,
    }
    tracemalloc.start()
    started = time.perf_counter()
    response = ClientHandler(enforce_csrf_checks=False)(environ)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    refused = b"larger than the" in response.content or b"This upload is" in response.content
    return response.status_code, refused, body.read_bytes, body.length, peak, elapsed


def main():
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(
        username="bench-translator", defaults={"password": make_password(None)}
    )
    user.groups.add(Group.objects.get_or_create(name="translator")[0])
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    print(
        f"WORKBENCH_MAX_UPLOAD_BYTES {settings.WORKBENCH_MAX_UPLOAD_BYTES / MB:g} MB, "
        f"WORKBENCH_MAX_REQUEST_BYTES {settings.WORKBENCH_MAX_REQUEST_BYTES / MB:g} MB"
    )
    print("file MB | status | refused | body read MB | of MB | peak MB | ms")
    for size in [1 * MB, 6 * MB, 10 * MB, 30 * MB, 200 * MB]:
        status, refused, read, length, peak, elapsed = upload_once(cookie, size)
        print(
            f"{size / MB:7g} | {status} | {refused!s:7} | {read / MB:12.2f} | {length / MB:5.1f}"
            f" | {peak / MB:7.1f} | {elapsed * 1000:.0f}"
        )

    text = ("서울시는 26일 내년도 예산안을 발표했다.\x0b Line\x07 two 👍🏽\n" * 120_000)[: 5 * MB]
    started = time.perf_counter()
    clean_text(text)
    print(
        f"clean_text on {len(text) / 1e6:.1f} M characters: {time.perf_counter() - started:.3f} s"
    )


if __name__ == "__main__":
    main()
