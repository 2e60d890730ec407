"""export_archive and import_archive: a whole desk out to one file and back into an empty
database, identical after the round trip. Runs on PostgreSQL and SQLite (the suite is run on
both); on SQLite the project's `flush` lifts the append-only triggers to empty the database."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import archive, comments, editing, glossary, preferences, readers, two_factor, workflow
from reviews.api.tokens import create_token
from reviews.models import Document, MemoryUnit, Paragraph, Revision
from tests.conftest import new_document
from tests.test_accounts import log_in, logged_in_as


@pytest.fixture
def desk(people):
    """Documents in three stages, proposals accepted and rejected, a resolved thread with a
    reply, a glossary with its history, memory, tokens, views, notifications, a permission."""
    translating = new_document(people)
    reviewing = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    rows = list(reviewing.paragraphs.order_by("position"))
    accepted = editing.save_edit(people.translator, rows[0].pk, rows[0].text + " Final.", 1)
    editing.accept_proposal(people.editor, accepted.pk)
    rejected = editing.save_edit(people.translator, rows[1].pk, rows[1].text + " Maybe.", 1)
    editing.reject_proposal(people.editor, rejected.pk, note="Keep the lead short.")
    editing.save_edit(people.translator, rows[2].pk, rows[2].text + " Open.", 1)
    editing.save_edit(people.editor, rows[3].pk, "서울 — the city said so.", 1, accept=True)
    thread = comments.add_comment(
        people.editor,
        reviewing,
        "Is it 12.3 trillion won? @mina",
        paragraph=rows[1],
        quote="12.3 trillion won",
        quote_side="target",
        category="accuracy",
        severity="major",
    )
    comments.add_comment(people.translator, reviewing, "네, 확인했습니다.", reply_to=thread)
    comments.set_resolved(people.editor, thread, True)

    published = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    for row in published.paragraphs.all():
        editing.approve_paragraph(people.editor, row.pk)
    workflow.take_transition(people.editor, "approve", published)
    workflow.take_transition(people.manager, "publish", published)

    term = glossary.add_term(
        people.manager, korean="북한", english="North Korea", forbidden=["North Korean regime"]
    )
    glossary.update_term(people.manager, term, korean="북한", english="North Korea", note="국가명")
    gone = glossary.add_term(people.manager, korean="시의회", english="city council")
    glossary.remove_term(people.manager, gone)
    MemoryUnit.objects.create(
        source="예산안을 통과시켰다",
        target="passed the budget",
        source_lang="ko",
        target_lang="en",
        creation_id="translator7",
        creation_date=timezone.now(),
        origin="desk.tmx",
        imported_by=people.manager,
    )
    create_token(people.editor, "newsroom feed")
    readers.record_view(people.editor, reviewing)
    readers.record_view(people.manager, published)
    # A person who reads times in their own zone (reviews.preferences).
    preferences.set_time_zone(people.translator, "Asia/Seoul")
    manager_group = Group.objects.get(name="manager")
    manager_group.permissions.add(Permission.objects.get(codename="view_document"))
    people.editor.user_permissions.add(Permission.objects.get(codename="view_comment"))
    two_factor.start(people.manager)
    two_factor.new_recovery_codes(people.manager)
    return dict(translating=translating, reviewing=reviewing, published=published)


def export(tmp_path, name, *flags):
    path = tmp_path / name
    call_command("export_archive", "-o", str(path), *flags)
    return path


def empty_database():
    # PostgreSQL will not TRUNCATE a table with foreign-key checks pending in the test's
    # transaction; running them first is what a commit would do.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not archive.occupied_tables()


def test_every_model_is_archived_or_excluded_with_a_reason():
    archived = set(archive.archived_labels(with_passwords=True))
    excluded = {**archive.EXCLUDED, **archive.REVIEWS_EXCLUDED}
    for model in apps.get_models():
        label = model._meta.label_lower
        assert label in archived or excluded.get(label, "").strip(), (
            f"{label} is neither archived nor excluded with a reason in reviews/archive.py"
        )
    reviews = {m._meta.label_lower for m in apps.get_app_config("reviews").get_models()}
    assert reviews - set(archive.REVIEWS_EXCLUDED) <= set(archive.archived_labels(False))


@pytest.mark.parametrize("flags", [(), ("--with-passwords",)])
def test_round_trip_into_an_empty_database_gives_the_same_file(desk, tmp_path, flags):
    first = export(tmp_path, "first.json", *flags)
    document = json.loads(first.read_bytes())["manifest"]
    assert document["format"] == "workbench-archive" and document["version"] == 1
    # The desk fills every archived table, so a model added later without a row here fails.
    assert all(document["counts"].values()), document["counts"]
    assert set(document["counts"]) == set(archive.archived_labels(bool(flags)))
    before = {label: apps.get_model(label)._base_manager.count() for label in document["counts"]}
    dates = dict(Document.objects.values_list("pk", "updated_at"))

    empty_database()
    call_command("import_archive", str(first))
    after = {label: apps.get_model(label)._base_manager.count() for label in document["counts"]}
    assert after == before == document["counts"]
    second = export(tmp_path, "second.json", *flags)
    assert second.read_bytes() == first.read_bytes()

    # References survived, dates were kept, and new rows get fresh ids.
    reviewing = Document.objects.get(pk=desk["reviewing"].pk)
    assert reviewing.stage == "reviewing"
    assert dict(Document.objects.values_list("pk", "updated_at")) == dates
    states = set(
        Revision.objects.filter(paragraph__document=reviewing).values_list("state", flat=True)
    )
    assert states == {"accepted", "rejected", "proposed"}
    assert Group.objects.get(name="manager").permissions.filter(codename="view_document").exists()
    fresh = new_document_after_import()
    assert fresh.pk > max(d.pk for d in desk.values())
    assert Paragraph.objects.filter(document=fresh).count() == 4


def new_document_after_import():
    from reviews.importing import create_document

    manager = get_user_model().objects.get(username="jiwon")
    return create_document(
        title="After the restore",
        source_paragraphs=["하나", "둘", "셋", "넷"],
        target_paragraphs=["One", "Two", "Three", "Four"],
        created_by=manager,
    )


def test_without_passwords_the_hashes_are_not_in_the_file(desk, tmp_path):
    hashes = list(get_user_model().objects.values_list("password", flat=True))
    device_key = two_factor.pending_device(get_user_model().objects.get(username="jiwon")).key
    data = export(tmp_path, "desk.json").read_bytes()
    for value in [*hashes, device_key]:
        assert value.encode() not in data
    assert b'"password"' not in data

    empty_database()
    call_command("import_archive", str(tmp_path / "desk.json"))
    mina = get_user_model().objects.get(username="mina")
    assert not mina.has_usable_password()


def test_with_passwords_a_login_survives_the_round_trip(desk, tmp_path, client):
    data = export(tmp_path, "desk.json", "--with-passwords").read_bytes()
    mina = get_user_model().objects.get(username="mina")
    assert mina.password.encode() in data
    empty_database()
    call_command("import_archive", str(tmp_path / "desk.json"))
    log_in(client, "mina", "pw")
    assert logged_in_as(client) == "mina"
    assert client.get(reverse("document", args=[desk["reviewing"].pk])).status_code == 200


def test_a_database_that_is_not_empty_is_refused_and_unchanged(desk, tmp_path, capsys):
    path = export(tmp_path, "desk.json")
    counts = json.loads(path.read_bytes())["manifest"]["counts"]
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_archive", str(path))
    assert {label: apps.get_model(label)._base_manager.count() for label in counts} == counts

    # One person is enough to make a database not empty.
    empty_database()
    get_user_model().objects.create_user("admin", password="pw")
    with pytest.raises(CommandError, match=r"not empty \(rows in auth.user\)"):
        call_command("import_archive", str(path))
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "old, new, message",
    [
        (b'"format": "workbench-archive"', b'"format": "workbench-backup"', "format is"),
        (b'"version": 1', b'"version": 2', "archive version 2 is not supported"),
        (b'"migrations": {', b'"migrations": {"old": ["0001_initial"], ', "migration state"),
    ],
)
def test_another_format_or_version_is_refused(desk, tmp_path, old, new, message):
    path = export(tmp_path, "desk.json")
    data = path.read_bytes()
    assert data.index(old) < data.index(b'"tables"')  # the manifest's, not a row's
    path.write_bytes(data.replace(old, new, 1))
    empty_database()
    with pytest.raises(CommandError, match=message):
        call_command("import_archive", str(path))
    assert not archive.occupied_tables()


def test_a_file_that_is_not_json_is_refused(db, tmp_path):
    path = tmp_path / "desk.docx"
    path.write_bytes(b"PK\x03\x04 not an archive")
    with pytest.raises(CommandError, match="not a Workbench archive"):
        call_command("import_archive", str(path))


def test_a_failed_import_writes_nothing(desk, tmp_path):
    path = export(tmp_path, "desk.json")
    data = path.read_bytes()
    # The last revision points at a paragraph that is not there: the database refuses it at
    # the end, after everything before it was inserted, and all of it is rolled back.
    revisions = data.index(b'"reviews.revision": [')
    last = data.index(b"\n]", revisions)
    row_start = data.rindex(b"\n", 0, last) + 1
    row = json.loads(data[row_start:last])
    row["paragraph_id"] = 999_999
    changed = json.dumps(row, sort_keys=True, ensure_ascii=False).encode()
    path.write_bytes(data[:row_start] + changed + data[last:])
    empty_database()
    with pytest.raises(CommandError, match="the database refused the archive's rows"):
        call_command("import_archive", str(path))
    assert not archive.occupied_tables()


def test_a_truncated_archive_is_refused_and_writes_nothing(desk, tmp_path):
    path = export(tmp_path, "desk.json")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    empty_database()
    with pytest.raises(CommandError, match="the archive is damaged"):
        call_command("import_archive", str(path))
    assert not archive.occupied_tables()


def test_flush_works_with_debug_on(desk):
    """In development (DEBUG on) Django logs each query by formatting its %s placeholders; the
    SQLite flush used a bare `?`, and the formatting failed before anything was flushed."""
    connection.check_constraints()
    with CaptureQueriesContext(connection):
        call_command("flush", interactive=False, verbosity=0)
    assert not archive.occupied_tables()
