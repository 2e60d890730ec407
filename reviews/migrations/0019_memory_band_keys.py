"""The translation memory's MinHash band keys (reviews/memory_index.py), filled from the
approved rows and imported units already there, in place of the trigram indexes of 0003/0013
(rows) and 0010 (units): the look-up no longer asks pg_trgm, and the GIN indexes cost every
write to a row's Korean and about as much disk as the band keys."""

import django.db.models.deletion
from django.db import migrations, models

ROW_INDEX = "paragraph_source_trgm"
UNIT_INDEX = "memoryunit_source_trgm"


def fill(apps, schema_editor):
    from reviews import memory_index

    memory_index.rebuild(apps)


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ROW_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {UNIT_INDEX}")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {ROW_INDEX} ON reviews_paragraph USING gin (source gin_trgm_ops) "
            "WHERE status = 'approved'"
        )
        schema_editor.execute(
            f"CREATE INDEX {UNIT_INDEX} ON reviews_memoryunit USING gin (source gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0018_queue_order_indexes")]

    operations = [
        migrations.CreateModel(
            name="MemoryRowKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "document_id",
                        "paragraph_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                ("document_id", models.BigIntegerField()),
                (
                    "paragraph",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reviews.paragraph",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="MemoryUnitKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "unit_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reviews.memoryunit",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(drop_trigram_indexes, create_trigram_indexes),
    ]
