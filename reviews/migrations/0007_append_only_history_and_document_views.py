# 1. Who opened a document (DocumentView), and an event's paragraph PROTECTed.
# 2. History is append-only, enforced by the database: whatever SQL reaches it (the ORM, a shell,
# a script), rows of revisions, comments and events are never deleted, and of what they
# recorded only the later decision may change, once, the way the workflow moves it:
#   revision: state proposed -> accepted/rejected/withdrawn, once, with decided_by and
#             decided_at set; decided_by, decided_at, version and note change only in that
#             move (and a rejected or withdrawn proposal has no version); nothing else ever.
#   comment:  resolve (resolved_at and resolved_by from empty to set) and reopen (both back to
#             empty) on a thread's first comment; nothing else ever.
#   event:    nothing, ever.
# PostgreSQL raises SQLSTATE 23001 (restrict_violation), SQLite RAISE(ABORT), both surfacing as
# django.db.IntegrityError. TRUNCATE (the table owner's flush) is not a row delete and is left
# alone; on SQLite, reviews' own `flush` command lifts the triggers for the flush only.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class RunSQLOn(migrations.RunSQL):
    """RunSQL for one database vendor only; the other vendor's twin does the same job."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


REVISION_RECORD = ("paragraph_id", "author_id", "author_role", "text", "base_version",
                   "base_text", "diff", "created_at", "id")
REVISION_DECISION = ("decided_by_id", "decided_at", "version", "note")
COMMENT_RECORD = ("document_id", "paragraph_id", "reply_to_id", "author_id", "body", "quote",
                  "quote_side", "category", "severity", "created_at", "id")
DECIDED = "('accepted', 'rejected', 'withdrawn')"


def changed(columns, distinct):
    return " OR ".join(f'NEW."{column}" {distinct} OLD."{column}"' for column in columns)


def revision_refusal(distinct):
    """The condition under which an UPDATE of a revision is refused."""
    return f"""
        ({changed(REVISION_RECORD, distinct)})
        OR (NEW.state {distinct} OLD.state AND (
            OLD.state <> 'proposed' OR NEW.state NOT IN {DECIDED}
            OR NEW.decided_by_id IS NULL OR NEW.decided_at IS NULL
            OR (NEW.state <> 'accepted' AND NEW.version IS NOT NULL)))
        OR (NEW.state = OLD.state AND ({changed(REVISION_DECISION, distinct)}))"""


def comment_refusal(distinct):
    resolution_changed = changed(("resolved_at", "resolved_by_id"), distinct)
    return f"""
        ({changed(COMMENT_RECORD, distinct)})
        OR (({resolution_changed}) AND NOT (
            NEW.reply_to_id IS NULL AND (
                (OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL
                    AND NEW.resolved_by_id IS NOT NULL)
                OR (OLD.resolved_at IS NOT NULL AND NEW.resolved_at IS NULL
                    AND NEW.resolved_by_id IS NULL))))"""


MESSAGES = {
    "revision": "history is append-only: a revision is never deleted or rewritten; "
    "an open proposal is decided once",
    "comment": "history is append-only: a comment is never deleted or rewritten; "
    "a thread is only resolved or reopened",
    "event": "history is append-only: an event is never deleted or changed",
}
TABLES = ("revision", "comment", "event")

POSTGRESQL = [
    """
    CREATE FUNCTION reviews_history_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% (% on %, id %)', TG_ARGV[0], TG_OP, TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'restrict_violation';
    END $$;
    """,
    f"""
    CREATE FUNCTION reviews_history_revision_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {revision_refusal("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '% (UPDATE on reviews_revision, id %)', TG_ARGV[0], OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$;
    """,
    f"""
    CREATE FUNCTION reviews_history_comment_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {comment_refusal("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '% (UPDATE on reviews_comment, id %)', TG_ARGV[0], OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$;
    """,
    *(
        f"CREATE TRIGGER reviews_history_{table}_no_delete BEFORE DELETE ON reviews_{table} "
        f"FOR EACH ROW EXECUTE FUNCTION reviews_history_refuse('{MESSAGES[table]}');"
        for table in TABLES
    ),
    "CREATE TRIGGER reviews_history_event_no_update BEFORE UPDATE ON reviews_event "
    f"FOR EACH ROW EXECUTE FUNCTION reviews_history_refuse('{MESSAGES['event']}');",
    "CREATE TRIGGER reviews_history_revision_update BEFORE UPDATE ON reviews_revision "
    f"FOR EACH ROW EXECUTE FUNCTION reviews_history_revision_update('{MESSAGES['revision']}');",
    "CREATE TRIGGER reviews_history_comment_update BEFORE UPDATE ON reviews_comment "
    f"FOR EACH ROW EXECUTE FUNCTION reviews_history_comment_update('{MESSAGES['comment']}');",
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER reviews_history_{table}_no_delete ON reviews_{table};" for table in TABLES),
    "DROP TRIGGER reviews_history_event_no_update ON reviews_event;",
    "DROP TRIGGER reviews_history_revision_update ON reviews_revision;",
    "DROP TRIGGER reviews_history_comment_update ON reviews_comment;",
    "DROP FUNCTION reviews_history_refuse();",
    "DROP FUNCTION reviews_history_revision_update();",
    "DROP FUNCTION reviews_history_comment_update();",
]


def sqlite_trigger(name, when, table, condition=None):
    where = f" WHEN {condition}" if condition else ""
    return (
        f"CREATE TRIGGER {name} BEFORE {when} ON reviews_{table} FOR EACH ROW{where} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGES[table]}'); END;"
    )


SQLITE = [
    *(
        sqlite_trigger(f"reviews_history_{table}_no_delete", "DELETE", table)
        for table in TABLES
    ),
    sqlite_trigger("reviews_history_event_no_update", "UPDATE", "event"),
    sqlite_trigger(
        "reviews_history_revision_update", "UPDATE", "revision", revision_refusal("IS NOT")
    ),
    sqlite_trigger(
        "reviews_history_comment_update", "UPDATE", "comment", comment_refusal("IS NOT")
    ),
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER reviews_history_{table}_no_delete;" for table in TABLES),
    "DROP TRIGGER reviews_history_event_no_update;",
    "DROP TRIGGER reviews_history_revision_update;",
    "DROP TRIGGER reviews_history_comment_update;",
]


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0006_event_verbs_of_checks_and_api"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # An event's paragraph can no longer be emptied by a deletion (SET_NULL was an UPDATE
        # of history): the ORM now refuses such a deletion before any SQL runs.
        migrations.AlterField(
            model_name="event",
            name="paragraph",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="reviews.paragraph",
            ),
        ),
        # Who opened a document: one row per person per day (reviews/readers.py).
        migrations.CreateModel(
            name="DocumentView",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("first_opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="views",
                        to="reviews.document",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="document_views",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-day", "first_opened_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("document", "user", "day"), name="one_view_per_person_per_day"
                    )
                ],
            },
        ),
        RunSQLOn("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
    ]
