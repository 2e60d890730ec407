"""A whole desk as one versioned JSON file, and back (export_archive / import_archive).

The file is one JSON object: `manifest` (format, version, the migrations applied when it was
made, row counts, what was left out and why) and `tables`, every archived model's rows ordered
by primary key under the model's label, one row a line, so it is written and read a row at a
time however large the desk. Keys are sorted and nothing depends on the clock, so two exports
of the same data are byte-identical. Primary keys are kept, so every reference
survives; permissions are named by (app label, codename), since their ids are made by
`migrate` and differ between databases.

Rows go in with plain INSERTs of their final values, in dependency order: the append-only
triggers on revisions, comments and events allow inserts and nothing else, and a raw insert
keeps auto_now dates as they were instead of stamping the time of the import.
"""

import json

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from reviews import learned_lexicon, memory_index

FORMAT = "workbench-archive"
VERSION = 1

# Always archived: people and their groups, then every model of the reviews app (read from the
# app registry, so a model added later is archived unless it is excluded below with a reason).
PEOPLE = ["auth.group", "auth.user"]
# Second factors are credentials like password hashes: archived only with --with-passwords.
CREDENTIALS = ["otp_totp.totpdevice", "otp_static.staticdevice", "otp_static.statictoken"]

# Every other model of the project, and why it is not in the archive. A model that is neither
# archived nor listed here fails tests/test_archive.py.
EXCLUDED = {
    "auth.permission": "made by migrate from the models; named by (app, codename) in the archive",
    "contenttypes.contenttype": "made by migrate from the models",
    "sessions.session": "Django's sessions table, unused since migration 0023 (reviews.session)",
    "admin.logentry": "Django admin's own change log, keyed by content type ids of the old "
    "database; the desk's audit log is reviews.Event, which is archived",
    "axes.accessattempt": "login lock-out counters: transient, and a restore should not carry "
    "a lock-out over",
    "axes.accessattemptexpiration": "when a lock-out ends: transient, goes with its attempt",
    "axes.accesslog": "login records of django-axes: transient security log, not desk data",
    "axes.accessfailurelog": "failed-login records of django-axes: transient, not desk data",
}
# label: reason, for a reviews model that must not be archived
REVIEWS_EXCLUDED = {
    "reviews.session": "a restored desk starts with everyone signed out",
    "reviews.editingpresence": "who has a row's editor open in the last half minute: state, "
    "not history; a restored desk starts with nobody editing",
    "reviews.learnedterm": "the aligner's learned lexicon, derived from the approved rows the "
    "archive carries: learned again after a restore (reviews/learned_lexicon.py)",
    "reviews.memoryrowkey": "the memory's band keys, derived from the approved rows: rebuilt "
    "after a restore (reviews/memory_index.py)",
    "reviews.memoryunitkey": "the memory's band keys, derived from the imported units: rebuilt "
    "after a restore",
    "reviews.memorystopkey": "the band keys shared by CAP owners, derived from the key tables: "
    "recomputed by the rebuild after a restore",
    "reviews.memoryversion": "the memory's version, which the database raises itself (migration "
    "0020): a restored desk keeps its own, raised by the rebuild",
}
# label: the columns left out of its rows. A document's state version is the page cache's
# (reviews/page_cache.py): the database sets it, and a restored desk gets versions of its own,
# so no cache can take a restored page for one it stored before.
UNARCHIVED_COLUMNS = {"reviews.document": {"state_version"}}


class ArchiveError(Exception):
    """The archive cannot be written or loaded; the message says why, in one line."""


def archived_labels(with_passwords):
    reviews = [
        model._meta.label_lower
        for model in apps.get_app_config("reviews").get_models()
        if model._meta.label_lower not in REVIEWS_EXCLUDED
    ]
    return PEOPLE + reviews + (CREDENTIALS if with_passwords else [])


def candidate_labels():
    """Every table an import may write: the check for an empty database looks at all of them."""
    return archived_labels(with_passwords=True)


def dependency_order(labels):
    """Labels ordered so each model comes after the models its foreign keys point to; among
    the models ready at each step the earliest in `labels`, so the order never varies (a
    set's order would, with Python's hash seed, and with it the archive's bytes)."""
    needs = {}
    for label in labels:
        model = apps.get_model(label)
        needs[label] = {
            field.related_model._meta.label_lower
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model is not model
            and field.related_model._meta.label_lower in labels
        }
    ordered = []
    while len(ordered) < len(labels):
        ready = [label for label in labels if label not in ordered and needs[label] <= set(ordered)]
        if not ready:
            raise ArchiveError(f"the models' foreign keys go round in a circle: {needs}")
        ordered.append(ready[0])
    return ordered


def applied_migrations(labels):
    app_labels = {apps.get_model(label)._meta.app_label for label in labels}
    applied = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        if app_label in app_labels:
            applied.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


def columns(model, with_passwords=True):
    left_out = UNARCHIVED_COLUMNS.get(model._meta.label_lower, set())
    # Columns the database computes from the others (Paragraph.source_length) are made again
    # as the rows are loaded, and cannot be written.
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.name not in left_out and not field.generated
    ]
    if model._meta.label_lower == "auth.user" and not with_passwords:
        fields = [field for field in fields if field.name != "password"]
    return fields


def to_json(field, value):
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(value, (str, int, float, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def permission_keys():
    return {
        pk: [app_label, codename]
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }


def many_to_many(model):
    """The model's many-to-many fields with their automatic through tables."""
    return [
        field for field in model._meta.many_to_many if field.remote_field.through._meta.auto_created
    ]


def links(field):
    """{row pk: sorted list of linked keys} of one many-to-many field."""
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    by_permission = field.related_model is Permission
    names = permission_keys() if by_permission else None
    linked = {}
    for row, other in through.objects.values_list(f"{source}_id", f"{target}_id"):
        linked.setdefault(row, []).append(names[other] if by_permission else other)
    return {row: sorted(keys) for row, keys in linked.items()}


def table_rows(model, with_passwords):
    """The model's rows, ordered by pk, one dict at a time (read in chunks, not all at once)."""
    fields = columns(model, with_passwords)
    names = [field.attname for field in fields]
    linked = {field.name: links(field) for field in many_to_many(model)}
    pk_name = model._meta.pk.attname
    for values in model._base_manager.order_by("pk").values_list(*names).iterator(2000):
        row = {
            field.attname: to_json(field, value)
            for field, value in zip(fields, values, strict=True)
        }
        for name, by_row in linked.items():
            row[name] = by_row.get(row[pk_name], [])
        yield row


def line(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def manifest(labels, with_passwords):
    credentials_reason = "a second factor is a credential: only with --with-passwords"
    return {
        "format": FORMAT,
        "version": VERSION,
        "with_passwords": with_passwords,
        "migrations": applied_migrations(labels),
        "counts": {label: apps.get_model(label)._base_manager.count() for label in labels},
        "excluded": {
            **EXCLUDED,
            **REVIEWS_EXCLUDED,
            **({} if with_passwords else dict.fromkeys(CREDENTIALS, credentials_reason)),
        },
    }


def export_archive(out, with_passwords=False):
    """Write the whole desk to `out` (a binary file) as the archive, a row at a time.

    The layout is part of the format, so the file can be read back a row at a time too:
    `{`, then `"manifest": {...},` on one line, `"tables": {`, and for each table in
    dependency order `"label": [`, one row a line, `]`; then `}` twice."""
    labels = dependency_order(archived_labels(with_passwords))
    # One consistent picture even while people work: on PostgreSQL a repeatable-read
    # transaction (possible only when the export opens the transaction itself); SQLite's
    # transaction holds the write lock until the export ends.
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        write = out.write
        write(b"{\n")
        write(b'"manifest": ' + line(manifest(labels, with_passwords)).encode() + b",\n")
        write(b'"tables": {\n')
        for number, label in enumerate(labels):
            write(line(label).encode() + b": [\n")
            previous = None
            for row in table_rows(apps.get_model(label), with_passwords):
                if previous is not None:
                    write(previous + b",\n")
                previous = line(row).encode()
            if previous is not None:
                write(previous + b"\n")
            write(b"]" + (b",\n" if number < len(labels) - 1 else b"\n"))
        write(b"}\n}\n")


# --------------------------------------------------------------------------- import


def read_manifest(lines):
    """The manifest from the start of the archive's lines, checked; refuses any other file."""
    try:
        first = next(lines, b"")
        second = next(lines, b"")
        if first.rstrip(b"\r\n") != b"{" or not second.startswith(b'"manifest": '):
            raise ValueError
        document = json.loads(b"{" + second.rstrip().rstrip(b",") + b"}")["manifest"]
    except (UnicodeDecodeError, ValueError):
        raise ArchiveError(
            "not a Workbench archive: no manifest where export_archive writes it"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise ArchiveError(f"not a Workbench archive: format is {found!r}, not {FORMAT!r}")
    if document.get("version") != VERSION:
        raise ArchiveError(
            f"archive version {document.get('version')!r} is not supported "
            f"(this Workbench reads version {VERSION})"
        )
    if not isinstance(document.get("counts"), dict):
        raise ArchiveError("the archive's manifest has no row counts")
    return document


def occupied_tables():
    """The tables an import would write that already hold rows."""
    return [label for label in candidate_labels() if apps.get_model(label)._base_manager.exists()]


def check_tables(document):
    labels = set(document["counts"])
    unknown = sorted(labels - set(archived_labels(document.get("with_passwords") is True)))
    if unknown:
        raise ArchiveError(f"the archive holds tables this Workbench does not know: {unknown}")
    missing = sorted(set(archived_labels(False)) - labels)
    if missing:
        raise ArchiveError(f"the archive lacks tables: {missing}")


def parsed(text, what):
    try:
        return json.loads(text)
    except ValueError:
        raise ArchiveError(f"the archive is damaged: {what} is not JSON") from None


def read_tables(lines):
    """(label, rows) for each table of the archive's lines, rows in batches of 1,000."""
    if next(lines, b"").rstrip() != b'"tables": {':
        raise ArchiveError("the archive is damaged: no tables after the manifest")
    for raw in lines:
        text = raw.rstrip()
        if text == b"}":
            if next(lines, b"").rstrip() != b"}":
                raise ArchiveError("the archive is damaged: it does not end where it should")
            return
        if not text.endswith(b": ["):
            raise ArchiveError("the archive is damaged: a table does not start where it should")
        label = parsed(text[:-3], "a table's name")
        batch = []
        for raw_row in lines:
            row = raw_row.rstrip().rstrip(b",")
            if row == b"]":
                break
            batch.append(parsed(row, f"a row of {label}"))
            if len(batch) == 1000:
                yield label, batch
                batch = []
        else:
            raise ArchiveError(f"the archive is damaged: it ends inside {label}")
        yield label, batch
    raise ArchiveError("the archive is damaged: it ends before its last line")


def insert_rows(model, rows, with_passwords):
    fields = list(columns(model))  # the password column too: without passwords, unusable ones
    expected = {field.attname for field in columns(model, with_passwords)}
    expected |= {field.name for field in many_to_many(model)}
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names come from the models, quoted; the values are parameters.
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    def prepared(row):
        if not isinstance(row, dict) or set(row) != expected:
            raise ArchiveError(
                f"a row of {model._meta.label_lower} does not have the columns of this Workbench"
            )
        values = []
        for field in fields:
            if field.attname == "password" and not with_passwords:
                value = make_password(None)  # unusable: a manager sets a new one
            elif isinstance(field, models.JSONField):
                value = row[field.attname]
            else:
                value = field.to_python(row[field.attname])
            values.append(field.get_db_prep_save(value, connection))
        return values

    with connection.cursor() as cursor:
        cursor.executemany(sql, [prepared(row) for row in rows])


def insert_links(model, rows, permission_ids):
    for field in many_to_many(model):
        through = field.remote_field.through
        by_permission = field.related_model is Permission
        pk_name = model._meta.pk.attname
        links = []
        for row in rows:
            for key in row[field.name]:
                if by_permission:
                    if tuple(key) not in permission_ids:
                        raise ArchiveError(f"permission {key} does not exist in this database")
                    key = permission_ids[tuple(key)]
                links.append(
                    through(
                        **{
                            f"{field.m2m_field_name()}_id": row[pk_name],
                            f"{field.m2m_reverse_field_name()}_id": key,
                        }
                    )
                )
        through.objects.bulk_create(links, batch_size=1000)


def import_archive(stream):
    """Load an archive (a binary file) into an empty database, all or nothing, a batch of
    rows at a time; returns the rows loaded per table."""
    lines = iter(stream)
    document = read_manifest(lines)
    check_tables(document)
    with_passwords = document["with_passwords"] is True
    expected = document["counts"]
    with transaction.atomic():
        occupied = occupied_tables()
        if occupied:
            raise ArchiveError(
                "the database is not empty (rows in " + ", ".join(occupied) + "); "
                "an archive loads only into a freshly migrated database"
            )
        if applied_migrations(list(expected)) != document.get("migrations"):
            raise ArchiveError(
                "the archive was made at another migration state than this database's; "
                "run the Workbench version that made it, or migrate both to the same version"
            )
        permission_ids = {tuple(key): pk for pk, key in permission_keys().items()}
        loaded = {}
        try:
            # Foreign keys are checked at the end (both databases defer them), so tables go
            # in as they come; the file has them in dependency order all the same.
            for label, rows in read_tables(lines):
                if label not in expected:
                    raise ArchiveError(f"the archive's table {label} is not in its manifest")
                model = apps.get_model(label)
                insert_rows(model, rows, with_passwords)
                insert_links(model, rows, permission_ids)
                loaded[label] = loaded.get(label, 0) + len(rows)
            if loaded != expected:
                raise ArchiveError("the archive is damaged: its rows do not match its counts")
            # Checked now rather than at commit, a broken reference is refused with its reason.
            connection.check_constraints()
        except (DatabaseError, ValueError, ValidationError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise ArchiveError(f"the database refused the archive's rows: {first_line}") from None
        reset_sequences(list(loaded))
        # What is derived from the approved rows is made again, so a restored desk aligns and
        # finds matches as the old one did.
        memory_index.rebuild()
        learned_lexicon.rebuild()
    return loaded


def reset_sequences(labels):
    """New rows get ids after the imported ones (PostgreSQL sequences; SQLite needs nothing)."""
    models_ = [apps.get_model(label) for label in labels]
    models_ += [field.remote_field.through for model in models_ for field in many_to_many(model)]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
