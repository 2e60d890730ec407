"""The document's state version (Document.state_version), raised by the database itself.

The document page's cache (reviews/page_cache.py) is keyed on it, so no code path may forget to
raise it: triggers raise it on every INSERT, UPDATE and DELETE of the document's paragraphs
(their texts, statuses, findings, pairing), revisions (proposals and decisions), comments
(threads, replies, resolving), events (undo offers, pairing undo, addressed threads) and of the
document row itself (stage, assignments, due date, credit, document findings). Whatever an
UPDATE writes into state_version is overridden: a model saved with a stale copy of the field
still raises it.

A new version is the greater of the old one plus one and the database's clock in microseconds
since 1970, and a new document starts at the clock. So versions never repeat, not even across
a database restored from an archive (which leaves the versions out) or reset: a cache that
outlives the database cannot take a restored document's version for one it stored before.

The page also shows people: names of authors and assignees, the assign form's lists (active
members of the translator and editor groups), who may be mentioned (active managers and
superusers). A change to any of those (a user's username, first or last name, active or
superuser flag, a user added or deleted, a group membership, a group renamed) raises the
version of every document: such changes are rare, and one UPDATE of the document table is
simpler than working out which documents show the person. Logging in (last_login) and a
password change do not.

PostgreSQL: statement-level triggers with transition tables, so a bulk write of a document's
400 paragraphs raises it once, not 400 times; the document row's own BEFORE INSERT OR UPDATE
trigger computes the version. SQLite has row triggers only; they compute the new version
themselves, and the document's AFTER UPDATE trigger raises it whenever an UPDATE left it no
higher than before.
"""

from django.conf import settings
from django.db import migrations, models

# Each table whose rows the page shows, and how to get from its rows to their documents.
DOCUMENTS_OF = {
    "reviews_paragraph": "SELECT document_id FROM {rows}",
    "reviews_revision": (
        "SELECT document_id FROM reviews_paragraph WHERE id IN (SELECT paragraph_id FROM {rows})"
    ),
    "reviews_comment": "SELECT document_id FROM {rows}",
    "reviews_event": "SELECT document_id FROM {rows}",
}
# The people columns the page shows or decides visibility and permissions by.
PEOPLE_COLUMNS = ("username", "first_name", "last_name", "is_active", "is_superuser")
# Microseconds since 1970 by the database's clock.
PG_CLOCK = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
SQLITE_CLOCK = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"
# PostgreSQL: the document's own trigger turns any UPDATE into max(old + 1, clock).
BUMP = "UPDATE reviews_document SET state_version = state_version + 1"
SQLITE_BUMP = f"UPDATE reviews_document SET state_version = max(state_version + 1, {SQLITE_CLOCK})"


def people_tables(apps):
    user = apps.get_model(settings.AUTH_USER_MODEL)
    group = apps.get_model("auth", "Group")
    return user._meta.db_table, user.groups.through._meta.db_table, group._meta.db_table


def people_changed(distinct):
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in PEOPLE_COLUMNS)


def postgresql(apps):
    users, memberships, groups = people_tables(apps)
    statements = []
    for table, documents_of in DOCUMENTS_OF.items():
        new, old = documents_of.format(rows="new_rows"), documents_of.format(rows="old_rows")
        statements.append(f"""
            CREATE FUNCTION {table}_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {BUMP} WHERE id IN ({new});
                ELSIF TG_OP = 'DELETE' THEN
                    {BUMP} WHERE id IN ({old});
                ELSE
                    {BUMP} WHERE id IN ({new} UNION {old});
                END IF;
                RETURN NULL;
            END $$;""")
        for operation, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            statements.append(
                f"CREATE TRIGGER {table}_state_{operation.lower()} AFTER {operation} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {table}_state_bump();"
            )
    statements += [
        f"""
        CREATE FUNCTION reviews_document_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                NEW.state_version := greatest(NEW.state_version, {PG_CLOCK});
            ELSE
                NEW.state_version := greatest(OLD.state_version + 1, {PG_CLOCK});
            END IF;
            RETURN NEW;
        END $$;""",
        "CREATE TRIGGER reviews_document_state BEFORE INSERT OR UPDATE ON reviews_document "
        "FOR EACH ROW EXECUTE FUNCTION reviews_document_state_bump();",
        f"""
        CREATE FUNCTION reviews_people_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {BUMP};
            RETURN NULL;
        END $$;""",
        f"CREATE TRIGGER reviews_people_state_user AFTER INSERT OR DELETE ON {users} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reviews_people_state_bump();",
        f"CREATE TRIGGER reviews_people_state_user_update AFTER UPDATE ON {users} FOR EACH ROW "
        f"WHEN ({people_changed('IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION reviews_people_state_bump();",
        f"CREATE TRIGGER reviews_people_state_membership AFTER INSERT OR UPDATE OR DELETE "
        f"ON {memberships} FOR EACH STATEMENT EXECUTE FUNCTION reviews_people_state_bump();",
        f"CREATE TRIGGER reviews_people_state_group AFTER UPDATE OR DELETE ON {groups} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reviews_people_state_bump();",
    ]
    return statements


def postgresql_reverse(apps):
    users, memberships, groups = people_tables(apps)
    statements = []
    for table in DOCUMENTS_OF:
        statements += [
            f"DROP TRIGGER {table}_state_{operation} ON {table};"
            for operation in ("insert", "update", "delete")
        ]
        statements.append(f"DROP FUNCTION {table}_state_bump();")
    return [
        *statements,
        "DROP TRIGGER reviews_document_state ON reviews_document;",
        "DROP FUNCTION reviews_document_state_bump();",
        f"DROP TRIGGER reviews_people_state_user ON {users};",
        f"DROP TRIGGER reviews_people_state_user_update ON {users};",
        f"DROP TRIGGER reviews_people_state_membership ON {memberships};",
        f"DROP TRIGGER reviews_people_state_group ON {groups};",
        "DROP FUNCTION reviews_people_state_bump();",
    ]


def sqlite_documents_of(table, *rows):
    """The documents of the rows NEW and/or OLD, in SQLite's row trigger terms."""
    ids = ", ".join(
        f"{row}.{'paragraph_id' if table == 'reviews_revision' else 'document_id'}" for row in rows
    )
    if table == "reviews_revision":
        return f"SELECT document_id FROM reviews_paragraph WHERE id IN ({ids})"
    return ids


def sqlite(apps):
    users, memberships, groups = people_tables(apps)
    statements = []
    for table in DOCUMENTS_OF:
        for operation, rows in (
            ("INSERT", ("NEW",)),
            ("UPDATE", ("NEW", "OLD")),
            ("DELETE", ("OLD",)),
        ):
            statements.append(
                f"CREATE TRIGGER {table}_state_{operation.lower()} AFTER {operation} ON {table} "
                f"FOR EACH ROW BEGIN {SQLITE_BUMP} "
                f"WHERE id IN ({sqlite_documents_of(table, *rows)}); END;"
            )
    everything = f"BEGIN {SQLITE_BUMP}; END;"
    statements += [
        f"CREATE TRIGGER reviews_document_state_insert AFTER INSERT ON reviews_document "
        f"FOR EACH ROW BEGIN UPDATE reviews_document "
        f"SET state_version = max(NEW.state_version, {SQLITE_CLOCK}) WHERE id = NEW.id; END;",
        # The triggers above raise it themselves, so this one does not fire again for them.
        "CREATE TRIGGER reviews_document_state_update AFTER UPDATE ON reviews_document "
        "FOR EACH ROW WHEN NEW.state_version <= OLD.state_version BEGIN UPDATE reviews_document "
        f"SET state_version = max(OLD.state_version + 1, {SQLITE_CLOCK}) WHERE id = NEW.id; END;",
        f"CREATE TRIGGER reviews_people_state_user_insert AFTER INSERT ON {users} {everything}",
        f"CREATE TRIGGER reviews_people_state_user_delete AFTER DELETE ON {users} {everything}",
        f"CREATE TRIGGER reviews_people_state_user_update AFTER UPDATE ON {users} "
        f"WHEN {people_changed('IS NOT')} {everything}",
        *(
            f"CREATE TRIGGER reviews_people_state_membership_{operation.lower()} "
            f"AFTER {operation} ON {memberships} {everything}"
            for operation in ("INSERT", "UPDATE", "DELETE")
        ),
        *(
            f"CREATE TRIGGER reviews_people_state_group_{operation.lower()} "
            f"AFTER {operation} ON {groups} {everything}"
            for operation in ("UPDATE", "DELETE")
        ),
    ]
    return statements


def sqlite_reverse(apps):
    names = [
        *(
            f"{table}_state_{operation}"
            for table in DOCUMENTS_OF
            for operation in ("insert", "update", "delete")
        ),
        "reviews_document_state_insert",
        "reviews_document_state_update",
        "reviews_people_state_user_insert",
        "reviews_people_state_user_delete",
        "reviews_people_state_user_update",
        *(f"reviews_people_state_membership_{op}" for op in ("insert", "update", "delete")),
        *(f"reviews_people_state_group_{op}" for op in ("update", "delete")),
    ]
    return [f"DROP TRIGGER {name};" for name in names]


BY_VENDOR = {"postgresql": (postgresql, postgresql_reverse), "sqlite": (sqlite, sqlite_reverse)}


def create_triggers(apps, schema_editor):
    for statement in BY_VENDOR[schema_editor.connection.vendor][0](apps):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in BY_VENDOR[schema_editor.connection.vendor][1](apps):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0015_waiting_threads_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="state_version",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
