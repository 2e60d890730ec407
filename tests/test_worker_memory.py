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
    return [o for o in gc.get_objects() if isinstance(o, docx.package.Package)]


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
