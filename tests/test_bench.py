"""The load benchmark's own parts, so `make bench` cannot rot unnoticed: seeding, the
in-process query count of every endpoint (real requests that must succeed), the parsing of
wrk's result line and the report files. The load itself is `make bench`, not part of the suite;
no timing is asserted here."""

import json

import pytest

from bench import run
from bench.seed import word_ops
from reviews.models import Comment, Document, Paragraph, Revision, Stage

WRK_LINE = (
    'BENCH_RESULT {"requests": 1200, "duration_us": 10000000, "connect": 0, "read": 1, '
    '"write": 0, "status": 2, "timeout": 0, "misses": 3, "p50_us": 12500, '
    '"p95_us": 30100, "p99_us": 45000}'
)


@pytest.fixture
def seeded(db):
    return run_seed()


def run_seed():
    from bench.seed import seed

    return seed("XS", progress=lambda message: None)


def test_the_seed_makes_the_documents_the_harness_drives(seeded):
    page_40 = Document.objects.get(pk=seeded.page_40)
    assert page_40.stage == Stage.REVIEWING
    assert page_40.paragraphs.count() == 40
    assert Paragraph.objects.filter(document_id=seeded.page_400).count() == 400
    open_on_40 = Revision.objects.filter(paragraph__document=page_40, state=Revision.State.PROPOSED)
    # 2 rows in 10 with a proposal, 1 in 10 with a comment thread.
    assert open_on_40.values("paragraph").distinct().count() == 8
    threads = Comment.objects.filter(document=page_40, reply_to=None)
    assert threads.values("paragraph").distinct().count() == 4
    assert Comment.objects.filter(document=page_40, reply_to__isnull=False).exists()
    assert len(seeded.proposals) == 400
    assert all(
        Document.objects.get(pk=pk).stage == Stage.ALIGNING for pk in seeded.confirm_documents
    )
    assert seeded.counts["revisions"] == Revision.objects.count()


def test_seeded_history_is_consistent(seeded):
    """Every row's text is its latest accepted revision, and versions count 1..N."""
    rows = Paragraph.objects.exclude(document__stage=Stage.ALIGNING)
    for row in rows.prefetch_related("revisions")[:200]:
        accepted = sorted(
            (r for r in row.revisions.all() if r.state == Revision.State.ACCEPTED),
            key=lambda r: r.version,
        )
        assert [r.version for r in accepted] == list(range(1, row.version + 1))
        assert accepted[-1].text == row.text
        assert accepted[0].text == row.original_text
        for revision in row.revisions.all():
            kept_and_inserted = "".join(text for op, text in revision.diff if op >= 0)
            kept_and_deleted = "".join(text for op, text in revision.diff if op <= 0)
            assert kept_and_inserted == revision.text
            assert kept_and_deleted == revision.base_text


def test_seeded_text_is_korean_and_english(seeded):
    row = Paragraph.objects.filter(document_id=seeded.page_40).first()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in row.source)
    assert row.text.isascii() or "\u201c" in row.text
    assert 80 < len(row.text) < 1200


def test_seeded_findings_are_what_the_checks_store(seeded):
    """The rows and documents carry exactly what reviews.findings stores for their texts,
    and the document pages have findings to render."""
    from reviews.findings import refresh_document

    checked = Document.objects.filter(pk__in=[seeded.page_40, seeded.page_400])
    for document in Document.objects.all():
        seeded_rows = list(document.paragraphs.order_by("position").values_list("findings"))
        seeded_whole = document.findings
        refresh_document(document)
        assert list(document.paragraphs.order_by("position").values_list("findings")) == (
            seeded_rows
        ), document.title
        assert Document.objects.get(pk=document.pk).findings == seeded_whole, document.title
    assert all(
        Paragraph.objects.filter(document=document).exclude(findings=[]).exists()
        for document in checked
    )


def test_word_ops_rebuild_both_texts():
    old = ["The", "council", "said", "it", "would", "spend", "more"]
    new = ["The", "council", "stated", "it", "intends", "spend", "more"]
    ops = word_ops(old, new)
    assert "".join(t for op, t in ops if op >= 0) == " ".join(new)
    assert "".join(t for op, t in ops if op <= 0) == " ".join(old)


def test_every_endpoint_answers_and_is_counted(seeded):
    queries = run.count_queries(seeded, confirm_document=seeded.confirm_documents[-1])
    wanted = set(run.ENDPOINT_NAMES) - set(run.TODO_ENDPOINTS)
    assert set(queries) == wanted
    assert all(isinstance(count, int) and count > 0 for count in queries.values())


def test_the_bench_runs_gunicorn_as_the_readme_deploys_it():
    readme = (run.ROOT / "README.md").read_text()
    deployed = next(line for line in readme.splitlines() if "bin/gunicorn workbench.wsgi" in line)
    assert "--preload" in deployed.split()
    assert "--preload" in run.Server.command(8000)
    assert "--max-requests" not in deployed and "--max-requests" not in run.Server.command(8000)


def test_wrk_result_line_is_read_with_misses_as_errors():
    row = run.parse_wrk("Running 10s test\n" + WRK_LINE + "\n", clients=8)
    assert row == {
        "clients": 8,
        "requests": 1200,
        "rps": 120.0,
        "p50_ms": 12.5,
        "p95_ms": 30.1,
        "p99_ms": 45.0,
        "errors": 6,
        "error_kinds": {"status": 2, "socket": 1, "misses": 3},
    }
    with pytest.raises(RuntimeError):
        run.parse_wrk("wrk: unable to connect", clients=8)
    counted = WRK_LINE.replace("}", ', "kinds": {"plain save": 1190, "merged": 7}}')
    assert run.parse_wrk(counted, 8)["answers"] == {"plain save": 1190, "merged": 7}


def test_the_report_has_the_issues_shape(seeded, tmp_path):
    measured = run.parse_wrk(WRK_LINE, 8)
    load = [
        {"name": name, **measured}
        for name in run.ENDPOINT_NAMES
        if name not in run.TODO_ENDPOINTS and name != "confirm pairing 1500"
    ]
    load.append({"name": "confirm pairing 1500", **run.single_request_figures([0.5, 0.7], 0)})
    ceiling = [{"name": "healthz", **{**measured, "rps": 2400.0}}]
    results = run.assemble(
        scale="XS",
        load=load,
        ceiling=ceiling,
        queries=run.count_queries(seeded),
        worker_rss_mb=[80.5, 81.0],
        micro=run.micro_benchmarks(seeded, diffs=20, align_size=50),
        seeding={"seconds": seeded.seconds, "counts": seeded.counts, "method": "COPY"},
        seconds=10,
    )
    path = run.write_report(results, tmp_path / "results", tmp_path / "RESULTS.md")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.name.endswith("-XS.json")
    for key in ("scale", "commit", "cores", "endpoints", "ceiling", "worker_rss_mb"):
        assert key in data, key
    assert data["scale"] == "XS" and data["cores"] >= 1 and data["commit"]
    fields = {"name", "clients", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "queries"}
    fields.add("ratio_to_ceiling")
    for row in data["endpoints"] + data["ceiling"]:
        assert fields <= set(row), row
    names = [row["name"] for row in data["endpoints"]]
    assert set(names) == set(run.ENDPOINT_NAMES)
    page = next(r for r in data["endpoints"] if r["name"] == "document page 40 rows")
    assert page["ratio_to_ceiling"] == 0.05  # 120 / 2400
    assert page["queries"] > 0
    memory = next(r for r in data["endpoints"] if r["name"] == "translation memory")
    assert memory["rps"] == 120.0 and memory["queries"] > 0
    assert data["worker_rss_mb"] == [80.5, 81.0]
    micro = {item["name"]: item["ms"] for item in data["micro"]}
    assert micro["rendering the 400-row page's template"] > 0
    assert micro["quality checks over 400 rows"] > 0
    markdown = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "| document page 400 rows | 8 |" in markdown
    assert "Weblate" in markdown and data["commit"] in markdown


def test_the_memory_is_seeded_and_the_look_up_finds_it(seeded, client):
    from django.contrib.auth.models import User

    from reviews.memory import suggestions
    from reviews.models import MemoryUnit

    assert seeded.counts["memory units"] == MemoryUnit.objects.count() == 20
    editor = User.objects.get(username=seeded.people["editor"])
    document, row = seeded.memory_rows[0]
    source = Paragraph.objects.get(pk=row).source
    assert suggestions(editor, source, exclude_document=document)
    client.force_login(editor)
    answer = client.get(f"/documents/{document}/rows/{row}/memory/", headers={"HX-Request": "true"})
    assert answer.status_code == 200
