"""export_archive and import_archive on a seeded desk: time, peak Python memory, file size.

Seeds bench/seed.py's desk at a scale (S by default) in a scratch SQLite database (or
DATABASE_URL, which it empties: give it a scratch database), exports it, empties the database,
imports the file and exports again, checking the two files are the same.

    .venv/bin/python bench/archive.py [S|L]
"""

import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

os.environ.setdefault("DEBUG", "false")  # as in production: no query log
os.environ.setdefault("SECRET_KEY", "bench-archive-scratch-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.seed import seed  # noqa: E402
from reviews.archive import export_archive, import_archive  # noqa: E402


def measured(function, *args):
    """(result, seconds), timed without tracemalloc, which slows allocation."""
    started = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - started
    return result, seconds


def peak_mib(function, *args):
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def empty():
    call_command("flush", interactive=False, verbosity=0)


def main(scale):
    call_command("migrate", verbosity=0)
    empty()
    seed(scale, progress=lambda *_: None)
    folder = Path(tempfile.mkdtemp())
    first, second = folder / "first.json", folder / "second.json"
    with first.open("wb") as out:
        _, export_seconds = measured(export_archive, out, True)
    with second.open("wb") as out:
        export_peak = peak_mib(export_archive, out, True)
    data = first.read_bytes()
    rows = sum(json.loads(data)["manifest"]["counts"].values())
    del data
    empty()
    with first.open("rb") as stream:
        _, import_seconds = measured(import_archive, stream)
    empty()
    with first.open("rb") as stream:
        import_peak = peak_mib(import_archive, stream)
    with second.open("wb") as out:
        export_archive(out, True)
    identical = first.read_bytes() == second.read_bytes()
    size = first.stat().st_size
    print(f"database       {connection.vendor}, scale {scale}")
    print(f"archive        {size / 1024 / 1024:.1f} MiB, {rows} rows")
    print(f"export         {export_seconds:.1f} s, peak {export_peak:.0f} MiB")
    print(f"import         {import_seconds:.1f} s, peak {import_peak:.0f} MiB")
    print(f"round trip     {'identical' if identical else 'DIFFERENT'}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "S")
