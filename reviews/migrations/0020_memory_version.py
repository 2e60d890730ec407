"""The translation memory's version (MemoryVersion, one row), raised by the database itself.

A look-up's result is cached under it (reviews/memory.py), so no code path may forget to raise
it. Triggers raise it on every write to the key tables that changes a row of them: a row
approved (its keys written) or taken out (deleted), units imported or deleted, a document or
row deleted (the keys cascade), a rebuild. A DELETE that finds no key (a save on a row that was
not approved) leaves it alone, so the desk's saves do not queue on its one row. A document's
title (what a suggestion from it is named by) or assignments (who sees it) changing raise it
too. Who is a manager is part of the cache key itself (memory.suggestions reads it anyway).

A new version is the greater of the old one plus one and the database's clock in microseconds
since 1970, as Document.state_version is (migration 0016): a cache that outlives a database
restored or reset cannot take a new version for one it stored before.

PostgreSQL: statement-level triggers with transition tables (a bulk write raises it once);
SQLite: row triggers.
"""

from django.db import migrations, models

KEY_TABLES = ("reviews_memoryrowkey", "reviews_memoryunitkey")
PG_CLOCK = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
SQLITE_CLOCK = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"
PG_BUMP = f"UPDATE reviews_memoryversion SET version = greatest(version + 1, {PG_CLOCK})"
SQLITE_BUMP = f"UPDATE reviews_memoryversion SET version = max(version + 1, {SQLITE_CLOCK})"
DOCUMENT_CHANGED = " OR ".join(
    f"OLD.{column} {{distinct}} NEW.{column}" for column in ("title", "translator_id", "editor_id")
)


def postgresql():
    # One function per transition table: plpgsql plans each statement whole, so a function
    # naming a table its trigger lacks fails even in a branch that is not taken.
    statements = [
        f"""
        CREATE FUNCTION reviews_memory_version_bump_{rows}() RETURNS trigger LANGUAGE plpgsql
        AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {rows}) THEN
                {PG_BUMP};
            END IF;
            RETURN NULL;
        END $$;"""
        for rows in ("new_rows", "old_rows")
    ]
    statements.append(f"""
        CREATE FUNCTION reviews_memory_version_bump_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {PG_BUMP};
            RETURN NULL;
        END $$;""")
    for table in KEY_TABLES:
        for operation, referencing, rows in (
            ("INSERT", "NEW TABLE AS new_rows", "new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows", "new_rows"),
            ("DELETE", "OLD TABLE AS old_rows", "old_rows"),
        ):
            statements.append(
                f"CREATE TRIGGER {table}_version_{operation.lower()} AFTER {operation} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION reviews_memory_version_bump_{rows}();"
            )
        statements.append(
            f"CREATE TRIGGER {table}_version_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reviews_memory_version_bump_row();"
        )
    statements.append(
        "CREATE TRIGGER reviews_document_memory_version AFTER UPDATE ON reviews_document "
        f"FOR EACH ROW WHEN ({DOCUMENT_CHANGED.format(distinct='IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION reviews_memory_version_bump_row();"
    )
    return statements


def postgresql_reverse():
    statements = [
        f"DROP TRIGGER {table}_version_{operation} ON {table};"
        for table in KEY_TABLES
        for operation in ("insert", "update", "delete", "truncate")
    ]
    return [
        *statements,
        "DROP TRIGGER reviews_document_memory_version ON reviews_document;",
        "DROP FUNCTION reviews_memory_version_bump_new_rows();",
        "DROP FUNCTION reviews_memory_version_bump_old_rows();",
        "DROP FUNCTION reviews_memory_version_bump_row();",
    ]


def sqlite():
    statements = [
        f"CREATE TRIGGER {table}_version_{operation.lower()} AFTER {operation} ON {table} "
        f"FOR EACH ROW BEGIN {SQLITE_BUMP}; END;"
        for table in KEY_TABLES
        for operation in ("INSERT", "UPDATE", "DELETE")
    ]
    statements.append(
        "CREATE TRIGGER reviews_document_memory_version AFTER UPDATE ON reviews_document "
        f"FOR EACH ROW WHEN {DOCUMENT_CHANGED.format(distinct='IS NOT')} "
        f"BEGIN {SQLITE_BUMP}; END;"
    )
    return statements


def sqlite_reverse():
    names = [
        f"{table}_version_{operation}"
        for table in KEY_TABLES
        for operation in ("insert", "update", "delete")
    ]
    return [f"DROP TRIGGER {name};" for name in [*names, "reviews_document_memory_version"]]


BY_VENDOR = {"postgresql": (postgresql, postgresql_reverse), "sqlite": (sqlite, sqlite_reverse)}
CLOCK = {"postgresql": PG_CLOCK, "sqlite": SQLITE_CLOCK}


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        f"INSERT INTO reviews_memoryversion (id, version) VALUES (1, {CLOCK[vendor]})"
    )
    for statement in BY_VENDOR[vendor][0]():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in BY_VENDOR[schema_editor.connection.vendor][1]():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0019_memory_band_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemoryVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
