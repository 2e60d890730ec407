"""History is append-only in the database itself: raw SQL cannot delete or rewrite revisions,
comments and events (triggers made by the append-only migration), while the workflow's own
moves (accept, reject, withdraw, resolve, reopen) still work. Runs on PostgreSQL and SQLite."""

import importlib
import json
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from reviews import comments, editing, pairing
from reviews.models import Comment, Event, Revision, Role
from tests.conftest import make_user, new_document

migration = importlib.import_module(
    "reviews.migrations.0007_append_only_history_and_document_views"
)


def refused(sql, params=()):
    """True when the database refuses `sql`; the refusal is kept inside a savepoint so the
    test's transaction goes on."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as error:
        assert "append-only" in str(error), error
        return True
    return False


def update(table, column, value, pk):
    return f"UPDATE reviews_{table} SET {column} = %s WHERE id = %s", [value, pk]


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


@pytest.fixture
def history(people, reviewing):
    """An open proposal, an accepted edit, a comment thread with a reply, and their events."""
    rows = list(reviewing.paragraphs.order_by("position"))
    proposal = editing.save_edit(people.translator, rows[1].pk, rows[1].text + " Later.", 1)
    accepted = editing.save_edit(
        people.editor, rows[2].pk, rows[2].text + " Indeed.", 1, accept=True
    )
    thread = comments.add_comment(
        people.editor,
        reviewing,
        "Check the sum.",
        paragraph=rows[1],
        quote="12.3 trillion won",
        quote_side="target",
        category="accuracy",
        severity="major",
    )
    reply = comments.add_comment(people.translator, reviewing, "Checked.", reply_to=thread)
    return dict(proposal=proposal, accepted=accepted, thread=thread, reply=reply, rows=rows)


def test_no_row_of_history_can_be_deleted(history):
    event = Event.objects.latest("pk")
    for table, pk in [
        ("revision", history["proposal"].pk),
        ("revision", history["accepted"].pk),
        ("comment", history["reply"].pk),
        ("comment", history["thread"].pk),
        ("event", event.pk),
    ]:
        assert refused(f"DELETE FROM reviews_{table} WHERE id = %s", [pk]), (table, pk)
    assert refused("DELETE FROM reviews_event")
    assert refused("DELETE FROM reviews_revision")
    # The ORM goes through the same door.
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.filter(pk=history["proposal"].pk).delete()
    assert Revision.objects.filter(pk=history["proposal"].pk).exists()
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "column, value",
    [
        ("text", "Rewritten."),
        ("base_text", "Rewritten."),
        ("base_version", 7),
        ("diff", json.dumps([[0, "x"]])),
        ("author_role", "manager"),
        ("created_at", "2020-01-01 00:00:00+00:00"),
        ("paragraph_id", None),  # filled in below: another row
        ("author_id", None),  # filled in below: another person
    ],
)
def test_what_a_revision_recorded_cannot_be_updated(people, history, column, value):
    if column == "paragraph_id":
        value = history["rows"][0].pk
    if column == "author_id":
        value = people.manager.pk
    for revision in (history["proposal"], history["accepted"]):
        assert refused(*update("revision", column, value, revision.pk)), (column, revision)
    assert Revision.objects.get(pk=history["proposal"].pk).text.endswith(" Later.")


def test_a_decision_is_made_once_and_only_from_proposed(people, history):
    proposal, accepted = history["proposal"], history["accepted"]
    # An accepted change cannot be undone, re-decided or re-dated.
    assert refused(*update("revision", "state", "rejected", accepted.pk))
    assert refused(*update("revision", "state", "proposed", accepted.pk))
    assert refused(*update("revision", "decided_at", "2020-01-01 00:00:00+00:00", accepted.pk))
    assert refused(*update("revision", "decided_by_id", people.manager.pk, accepted.pk))
    assert refused(*update("revision", "version", 9, accepted.pk))
    assert refused(*update("revision", "note", "made up", accepted.pk))
    # An open proposal cannot get decision fields without a decision, nor a decision without
    # who and when, nor a state that is not a decision.
    assert refused(*update("revision", "decided_by_id", people.editor.pk, proposal.pk))
    assert refused(*update("revision", "note", "made up", proposal.pk))
    assert refused(*update("revision", "state", "accepted", proposal.pk))
    assert refused(*update("revision", "state", "approved", proposal.pk))
    assert refused(
        "UPDATE reviews_revision SET state = 'rejected', decided_by_id = %s, "
        "decided_at = CURRENT_TIMESTAMP, version = 5 WHERE id = %s",
        [people.editor.pk, proposal.pk],
    )
    # The workflow's own move is allowed: decided once, with who and when.
    assert not refused(
        "UPDATE reviews_revision SET state = 'rejected', decided_by_id = %s, "
        "decided_at = CURRENT_TIMESTAMP WHERE id = %s",
        [people.editor.pk, proposal.pk],
    )
    assert refused(*update("revision", "state", "accepted", proposal.pk))
    assert Revision.objects.get(pk=proposal.pk).state == Revision.State.REJECTED


@pytest.mark.parametrize(
    "column, value",
    [
        ("body", "I never said that."),
        ("quote", "12.3"),
        ("quote_side", "source"),
        ("category", "style"),
        ("severity", "critical"),
        ("paragraph_id", None),
        ("document_id", None),
        ("reply_to_id", None),
        ("author_id", None),
        ("created_at", "2020-01-01 00:00:00+00:00"),
    ],
)
def test_what_a_comment_recorded_cannot_be_updated(people, history, column, value):
    thread, reply = history["thread"], history["reply"]
    other = {
        "paragraph_id": history["rows"][0].pk,
        "document_id": new_document(people).pk,
        "reply_to_id": reply.pk,
        "author_id": people.manager.pk,
    }
    value = other.get(column, value)
    assert refused(*update("comment", column, value, thread.pk)), column
    if column == "reply_to_id":
        # A reply cannot be moved to another thread, nor made a thread of its own.
        assert refused(*update("comment", column, None, reply.pk))
    else:
        assert refused(*update("comment", column, value, reply.pk)), column
    assert Comment.objects.get(pk=thread.pk).body == "Check the sum."


def test_a_thread_toggles_between_resolved_and_open_and_nothing_else(people, history):
    thread, reply = history["thread"], history["reply"]
    resolve = (
        "UPDATE reviews_comment SET resolved_at = CURRENT_TIMESTAMP, resolved_by_id = %s "
        "WHERE id = %s"
    )
    reopen = "UPDATE reviews_comment SET resolved_at = NULL, resolved_by_id = NULL WHERE id = %s"
    # Half a resolution, a reply's resolution, reopening an open thread: refused.
    assert refused(*update("comment", "resolved_by_id", people.editor.pk, thread.pk))
    assert refused(
        "UPDATE reviews_comment SET resolved_at = CURRENT_TIMESTAMP WHERE id = %s", [thread.pk]
    )
    assert refused(resolve, [people.editor.pk, reply.pk])
    assert not refused(resolve, [people.editor.pk, thread.pk])
    # Resolved: who and when are kept until it is reopened.
    assert refused(*update("comment", "resolved_by_id", people.manager.pk, thread.pk))
    assert refused(*update("comment", "resolved_at", "2020-01-01 00:00:00+00:00", thread.pk))
    assert refused(resolve, [people.manager.pk, thread.pk])
    assert refused("UPDATE reviews_comment SET resolved_at = NULL WHERE id = %s", [thread.pk])
    assert not refused(reopen, [thread.pk])
    assert Comment.objects.get(pk=thread.pk).resolved_at is None


def test_no_column_of_an_event_can_be_updated(people, history):
    event = Event.objects.filter(verb=Event.Verb.COMMENTED).latest("pk")
    for column, value in [
        ("verb", "edited"),
        ("payload", json.dumps({"comment": 1})),
        ("actor_id", people.manager.pk),
        ("actor_id", None),
        ("paragraph_id", None),
        ("paragraph_id", history["rows"][3].pk),
        ("document_id", new_document(people).pk),
        ("created_at", "2020-01-01 00:00:00+00:00"),
    ]:
        assert refused(*update("event", column, value, event.pk)), column
    assert refused("UPDATE reviews_event SET verb = verb")
    event.refresh_from_db()
    assert event.verb == Event.Verb.COMMENTED and event.paragraph_id is not None


def test_the_workflows_own_moves_still_work(people, reviewing):
    rows = list(reviewing.paragraphs.order_by("position"))
    first = editing.save_edit(people.translator, rows[0].pk, rows[0].text + " One.", 1)
    second = editing.save_edit(people.translator, rows[1].pk, rows[1].text + " Two.", 1)
    third = editing.save_edit(people.translator, rows[2].pk, rows[2].text + " Three.", 1)
    editing.accept_proposal(people.editor, first.pk)
    editing.reject_proposal(people.editor, second.pk)
    editing.withdraw_proposal(people.translator, third.pk)
    # A stale proposal accepted by merging: the proposal is decided, the merge is a new row.
    late = editing.save_edit(people.translator, rows[3].pk, "Welfare. " + rows[3].text, 1)
    editing.save_edit(people.editor, rows[3].pk, rows[3].text + " Shortly.", 1, accept=True)
    merged = editing.accept_proposal(people.editor, late.pk)
    states = dict(
        Revision.objects.filter(pk__in=[first.pk, second.pk, third.pk, late.pk]).values_list(
            "pk", "state"
        )
    )
    assert states == {
        first.pk: "accepted",
        second.pk: "rejected",
        third.pk: "withdrawn",
        late.pk: "accepted",
    }
    assert merged.pk != late.pk and merged.text.startswith("Welfare.")
    thread = comments.add_comment(people.editor, reviewing, "Source?", paragraph=rows[0])
    comments.set_resolved(people.editor, thread, True)
    assert Comment.objects.get(pk=thread.pk).resolved_by == people.editor
    comments.set_resolved(people.manager, thread, False)
    assert Comment.objects.get(pk=thread.pk).resolved_at is None
    comments.set_resolved(people.editor, thread, True)
    assert Comment.objects.get(pk=thread.pk).resolved_by == people.editor


def test_fixing_the_pairing_still_rebuilds_rows(people):
    aligning = new_document(people, stage_actions=())
    comments.add_comment(people.editor, aligning, "Pair row 2 with care.")
    pairing.change_pairing(people.translator, aligning, "merge_next", 0, "target", seen_version=0)
    pairing.undo(people.translator, aligning, seen_version=1)
    assert aligning.paragraphs.count() == 4
    assert aligning.events.filter(verb=Event.Verb.REALIGNED).count() == 2


def run_reverse_sql():
    for operation in migration.Migration.operations:
        if getattr(operation, "vendor", None) == connection.vendor:
            with connection.cursor() as cursor:
                for sql in operation.reverse_sql:
                    cursor.execute(sql)


def test_the_migration_reverses_cleanly(history):
    """The reverse SQL drops exactly what the forward SQL made: afterwards a delete goes
    through. Rolled back, so the triggers are there again."""
    pk = history["reply"].pk
    with pytest.raises(RuntimeError), transaction.atomic():
        run_reverse_sql()
        assert not refused("DELETE FROM reviews_comment WHERE id = %s", [pk])
        assert not Comment.objects.filter(pk=pk).exists()
        raise RuntimeError("roll back")
    assert refused("DELETE FROM reviews_comment WHERE id = %s", [pk])


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_database_and_keeps_the_triggers(people):
    """`manage.py flush` (and the test suite's own flushes) still empty the database: TRUNCATE
    on PostgreSQL, and on SQLite reviews' flush lifts the triggers for the flush only."""
    new_document(people)
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists() and not Revision.objects.exists()
    person = make_user("again", Role.MANAGER)
    document = new_document(SimpleNamespace(translator=person, editor=person, manager=person))
    assert refused("DELETE FROM reviews_event WHERE document_id = %s", [document.pk])
