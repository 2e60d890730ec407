"""The translation memory's stop keys (MemoryStopKey): band keys shared by at least CAP owners
of one source, which the look-up leaves out of its counting (reviews/memory_index.py), filled
from the key tables already there."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from reviews import memory_index

    memory_index.rebuild_stop_keys(apps)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0021_paragraph_stripped_lengths")]

    operations = [
        migrations.CreateModel(
            name="MemoryStopKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "source",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                (
                    "source",
                    models.CharField(
                        choices=[("row", "Row"), ("unit", "Unit")], max_length=4
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
