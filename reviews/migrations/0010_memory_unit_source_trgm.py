from django.db import migrations

# The translation memory's trigram index on the Korean of imported units (reviews/memory.py),
# as 0003 made for rows: PostgreSQL only, so it lives here rather than in MemoryUnit.Meta (SQLite
# cannot build a GIN index, and rebuilds a table from the model's indexes when it alters it).
MEMORY_UNIT_INDEX = "memoryunit_source_trgm"


def create_memory_unit_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {MEMORY_UNIT_INDEX} ON reviews_memoryunit "
            "USING gin (source gin_trgm_ops)"
        )


def drop_memory_unit_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {MEMORY_UNIT_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_decision_undo_and_comment_notifications"),
    ]

    operations = [
        migrations.RunPython(create_memory_unit_index, drop_memory_unit_index),
    ]
