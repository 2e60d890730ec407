"""The README's routines, run as written with real processes: a desk moves from a SQLite file to
a fresh PostgreSQL database with export_archive / import_archive and comes out identical; then
pg_dump (custom format) and pg_restore bring that PostgreSQL desk back, identical again.

Needs the PostgreSQL server of the test run: runs when the suite runs on PostgreSQL. Its scratch
databases are named after the test database, so people sharing the server never collide."""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from tests.servers import ROOT, database_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="moves a desk into PostgreSQL"),
]


def manage(database, *args):
    env = {**os.environ, "DATABASE_URL": database, "DATABASE_POOL": "false"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


@pytest.fixture
def scratch_databases():
    """Two empty PostgreSQL databases on the test server, dropped afterwards."""
    settings_dict = connection.settings_dict
    names = [f"{settings_dict['NAME']}_move", f"{settings_dict['NAME']}_restored"]
    admin_url = database_url({**settings_dict, "NAME": "postgres"})

    def drop_all():
        with psycopg.connect(admin_url, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop_all()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield [database_url({**settings_dict, "NAME": name}) for name in names]
    drop_all()


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_a_desk_moves_from_sqlite_to_postgresql_and_survives_pg_dump(tmp_path, scratch_databases):
    moved, restored = scratch_databases
    sqlite = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    manage(sqlite, "migrate", "-v", "0")
    manage(sqlite, "demo")
    manage(sqlite, "export_archive", "--with-passwords", "-o", str(tmp_path / "desk.json"))
    manage(moved, "migrate", "-v", "0")
    manage(moved, "import_archive", str(tmp_path / "desk.json"))
    manage(moved, "export_archive", "--with-passwords", "-o", str(tmp_path / "moved.json"))
    assert (tmp_path / "moved.json").read_bytes() == (tmp_path / "desk.json").read_bytes()
    assert b'"reviews.revision": [\n' in (tmp_path / "desk.json").read_bytes()

    dump = tmp_path / "workbench.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--dbname={moved}", f"--file={dump}"],
        check=True,
        timeout=120,
    )
    subprocess.run(["pg_restore", "--list", str(dump)], check=True, capture_output=True)
    subprocess.run(
        [
            "pg_restore",
            f"--dbname={restored}",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ],
        check=True,
        timeout=120,
    )
    manage(restored, "migrate", "-v", "0")
    manage(restored, "export_archive", "--with-passwords", "-o", str(tmp_path / "restored.json"))
    assert (tmp_path / "restored.json").read_bytes() == (tmp_path / "desk.json").read_bytes()

    # The append-only triggers came back with the rows.
    with psycopg.connect(restored) as desk, pytest.raises(psycopg.errors.RestrictViolation):
        desk.execute("DELETE FROM reviews_event")
