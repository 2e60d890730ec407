"""Files from ../shared (schemas, data), read at test time and never copied into the repository.

With REQUIRE_SHARED=1 (as in CI) a missing folder fails the test instead of skipping it."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The project's checkout sits beside shared/; a helper's worktree sits one level deeper.
CANDIDATES = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]


def shared_path(*parts: str) -> Path:
    bases = [Path(os.environ["WORKBENCH_SHARED"])] if os.environ.get("WORKBENCH_SHARED") else []
    for base in bases + CANDIDATES:
        path = base.joinpath(*parts)
        if path.exists():
            return path
    message = f"{'/'.join(parts)} is missing from ../shared (looked in {bases + CANDIDATES})"
    if os.environ.get("REQUIRE_SHARED") == "1":
        pytest.fail(message)
    pytest.skip(message)
