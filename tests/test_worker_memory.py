"""What keeps a worker's memory down (bench/worker_memory.py measures it): .docx documents freed
when the call that made them returns, the startup objects frozen, caches bounded."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import docx.package
import pytest

from reviews.formats.docx import read_docx, write_docx
from reviews.formats.review_files import ReviewRow, write_review_docx

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def collector_off():
    """The automatic collector off, so that only the code under test can free a cycle."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def docx_packages():
    # type(), not isinstance(): isinstance asks a lazy object left by an earlier test (such as
    # a request's user) for its __class__, which loads it from the database.
    return [o for o in gc.get_objects() if type(o) is docx.package.Package]


def test_writing_a_docx_leaves_no_document_behind(collector_off):
    data = write_docx("Title", ["One paragraph.", "Another."], "Translated by Kim")
    assert data.startswith(b"PK")
    assert docx_packages() == []


def test_reading_a_docx_leaves_no_document_behind(collector_off):
    data = write_docx("Title", ["One paragraph.", "Another."], "")
    assert read_docx(data, "story.docx") == ["Title", "One paragraph.", "Another."]
    assert docx_packages() == []


def test_writing_a_review_docx_leaves_no_document_behind(collector_off):
    rows = [ReviewRow(1, "한 문단.", "One paragraph.", "approved", ["Fine."])]
    assert write_review_docx("Title", rows, "Credit", "").startswith(b"PK")
    assert docx_packages() == []


def test_without_the_collection_a_document_would_outlive_its_call(collector_off):
    # The premise of the above: python-docx's package and parts form a cycle.
    write_docx.__wrapped__("Title", ["One paragraph."], "")
    assert len(docx_packages()) == 1
    gc.collect()
    assert docx_packages() == []


def test_the_wsgi_module_loads_the_urls_and_freezes_what_it_loaded():
    script = (
        "import gc, sys; import workbench.wsgi; "
        "print(gc.get_freeze_count() > 10_000, 'reviews.views.documents' in sys.modules)"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="workbench.settings")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_the_api_routes_are_django_ninjas_own():
    from reviews.api import urls
    from reviews.api.views import _walk, api

    patterns, _, namespace = api.urls
    ninja = {
        (str(pattern.pattern), pattern.name, getattr(pattern.callback, "csrf_exempt", False))
        for pattern in _walk(patterns)
    }
    assert ninja == set(urls.ROUTES)
    assert namespace == urls.app_name


def test_a_worker_loads_django_ninja_only_for_an_api_request():
    script = (
        "import sys; import workbench.wsgi; "
        "from django.test import Client; "
        "print('ninja' in sys.modules, end=' '); "
        "status = Client().get('/api/documents/', secure=True).status_code; "
        "print('ninja' in sys.modules, status)"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="workbench.settings", ALLOWED_HOSTS="testserver")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "401"]


# -- caches bounded by bytes ------------------------------------------------------------------


def bounded(max_bytes, location):
    from reviews.bounded_cache import BoundedLocMemCache

    cache = BoundedLocMemCache(location, {"OPTIONS": {"MAX_BYTES": max_bytes}})
    cache.clear()
    return cache


def test_the_bounded_cache_keeps_its_bytes_under_the_bound_dropping_the_oldest():
    cache = bounded(20_000, "test-bytes")
    for number in range(40):
        cache.set(f"row:{number}", "x" * 1000)
        assert cache.total_bytes <= 20_000
    kept = [number for number in range(40) if cache.get(f"row:{number}") is not None]
    # Each entry is ~1,250 bytes counted: the newest 15 or so fit, the oldest went first.
    assert 10 <= len(kept) < 20
    assert kept == list(range(40 - len(kept), 40))


def test_the_bounded_cache_drops_the_least_recently_used_not_the_oldest_set():
    cache = bounded(6_000, "test-lru")
    for number in range(4):
        cache.set(f"row:{number}", "x" * 1000)
    assert cache.get("row:0") is not None  # used: now the most recent
    cache.set("row:4", "x" * 1000)
    assert cache.get("row:0") is not None
    assert cache.get("row:1") is None


def test_the_bounded_cache_counts_replaced_and_deleted_entries_once():
    cache = bounded(100_000, "test-count")
    cache.set("row:a", "x" * 1000)
    once = cache.total_bytes
    cache.set("row:a", "x" * 1000)
    assert cache.total_bytes == once
    cache.delete("row:a")
    assert cache.total_bytes == 0
    cache.set_many({"row:b": "y" * 10, "row:c": "z" * 10})
    cache.clear()
    assert cache.total_bytes == 0 and cache.get("row:b") is None


def test_an_entry_bigger_than_the_whole_cache_is_not_kept():
    cache = bounded(5_000, "test-big")
    cache.set("row:small", "x" * 100)
    cache.set("row:big", "x" * 10_000)
    assert cache.get("row:big") is None
    assert cache.get("row:small") is not None


def test_the_row_cache_is_bounded_by_its_share_of_the_budget(settings):
    assert settings.CACHES["rows"]["OPTIONS"]["MAX_BYTES"] == settings.ROW_CACHE_BYTES
    assert settings.CACHES["pages"]["OPTIONS"]["MAX_BYTES"] == settings.PAGE_CACHE_BYTES
    assert (
        settings.ROW_CACHE_BYTES + settings.PAGE_CACHE_BYTES
        <= settings.WORKBENCH_PROCESS_CACHE_BYTES
    )
