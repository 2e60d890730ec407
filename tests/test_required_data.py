"""Tests that read ../shared skip when it is missing, except in CI (REQUIRE_SHARED=1), where a
missing file fails: a check against shared data never passes by not running."""

import pytest

from tests import conftest
from tests.conftest import shared_file


@pytest.fixture
def no_shared(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "nowhere")


def test_a_missing_shared_file_fails_when_required(monkeypatch, no_shared):
    monkeypatch.setenv("REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_SHARED=1"):
        shared_file("schemas", "xliff_core_2.0.xsd")


def test_a_missing_shared_file_skips_otherwise(monkeypatch, no_shared):
    monkeypatch.delenv("REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception):
        shared_file("schemas", "xliff_core_2.0.xsd")


def test_ci_requires_the_shared_files():
    ci = (conftest.Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "REQUIRE_SHARED=1" in ci


def test_the_schema_and_f1_tests_go_through_the_check():
    """Both readers of ../shared ask shared_file rather than skipping on their own."""
    from tests import test_alignment, test_interchange_formats, test_interchange_import

    for module in (test_alignment, test_interchange_formats, test_interchange_import):
        source = conftest.Path(module.__file__).read_text()
        assert "shared_file(" in source and "pytest.skip(" not in source
