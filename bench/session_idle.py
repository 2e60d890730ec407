"""What keeping a session alive costs per request: the idle-expiry mechanisms compared.

Logs a person in through the test client on a scratch SQLite database (or DATABASE_URL), then
sends 120 requests to the notifications page, as if one a second for two minutes (the clock
the middleware reads is moved on by a second per request), and counts the queries of each
request under three settings:

  none                 no refresh: the session dies 8 hours after the login, however busy
  save every request   SESSION_SAVE_EVERY_REQUEST = True (Django's own way)
  once a minute        reviews.sessions.IdleExpiryMiddleware (what Workbench runs)

    .venv/bin/python bench/session_idle.py
"""

from unittest import mock

import _setup  # noqa: F401 - sets Django up on import, before anything of Django's
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

REQUESTS = 120
PASSWORD = "bench-password"  # noqa: S105 (a scratch database's only user)
START = 1_800_000_000


def counts(client):
    """Queries per request, and how many of them wrote the session."""
    totals, writes = [], 0
    for second in range(REQUESTS):
        clock = mock.patch("reviews.sessions.time.time", return_value=START + 1 + second)
        with clock, CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        totals.append(len(queries))
        writes += sum("UPDATE" in q["sql"] and "reviews_session" in q["sql"] for q in queries)
    return totals, writes


def run(label, **overrides):
    middleware = list(settings.MIDDLEWARE)
    if not overrides.pop("idle_middleware"):
        middleware.remove("reviews.sessions.IdleExpiryMiddleware")
    with override_settings(MIDDLEWARE=middleware, **overrides):
        client = Client()
        with mock.patch("reviews.sessions.time.time", return_value=START):
            client.post("/login/", {"username": "bench", "password": PASSWORD})
        totals, writes = counts(client)
    mean = sum(totals) / len(totals)
    print(f"| {label} | {min(totals)} | {max(totals)} | {mean:.2f} | {writes} |")
    return mean


def main():
    call_command("migrate", verbosity=0)
    User.objects.filter(username="bench").delete()
    User.objects.create_user("bench", password=PASSWORD)
    print(f"{REQUESTS} requests, one a second, on {connection.vendor}")
    print("| mechanism | min queries | max queries | mean queries | session writes |")
    print("|---|---|---|---|---|")
    base = run("none", idle_middleware=False)
    every = run("save every request", idle_middleware=False, SESSION_SAVE_EVERY_REQUEST=True)
    minute = run("once a minute", idle_middleware=True)
    print(
        f"extra queries per request: save every request {every - base:+.2f}, "
        f"once a minute {minute - base:+.2f}"
    )


if __name__ == "__main__":
    main()
