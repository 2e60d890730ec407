"""Paragraph.source_length and text_length: len(source.strip()) and len(text.strip()), computed
by the database from the row's own columns on every write (reviews/rechecking.py sums them; it
trimmed every row's texts on each accepted change).

The columns are added with plain ALTER TABLE, not AddField: on SQLite, AddField of a stored
generated column rebuilds the table (create, copy, drop, rename), and the rename fails on the
revision triggers of 0016, which name reviews_paragraph. SQLite can add a generated column in
place only as VIRTUAL (computed when read, as the old query did); PostgreSQL stores it. The
models' state is the same GeneratedField on both.
"""

from django.db import migrations, models
from django.db.models.functions import Length

# reviews.models.WHITESPACE as it was when this was written (a migration keeps its own copy).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

COLUMNS = (("source_length", "source"), ("text_length", "text"))


def stripped_length(column):
    return models.GeneratedField(
        expression=Length(models.Func(models.F(column), models.Value(WHITESPACE), function="TRIM")),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
    )


def add_columns(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    chars = schema_editor.quote_value(WHITESPACE)
    additions = [
        f"ADD COLUMN {column} integer GENERATED ALWAYS AS (LENGTH(TRIM({source}, {chars})))"
        f" {'STORED' if postgresql else 'VIRTUAL'}"
        for column, source in COLUMNS
    ]
    if postgresql:
        # One statement, so the table (400,000 rows at the bench's scale L) is rewritten once
        # under its lock, not once per column.
        schema_editor.execute(f"ALTER TABLE reviews_paragraph {', '.join(additions)}")
    else:
        for addition in additions:  # SQLite adds one column per statement
            schema_editor.execute(f"ALTER TABLE reviews_paragraph {addition}")


def drop_columns(apps, schema_editor):
    for column, _ in COLUMNS:
        schema_editor.execute(f"ALTER TABLE reviews_paragraph DROP COLUMN {column}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0020_memory_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="paragraph", name=column, field=stripped_length(source)
                )
                for column, source in COLUMNS
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
    ]
