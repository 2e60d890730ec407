"""The upload of a 40-paragraph pair and the first view of a freshly confirmed long document:
queries and in-process CPU per request, production settings.

Through Django's test client as the translator (secure=True, DEBUG off):
1. "upload and align 40": the POST of /documents/new/ with a pair as bench/run.py makes them
   (bench.run.upload_pair, a new seed each time), answered with a redirect to the new
   document;
2. "pairing page 40": the page that redirect lands on (the document in aligning);
3. "confirm pairing N" and "first view N": the confirm POST on a fresh N-row document in
   aligning, then its page once, as the person who confirmed is redirected there.

Prints the queries of one request and the median `time.process_time()` of the repeats;
PROFILE=1 prints the cProfile of one request of each (this project's functions by cumulative
time, then the top 25 by own time).

    DEBUG=false SECRET_KEY=scratch-key DATABASE_URL=postgres://postgres@127.0.0.1:5432/wb_scratch \
        .venv/bin/python bench/upload_cpu.py

UPLOAD_REPEATS (default 30), LONG_ROWS (1500), LONG_REPEATS (3). Run `manage.py collectstatic`
first (DEBUG off serves the manifest's names).
"""

import cProfile
import io
import itertools
import os
import pstats
import statistics
import time

from _setup import person  # Django set up on import, before anything of Django's
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client

from bench.run import upload_pair
from bench.seed import BODIES, PLACES, TOPICS, paragraph_pair
from reviews.importing import create_document

UPLOAD_REPEATS = int(os.environ.get("UPLOAD_REPEATS", "30"))
LONG_ROWS = int(os.environ.get("LONG_ROWS", "1500"))
LONG_REPEATS = int(os.environ.get("LONG_REPEATS", "3"))
PROFILE = bool(os.environ.get("PROFILE"))


def counted(request):
    """(response, number of queries) of one request."""
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = request()
    if os.environ.get("SHOW_QUERIES"):
        for sql in queries:
            print("   ", sql[:160])
    return response, len(queries)


def timed(request):
    start = time.process_time()
    response = request()
    return response, time.process_time() - start


def profiled(name, request):
    profile = cProfile.Profile()
    profile.enable()
    response = request()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats("reviews/", 30)
    stats.sort_stats("tottime").print_stats(25)
    print(f"--- profile: {name}\n{out.getvalue()}")
    return response


def report(name, queries, cpu):
    print(
        f"{name:<24}{queries:>9}{statistics.median(cpu) * 1000:>12.1f}"
        f"{min(cpu) * 1000:>10.1f}{len(cpu):>6}"
    )


def profile_all(upload, pairing_page):
    if PROFILE:
        profiled("upload and align 40", upload)
        profiled("pairing page 40", pairing_page)


def long_document(translator, rows, number):
    import random

    rng = random.Random(number)
    pairs = [paragraph_pair(rng, PLACES[1], BODIES[1], TOPICS[1]) for _ in range(rows)]
    return create_document(
        title=f"Long pairing {number}",
        source_paragraphs=[k for k, _ in pairs],
        target_paragraphs=[e for _, e in pairs],
        created_by=translator,
        translator=translator,
    )


def main():
    call_command("migrate", verbosity=0)
    # One connection kept across requests, as Django's own test cases do: otherwise each
    # request hands its pooled connection back and the query log loses what it ran.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    translator = person("upload-translator", "translator")
    client = Client()
    client.force_login(translator)
    # A different article each time, as real uploads are: the same one again would find what
    # the per-process caches of pure functions (sentence splits, figures, name sounds) kept
    # from the one before, and measure less than a new upload costs.
    pairs = iter(upload_pair(seed_value=40 + number) for number in itertools.count())

    def upload():
        source, target = next(pairs)
        response = client.post(
            "/documents/new/",
            {
                "title": "Counted upload",
                "source_file": SimpleUploadedFile("ko.txt", source.encode()),
                "target_file": SimpleUploadedFile("en.txt", target.encode()),
            },
            secure=True,
        )
        assert response.status_code == 302, response.status_code
        return response

    upload()  # warm: the first request imports and compiles what later ones reuse
    print(f"database: {connection.vendor}; CPU is time.process_time() per request, ms")
    print(f"{'request':<24}{'queries':>9}{'median':>12}{'min':>10}{'n':>6}")
    response, queries = counted(upload)
    pages = [response["Location"]]
    cpu = []
    for _ in range(UPLOAD_REPEATS):
        response, seconds = timed(upload)
        cpu.append(seconds)
        pages.append(response["Location"])
    report("upload and align 40", queries, cpu)

    def page(url):
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code
        return response

    _, queries = counted(lambda: page(pages[0]))
    cpu = [timed(lambda url=url: page(url))[1] for url in pages[1:]]
    report("pairing page 40", queries, cpu)

    if not LONG_REPEATS:
        return profile_all(upload, lambda: page(pages[-1]))
    documents = [long_document(translator, LONG_ROWS, n) for n in range(LONG_REPEATS + 1)]

    def confirm(document):
        url = f"/documents/{document.pk}/transition/confirm_pairing/"
        version = {"pairing_version": document.pairing_version}
        response = client.post(url, version, secure=True)
        assert response.status_code == 302, response.status_code
        return response

    def confirmed(document):
        document.refresh_from_db()
        assert document.stage == "translating", "the confirmation was refused"

    post_cpu, view_cpu = [], []
    _, post_queries = counted(lambda: confirm(documents[0]))
    confirmed(documents[0])
    _, view_queries = counted(lambda: page(documents[0].get_absolute_url()))
    for document in documents[1:]:
        post_cpu.append(timed(lambda document=document: confirm(document))[1])
        confirmed(document)
        view_cpu.append(timed(lambda document=document: page(document.get_absolute_url()))[1])
    report(f"confirm pairing {LONG_ROWS}", post_queries, post_cpu)
    report(f"first view {LONG_ROWS}", view_queries, view_cpu)

    if PROFILE:
        profile_all(upload, lambda: page(pages[-1]))
        extra = long_document(translator, LONG_ROWS, 99)
        profiled(f"confirm pairing {LONG_ROWS}", lambda: confirm(extra))
        profiled(f"first view {LONG_ROWS}", lambda: page(extra.get_absolute_url()))


if __name__ == "__main__":
    main()
