"""The state-version triggers (0016) find their documents by index, whatever write came first.

PL/pgSQL plans a trigger's statement once per connection and keeps the plan, and a statement
over a transition table is planned for the number of rows that table held then. 0016's form,
`WHERE id IN (SELECT document_id FROM new_rows)`, planned first for a bulk write (a pairing
confirmed, 400 revisions at once) became a hash join that reads every document and every
paragraph of each, and the connection kept it: each later one-row save then scanned the whole
document table (3 ms of database CPU per revision at 14 documents, measured with auto_explain;
far more at 20,000). `id = ANY (ARRAY(...))` is an index look-up for one row and for thousands,
so no first write can leave a connection a bad plan. What the triggers raise is unchanged.
PostgreSQL only: SQLite's row triggers have no transition tables.
"""

import importlib

from django.db import migrations

state_version = importlib.import_module("reviews.migrations.0016_document_state_version")

DOCUMENTS_OF = {
    "reviews_paragraph": "SELECT document_id FROM {rows}",
    "reviews_revision": (
        "SELECT document_id FROM reviews_paragraph"
        " WHERE id = ANY (ARRAY(SELECT paragraph_id FROM {rows}))"
    ),
    "reviews_comment": "SELECT document_id FROM {rows}",
    "reviews_event": "SELECT document_id FROM {rows}",
}


def functions(documents_of, where):
    """CREATE OR REPLACE of each table's bump function; `where(documents)` is the condition
    on the documents a subquery gives."""
    statements = []
    for table, documents in documents_of.items():
        new, old = documents.format(rows="new_rows"), documents.format(rows="old_rows")
        statements.append(f"""
            CREATE OR REPLACE FUNCTION {table}_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {state_version.BUMP} WHERE {where(new)};
                ELSIF TG_OP = 'DELETE' THEN
                    {state_version.BUMP} WHERE {where(old)};
                ELSE
                    {state_version.BUMP} WHERE {where(f"{new} UNION {old}")};
                END IF;
                RETURN NULL;
            END $$;""")
    return statements


def by_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in functions(
            DOCUMENTS_OF, lambda documents: f"id = ANY (ARRAY({documents}))"
        ):
            schema_editor.execute(statement)


def as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in functions(
            state_version.DOCUMENTS_OF, lambda documents: f"id IN ({documents})"
        ):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0023_session")]

    operations = [migrations.RunPython(by_index, as_before)]
