"""The quality checks over a 400-row document: the plain functions, an upload that stores the
findings, one accepted edit (its row checked again plus the document-wide consistency), and
the document page, which must not get slower for carrying findings.

Rows are this repository's fixture pairs (tests/data/checks.jsonl), repeated to 400, in a
scratch SQLite database (or DATABASE_URL).

    .venv/bin/python bench/checks.py
"""

import json
import statistics
import time
import tracemalloc

from _setup import ROOT, person  # Django set up on import, before anything of Django's
from django.core.management import call_command
from django.test import Client

from reviews import editing, workflow
from reviews.checks import check_document
from reviews.importing import create_document

ROWS = 400
RUNS = 5


def median_ms(action, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    pairs = [
        json.loads(line)
        for line in (ROOT / "tests/data/checks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    pairs = [p for p in pairs if p["source"].strip() and p["target"].strip()]
    rows = [(pairs[i % len(pairs)]["source"], pairs[i % len(pairs)]["target"]) for i in range(ROWS)]
    glossary = [entry for p in pairs for entry in p["glossary"]]

    tracemalloc.start()
    per_row, document_wide = check_document(rows, glossary=glossary)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    pure = median_ms(lambda: check_document(rows, glossary=glossary))
    findings = sum(len(f) for f in per_row) + len(document_wide)
    print(
        f"check_document, {ROWS} rows, {len(glossary)} glossary terms: {pure:.0f} ms median, "
        f"{pure / ROWS * 1000:.0f} µs a row, peak {peak:.1f} MB, {findings} findings"
    )

    call_command("migrate", verbosity=0)
    translator, editor = person("bench-t", "translator"), person("bench-e", "editor")
    manager = person("bench-m", "manager")

    def upload():
        return create_document(
            title="Bench",
            source_paragraphs=[s for s, _ in rows],
            target_paragraphs=[t for _, t in rows],
            created_by=translator,
            translator=translator,
            editor=editor,
        )

    started = time.perf_counter()
    document = upload()
    print(
        f"upload of {ROWS} rows with checks stored: {(time.perf_counter() - started) * 1000:.0f} ms"
        " (alignment included)"
    )
    workflow.take_transition(manager, "confirm_pairing", document)
    workflow.take_transition(manager, "submit_for_review", document)
    paragraph = document.paragraphs.order_by("position")[10]

    def accepted_edit():
        current = document.paragraphs.get(pk=paragraph.pk)
        text = (
            current.text + " Officials said."
            if not current.text.endswith("said.")
            else (current.text.removesuffix(" Officials said."))
        )
        editing.save_edit(editor, paragraph.pk, text, current.version, accept=True)

    print(
        f"one accepted edit in a {ROWS}-row document (row and consistency checked again): "
        f"{median_ms(accepted_edit):.0f} ms median"
    )

    client = Client()
    client.force_login(editor)
    url = document.get_absolute_url()
    client.get(url)
    page = median_ms(lambda: client.get(url))
    print(f"document page, {ROWS} rows with their findings: {page:.0f} ms median")
    findings_url = f"{url}findings/"
    print(f"findings page: {median_ms(lambda: client.get(findings_url)):.0f} ms median")
    document.paragraphs.update(findings=[])
    bare = median_ms(lambda: client.get(url))
    print(f"document page, {ROWS} rows, findings cleared (for comparison): {bare:.0f} ms median")


if __name__ == "__main__":
    main()
