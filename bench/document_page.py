"""How long the pages people live in take to render, as documents grow.

Builds documents of 50, 200 and 500 rows, each row with two open proposals and a comment
thread, in a scratch SQLite database (or DATABASE_URL), then times the document page, a row
fragment and the desk's queue through Django's test client and counts their queries.

    .venv/bin/python bench/document_page.py
"""

import statistics
import time

from _setup import person  # Django set up on import, before anything of Django's
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import editing, workflow
from reviews.comments import add_comment
from reviews.importing import create_document

RUNS = 7


def build(rows, translator, editor, manager):
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
    workflow.take_transition(manager, "confirm_pairing", document)
    document = workflow.take_transition(manager, "submit_for_review", document)
    for row in document.paragraphs.all():
        editing.save_edit(translator, row.pk, row.text.replace("set aside", "allocated"), 1)
        editing.save_edit(editor, row.pk, row.text.replace("the city", "City Hall"), 1)
        add_comment(editor, document, "Check the figure.", paragraph=row, category="accuracy")
    return document


def timed(client, url, headers=None):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=headers or {})
    return statistics.median(times) * 1000, max(times) * 1000, len(queries), len(response.content)


def main():
    call_command("migrate", verbosity=0)
    translator = person("bench-translator", "translator")
    editor = person("bench-editor", "editor")
    manager = person("bench-manager", "manager")
    client = Client()
    client.force_login(editor)
    print(f"database: {connection.vendor}; median and max of {RUNS} requests")
    print(f"{'page':<28}{'rows':>6}{'median ms':>11}{'max ms':>9}{'queries':>9}{'KiB':>8}")
    for rows in (50, 200, 500):
        document = build(rows, translator, editor, manager)
        row = document.paragraphs.first()
        pages = [
            ("document page", f"/documents/{document.pk}/"),
            ("row fragment (htmx)", f"/documents/{document.pk}/rows/{row.pk}/"),
            ("desk queue (all)", "/?show=all"),
            ("changes view", f"/documents/{document.pk}/changes/"),
        ]
        for name, url in pages:
            headers = {"HX-Request": "true"} if "htmx" in name else None
            median, worst, queries, size = timed(client, url, headers)
            print(f"{name:<28}{rows:>6}{median:>11.1f}{worst:>9.1f}{queries:>9}{size / 1024:>8.0f}")


if __name__ == "__main__":
    main()
