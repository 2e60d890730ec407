"""The fixed cost of the pages people click all day: queries and in-process CPU per request.

Builds one 40-row document in review (2 rows in 10 with an open proposal, 1 in 10 with a
comment), then drives, through Django's test client as the document's editor: the document
page, a row fragment (htmx), saving an edit (htmx), accepting a proposal (htmx), adding a
comment (htmx) and adding comments to 8 rows in turn (htmx, as the load benchmark). Prints the
queries of one request and the mean and median `time.process_time()` of REQUESTS requests each;
on a PostgreSQL server on this machine also its backend's mean CPU per request, read from
/proc/<backend>/schedstat (nanoseconds on the CPU) around each request.

    DEBUG=false SECRET_KEY=scratch-key DATABASE_URL=postgres://postgres@127.0.0.1:5432/wb_scratch \
        .venv/bin/python bench/fixed_cost.py

SHOW_QUERIES=1 prints each endpoint's queries; FIXED_REQUESTS=200 times 200 requests each
(60 by default); FIXED_ROWS=400 builds a 400-row document (the load benchmark's size for
saves and comments) instead of 40. Run `manage.py collectstatic` first (DEBUG off serves
the manifest's names).
"""

import os
import statistics
import time

from _setup import person  # Django set up on import, before anything of Django's
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from reviews import editing, workflow
from reviews.comments import add_comment
from reviews.importing import create_document
from reviews.models import Paragraph, Revision

ROWS = int(os.environ.get("FIXED_ROWS", "40"))
REQUESTS = int(os.environ.get("FIXED_REQUESTS", "60"))
HTMX = {"HX-Request": "true"}


def build(translator, editor, manager):
    source = [f"{i}번째 문단: 시는 올해 예산 {i}억원을 배정했다고 밝혔다." for i in range(ROWS)]
    target = [f"Paragraph {i}: the city said it set aside {i}00 million won." for i in range(ROWS)]
    document = create_document(
        title="Fixed cost",
        source_paragraphs=source,
        target_paragraphs=target,
        created_by=translator,
        translator=translator,
        editor=editor,
    )
    workflow.take_transition(manager, "confirm_pairing", document)
    document = workflow.take_transition(manager, "submit_for_review", document)
    for i, row in enumerate(document.paragraphs.order_by("position")):
        if i % 10 in (0, 5):
            editing.save_edit(translator, row.pk, row.text.replace("set aside", "allocated"), 1)
        if i % 10 == 3:
            add_comment(editor, document, "Check the figure.", paragraph=row, category="accuracy")
    return document


def backend_cpu_reader():
    """A function giving the CPU seconds this connection's backend has used, or None when the
    database is not a PostgreSQL server on this machine."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    path = f"/proc/{pid}/schedstat"
    if not os.path.exists(path):
        return lambda: None

    def read():
        with open(path) as stat:
            return int(stat.read().split()[0]) / 1e9

    return read


def measure(name, request, prepare=lambda i: None, count=REQUESTS):
    """`request(i, prepared)` makes the i-th request after an untimed `prepare(i)`; the first
    is counted for queries, the next `count` timed."""
    prepared = prepare(0)
    queries = []

    def record(execute, sql, params, many, context):
        queries.append({"sql": sql})
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = request(0, prepared)
    assert response.status_code == 200, (name, response.status_code)
    cpu, database_cpu = [], 0.0
    backend = backend_cpu_reader()
    for i in range(1, count + 1):
        prepared = prepare(i)
        before = backend()
        start = time.process_time()
        response = request(i, prepared)
        cpu.append(time.process_time() - start)
        if before is not None:
            database_cpu += backend() - before
        assert response.status_code == 200, (name, response.status_code)
        assert b"overlaps" not in response.content, name
    if os.environ.get("SHOW_QUERIES"):
        for query in queries:
            print("   ", query["sql"][:160])
    mean, median = statistics.mean(cpu) * 1000, statistics.median(cpu) * 1000
    database = f"{database_cpu / count * 1000:>12.2f}" if backend() is not None else f"{'':>12}"
    print(f"{name:<24}{len(queries):>9}{mean:>12.2f}{median:>12.2f}{database}{count:>10}")


def main():
    call_command("migrate", verbosity=0)
    # One connection kept across requests, as Django's own test cases do: otherwise each
    # request hands its pooled connection back and the query log loses what it ran.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    translator = person("fixed-translator", "translator")
    editor = person("fixed-editor", "editor")
    manager = person("fixed-manager", "manager")
    document = build(translator, editor, manager)
    rows = list(document.paragraphs.order_by("position"))
    client = Client()
    client.force_login(editor)
    page = document.get_absolute_url()
    client.get(page, secure=True)  # the first view of the day records the reader; later ones do not
    print(f"database: {connection.vendor}; {ROWS} rows; CPU is time.process_time() per request")
    headings = f"{'endpoint':<24}{'queries':>9}{'cpu ms':>12}{'median ms':>12}{'db cpu ms':>12}"
    print(f"{headings}{'requests':>10}")
    measure(f"document page {ROWS} rows", lambda i, _: client.get(page, secure=True))

    # A row fragment (htmx GET), as after Escape in the row editor: rows taken in turn.
    def row_fragment(i, _):
        url = reverse("row", args=[document.pk, rows[i % ROWS].pk])
        return client.get(url, headers=HTMX, secure=True)

    measure("row fragment", row_fragment)

    # Saving an edit as the editor on rows without a proposal: each save proposes, so the row
    # then has one; rows are taken in turn with their current version.
    plain = [row for i, row in enumerate(rows) if i % 10 not in (0, 5)]

    def current(i):
        return Paragraph.objects.get(pk=plain[i % len(plain)].pk)

    def save(i, row):
        url = reverse("edit", args=[document.pk, row.pk])
        data = {"text": f"{row.text} Edit {i}.", "version": row.version}
        return client.post(url, data, headers=HTMX, secure=True)

    measure("save edit", save, current)

    # Saving and accepting in one step, as the load benchmark's "save edit" does: the row's
    # text changes, so its checks and the document's run.
    def save_and_accept(i, row):
        url = reverse("edit", args=[document.pk, row.pk])
        data = {"text": f"{row.text} Accepted {i}.", "version": row.version, "accept": "1"}
        return client.post(url, data, headers=HTMX, secure=True)

    measure("save and accept", save_and_accept, current)

    # Accepting: before each request (untimed) the translator proposes on the row in turn.
    accepted = []

    def propose(i):
        row = current(i)
        accepted.append(
            editing.save_edit(translator, row.pk, f"{row.text} Proposed {i}.", row.version).pk
        )
        return accepted[-1]

    def accept(i, revision_pk):
        url = reverse("decide", args=[document.pk, revision_pk, "accept"])
        return client.post(url, headers=HTMX, secure=True)

    measure("accept proposal", accept, propose)
    assert not Revision.objects.filter(pk__in=accepted, state=Revision.State.PROPOSED).exists()

    def comment(i, _):
        row = rows[i % ROWS]
        url = reverse("paragraph_comments", args=[document.pk, row.pk])
        headers = {**HTMX, "HX-Current-URL": f"https://testserver{page}"}
        return client.post(url, {"body": f"Comment {i}."}, headers=headers, secure=True)

    measure("add comment", comment)

    # As the load benchmark posts (bench/wrk/comment.lua): graded, without HX-Current-URL,
    # to rows that come round again, so each panel holds more threads as the run goes on
    # (here 8 rows: up to 8 new threads each).
    def busy_comment(i, _):
        row = rows[i % 8]
        url = reverse("paragraph_comments", args=[document.pk, row.pk])
        data = {"body": f"Busy {i}.", "category": "accuracy", "severity": "minor"}
        return client.post(url, data, headers=HTMX, secure=True)

    measure("add comment, 8 rows", busy_comment)


if __name__ == "__main__":
    main()
