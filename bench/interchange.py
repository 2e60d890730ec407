"""Interchange at news-article and at cap size: XLIFF, TMX and review-file exports, XLIFF and
TMX imports, and the read API, timed (median of RUNS) with their query counts and peak memory.

Builds documents of 50 and 2,000 rows (the upload cap) in a scratch SQLite database (or
DATABASE_URL), every row approved and every tenth row with a comment.

    .venv/bin/python bench/interchange.py
"""

import statistics
import time
import tracemalloc

from _setup import person  # Django set up on import, before anything of Django's
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import workflow
from reviews.api.tokens import create_token
from reviews.exporting import export_document
from reviews.formats import read_tmx, read_xliff
from reviews.importing import create_document, create_document_from_units, import_memory
from reviews.models import Comment, Paragraph

RUNS = 5


def build(rows, translator, editor):
    source = [f"{i}번째 문단: 시는 올해 예산 {i}억원을 배정했다고 밝혔다." for i in range(rows)]
    target = [f"Paragraph {i}: the city said it set aside {i}00 million won." for i in range(rows)]
    document = create_document(
        title=f"Bench {rows}",
        source_paragraphs=source,
        target_paragraphs=target,
        created_by=translator,
        translator=translator,
        editor=editor,
    )
    workflow.take_transition(editor, "confirm_pairing", document)
    document.paragraphs.update(status=Paragraph.Status.APPROVED)
    Comment.objects.bulk_create(
        Comment(document=document, paragraph=row, author=editor, body="Check.", category="style")
        for row in document.paragraphs.all()[::10]
    )
    return document


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    return response


def measure(label, action):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = action()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{label:<34} {statistics.median(times) * 1000:9.1f} ms {len(queries):5d} queries "
        f"{peak / 1024 / 1024:7.1f} MB peak"
    )
    return result


def main():
    # As Django's TestCase does: keep one connection across requests, so queries are counted.
    signals.request_started.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)
    signals.request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    translator = person("bench-translator", "translator")
    editor = person("bench-editor", "editor")
    token, _ = create_token(editor)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for rows in (50, 2000):
        document = build(rows, translator, editor)
        print(f"\n{rows} rows")
        files = {}
        for fmt in ("xliff", "xliff12", "tmx", "bilingual-docx", "bilingual-html"):
            files[fmt] = measure(
                f"export {fmt}", lambda f=fmt, d=document: export_document(d, f)[0]
            )
        for fmt in ("xliff", "xliff12"):
            print(f"  {fmt} file: {len(files[fmt]) / 1024:.0f} KiB")
            measure(f"read {fmt}", lambda data=files[fmt]: read_xliff(data, "bench.xlf"))
            parsed = read_xliff(files[fmt], "bench.xlf")
            measure(
                f"import {fmt} (new document)",
                lambda p=parsed: create_document_from_units(
                    p, title="Imported", created_by=translator, translator=translator
                ),
            )
        pairs = measure("read tmx", lambda data=files["tmx"]: read_tmx(data, "bench.tmx"))
        measure(
            "import tmx into the memory",
            lambda p=pairs: import_memory(p, origin="bench.tmx"),
        )
        measure(
            "GET /api/documents/<id>/", lambda d=document: get(client, f"/api/documents/{d.pk}/")
        )
    measure(
        "GET /api/documents/?page_size=100", lambda: get(client, "/api/documents/?page_size=100")
    )


if __name__ == "__main__":
    main()
