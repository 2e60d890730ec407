"""Every change and its Event are one transaction: when the Event cannot be written, nothing of
the change remains. The failure is real: a trigger, made for the test and rolled back with it,
makes the database refuse every new event row (PostgreSQL and SQLite)."""

import pytest
from django.db import DatabaseError, connection

from reviews import comments, editing, pairing, workflow
from reviews.models import Comment, Document, Event, Notification, Paragraph, Revision
from tests.conftest import new_document

REFUSE_EVENTS = {
    "postgresql": [
        """CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'event log unavailable'; END $$""",
        "CREATE TRIGGER test_refuse_event BEFORE INSERT ON reviews_event "
        "FOR EACH ROW EXECUTE FUNCTION test_refuse_event()",
    ],
    "sqlite": [
        "CREATE TRIGGER test_refuse_event BEFORE INSERT ON reviews_event "
        "BEGIN SELECT RAISE(ABORT, 'event log unavailable'); END",
    ],
}


@pytest.fixture
def events_fail(db):
    """From here on, writing an Event fails (inside the test's transaction, so it goes away)."""

    def start():
        with connection.cursor() as cursor:
            for sql in REFUSE_EVENTS[connection.vendor]:
                cursor.execute(sql)

    return start


def state_of(document):
    """Everything a change could have touched, as plain values."""
    document = Document.objects.get(pk=document.pk)
    return {
        "document": (document.stage, document.translator_id, document.editor_id),
        "rows": list(
            Paragraph.objects.filter(document=document)
            .order_by("position")
            .values_list("position", "source", "text", "version", "status", "pinned")
        ),
        "revisions": list(
            Revision.objects.filter(paragraph__document=document)
            .order_by("pk")
            .values_list("pk", "state", "text", "version", "decided_at")
        ),
        "comments": list(Comment.objects.filter(document=document).values_list("pk", "body")),
        "events": Event.objects.filter(document=document).count(),
        "notifications": Notification.objects.count(),
    }


def assert_nothing_remains(document, before, action):
    with pytest.raises(DatabaseError, match="event log unavailable"):
        action()
    assert state_of(document) == before


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def test_an_edit_leaves_nothing_without_its_event(people, document, events_fail):
    row = document.paragraphs.order_by("position")[1]
    before = state_of(document)
    events_fail()
    assert_nothing_remains(
        document,
        before,
        lambda: editing.save_edit(people.translator, row.pk, row.text + " Later.", 1),
    )


def test_an_approved_paragraph_stays_approved_when_a_proposal_fails(people, reviewing, events_fail):
    row = reviewing.paragraphs.order_by("position")[0]
    editing.approve_paragraph(people.editor, row.pk)
    before = state_of(reviewing)
    events_fail()
    assert_nothing_remains(
        reviewing,
        before,
        lambda: editing.save_edit(people.translator, row.pk, row.text + " Later.", 1),
    )


def test_an_accept_leaves_the_proposal_open_and_the_text_as_it_was(people, reviewing, events_fail):
    rows = list(reviewing.paragraphs.order_by("position"))
    proposal = editing.save_edit(people.translator, rows[1].pk, rows[1].text + " Later.", 1)
    # A stale one too, so the merge path (a second revision) is covered.
    stale = editing.save_edit(people.translator, rows[2].pk, "Welfare. " + rows[2].text, 1)
    editing.save_edit(people.editor, rows[2].pk, rows[2].text + " Shortly.", 1, accept=True)
    before = state_of(reviewing)
    events_fail()
    assert_nothing_remains(
        reviewing, before, lambda: editing.accept_proposal(people.editor, proposal.pk)
    )
    assert_nothing_remains(
        reviewing, before, lambda: editing.accept_proposal(people.editor, stale.pk)
    )
    assert_nothing_remains(
        reviewing, before, lambda: editing.reject_proposal(people.editor, proposal.pk)
    )


def test_a_comment_and_its_mentions_leave_nothing(people, reviewing, events_fail):
    row = reviewing.paragraphs.order_by("position")[0]
    thread = comments.add_comment(people.editor, reviewing, "Check this.", paragraph=row)
    before = state_of(reviewing)
    events_fail()
    assert_nothing_remains(
        reviewing,
        before,
        lambda: comments.add_comment(
            people.translator, reviewing, "@daniel done.", reply_to=thread
        ),
    )
    assert_nothing_remains(
        reviewing, before, lambda: comments.set_resolved(people.editor, thread, True)
    )
    assert Comment.objects.get(pk=thread.pk).resolved_at is None


def test_a_transition_leaves_the_stage_and_history_as_they_were(people, events_fail):
    aligning = new_document(people, stage_actions=())
    before = state_of(aligning)
    assert before["revisions"] == []
    events_fail()
    # Confirming the pairing also writes every row's first revision: none may remain.
    assert_nothing_remains(
        aligning,
        before,
        lambda: workflow.take_transition(people.translator, "confirm_pairing", aligning),
    )


def test_a_pairing_action_leaves_the_rows_as_they_were(people, events_fail):
    aligning = new_document(people, stage_actions=())
    pairing.change_pairing(people.translator, aligning, "merge_next", 0, "target", seen_version=0)
    before = state_of(aligning)
    events_fail()
    assert_nothing_remains(
        aligning,
        before,
        lambda: pairing.change_pairing(
            people.translator, aligning, "split", 0, "target", 1, seen_version=1
        ),
    )
    assert_nothing_remains(
        aligning, before, lambda: pairing.undo(people.translator, aligning, seen_version=1)
    )


def test_an_assignment_leaves_the_people_as_they_were(people, document, events_fail):
    before = state_of(document)
    events_fail()
    assert_nothing_remains(
        document,
        before,
        lambda: workflow.assign(
            people.manager, document, translator=people.outsider, editor=people.editor
        ),
    )
