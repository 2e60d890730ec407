"""The memory's trigram index on the Korean of approved rows only (reviews/memory.py).

Only approved rows are ever looked up (memory.approved_rows filters on status = 'approved'),
and at scale L they are under half of all rows: the partial index is half the size, the GIN
scan reads half the posting lists, and the planner no longer ANDs it with the status index.
The predicate names status alone, a column already indexed (row_document_status), so saving
an edit's text stays a HOT update. PostgreSQL only, as in migration 0003.
"""

from django.db import migrations

MEMORY_INDEX = "paragraph_source_trgm"
FULL = f"CREATE INDEX {MEMORY_INDEX} ON reviews_paragraph USING gin (source gin_trgm_ops)"


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0012_queue_counts_indexes")]

    operations = [
        migrations.RunPython(
            on_postgresql(
                f"DROP INDEX IF EXISTS {MEMORY_INDEX}",
                f"{FULL} WHERE status = 'approved'",
            ),
            on_postgresql(f"DROP INDEX IF EXISTS {MEMORY_INDEX}", FULL),
        ),
    ]
