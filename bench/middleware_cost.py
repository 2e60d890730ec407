"""The middleware stack's fixed cost on an authenticated request, in-process.

A trivial view (an empty 200) is added to the project's URLs, then driven through Django's
test client, logged in: an htmx GET and an htmx POST (with the CSRF token, checks on). Prints
the median `time.process_time()` of the whole request per round; with EACH=1 also each
middleware's own mean share (its time less the layers' inside it, plus its process_view; the
timing itself adds about 3 µs to each). PROFILE=1 prints a cProfile (CPU time) of the POSTs,
SORT=tottime sorted by own time. MW_REQUESTS (300) requests a round, MW_ROUNDS (3) rounds.

    DEBUG=false SECRET_KEY=x DATABASE_URL=postgres://postgres@127.0.0.1:5432/wb_scratch \
        .venv/bin/python bench/middleware_cost.py
"""

import cProfile
import os
import pstats
import statistics
import sys
import time
import types

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
urls = types.ModuleType("middleware_cost_urls")
sys.modules["middleware_cost_urls"] = urls

from _setup import person  # noqa: E402  Django set up on import
from django.conf import settings  # noqa: E402
from django.core.handlers import base  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.http import require_http_methods  # noqa: E402

REQUESTS = int(os.environ.get("MW_REQUESTS", "300"))
ROUNDS = int(os.environ.get("MW_ROUNDS", "3"))


@require_http_methods(["GET", "POST"])
def trivial(request):
    return HttpResponse(b"ok")


urls.urlpatterns = [path("trivial/", trivial), path("", include("workbench.urls"))]
settings.ROOT_URLCONF = "middleware_cost_urls"

OUTER, INNER, VIEW_HOOKS = {}, {}, {}


def timed_class(cls, name):
    """`cls` whose __call__, the layers inside it and its process_view are each timed."""
    OUTER[name], INNER[name] = [], []

    def add(table, start):
        table[name].append(time.process_time() - start)

    class Timed(cls):
        def __init__(self, get_response):
            def inner(request):
                start = time.process_time()
                try:
                    return get_response(request)
                finally:
                    add(INNER, start)

            super().__init__(inner)

        def __call__(self, request):
            start = time.process_time()
            try:
                return super().__call__(request)
            finally:
                add(OUTER, start)

    if hasattr(cls, "process_view"):
        VIEW_HOOKS[name] = []

        def process_view(self, *args):
            start = time.process_time()
            try:
                return cls.process_view(self, *args)
            finally:
                add(VIEW_HOOKS, start)

        Timed.process_view = process_view
    return Timed


def time_each_middleware():
    original = base.import_string

    def import_string(dotted):
        obj = original(dotted)
        return timed_class(obj, dotted.rsplit(".", 1)[-1]) if dotted in settings.MIDDLEWARE else obj

    base.import_string = import_string


def report_each_middleware():
    """Median own share of each middleware over the requests timed since the last reset."""
    total = 0.0
    for name in OUTER:
        outer, inner = OUTER[name], INNER[name]
        own = [o - i for o, i in zip(outer, inner, strict=False)]
        hook = VIEW_HOOKS.get(name, [])
        mine = statistics.mean(own) * 1000 + (statistics.mean(hook) * 1000 if hook else 0)
        total += mine
        extra = f" (process_view {statistics.mean(hook) * 1000:.3f})" if hook else ""
        print(f"    {name:<36}{mine:>8.3f} ms{extra}")
        outer.clear(), inner.clear(), hook.clear()
    print(f"    {'all middleware':<36}{total:>8.3f} ms (means)")


def main():
    call_command("migrate", verbosity=0)
    if os.environ.get("EACH"):
        time_each_middleware()
    # One connection kept across requests (the test client does so too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    editor = person("mw-editor", "editor")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get("/trivial/", secure=True)
    client.get("/", secure=True)  # the dashboard, for a CSRF cookie
    token = client.cookies["csrftoken"].value
    htmx = {"HX-Request": "true"}
    for table in (OUTER, INNER, VIEW_HOOKS):
        for times in table.values():
            times.clear()  # the warm-up's requests
    post_headers = {**htmx, "X-CSRFToken": token, "Referer": "https://testserver/"}

    def get():
        return client.get("/trivial/", headers=htmx, secure=True)

    def post():
        return client.post(
            "/trivial/",
            "x=1",
            "application/x-www-form-urlencoded",
            headers=post_headers,
            secure=True,
        )

    for name, request in (("GET", get), ("POST", post)):
        medians = []
        for _ in range(ROUNDS):
            cpu = []
            for _ in range(REQUESTS):
                start = time.process_time()
                response = request()
                cpu.append(time.process_time() - start)
                assert response.status_code == 200, (name, response.status_code)
            medians.append(statistics.median(cpu) * 1000)
        print(f"{name} trivial view: median ms per round " + ", ".join(f"{m:.3f}" for m in medians))
        if os.environ.get("EACH"):
            report_each_middleware()
    if os.environ.get("PROFILE"):
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(REQUESTS):
            post()
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(70)


if __name__ == "__main__":
    main()
