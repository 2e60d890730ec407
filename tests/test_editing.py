"""Revisions, proposals and decisions: who may do what, and that nothing typed is lost."""

import pytest
from django.core.exceptions import PermissionDenied

from reviews import editing, workflow
from reviews.models import Event, Paragraph, Revision, Stage
from tests.conftest import new_document


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def first_row(document):
    return document.paragraphs.order_by("position").first()


def test_the_first_revision_is_the_uploaded_translation(document):
    for paragraph in document.paragraphs.all():
        first = paragraph.revisions.order_by("pk").first()
        assert first.text == paragraph.text == paragraph.original_text
        assert first.state == Revision.State.ACCEPTED and first.version == 1


def test_translator_edits_are_accepted_at_once_while_translating(people, document):
    row = first_row(document)
    revision = editing.save_edit(people.translator, row.pk, "Council passes budget", row.version)
    row.refresh_from_db()
    assert revision.state == Revision.State.ACCEPTED
    assert row.text == "Council passes budget" and row.version == 2
    assert revision.diff[0][0] != 0 or len(revision.diff) > 1
    assert Event.objects.filter(verb=Event.Verb.EDITED, paragraph=row).exists()


def test_every_change_is_a_proposal_while_reviewing(people, reviewing):
    row = first_row(reviewing)
    for who in (people.translator, people.editor, people.manager):
        revision = editing.save_edit(who, row.pk, f"Budget passed ({who.username})", row.version)
        assert revision.state == Revision.State.PROPOSED
    row.refresh_from_db()
    assert row.version == 1 and row.text.startswith("City council")
    assert row.revisions.filter(state=Revision.State.PROPOSED).count() == 3


def test_editor_can_edit_and_accept_in_one_step(people, reviewing):
    row = first_row(reviewing)
    revision = editing.save_edit(people.editor, row.pk, "Budget passed", row.version, accept=True)
    row.refresh_from_db()
    assert revision.state == Revision.State.ACCEPTED and row.text == "Budget passed"
    assert revision.decided_by == people.editor


def test_translator_cannot_edit_and_accept(people, reviewing):
    row = first_row(reviewing)
    with pytest.raises(PermissionDenied):
        editing.save_edit(people.translator, row.pk, "Budget", row.version, accept=True)
    assert row.revisions.count() == 1


def test_nobody_edits_before_pairing_is_confirmed_or_after_approval(people):
    aligning = new_document(people, stage_actions=())
    row = first_row(aligning)
    with pytest.raises(PermissionDenied):
        editing.save_edit(people.translator, row.pk, "x", row.version)


def test_outsider_can_do_nothing(people, document):
    row = first_row(document)
    with pytest.raises(PermissionDenied):
        editing.save_edit(people.outsider, row.pk, "x", row.version)


def test_accept_reject_and_withdraw(people, reviewing):
    row = first_row(reviewing)
    first = editing.save_edit(people.translator, row.pk, "Budget approved", 1)
    second = editing.save_edit(people.translator, row.pk, "Council backs budget", 1)
    third = editing.save_edit(people.translator, row.pk, "Council approves spending", 1)
    with pytest.raises(PermissionDenied):
        editing.accept_proposal(people.translator, first.pk)
    editing.accept_proposal(people.editor, first.pk)
    editing.reject_proposal(people.editor, second.pk)
    with pytest.raises(PermissionDenied):
        editing.withdraw_proposal(people.editor, third.pk)
    editing.withdraw_proposal(people.translator, third.pk)
    states = dict(row.revisions.values_list("pk", "state"))
    assert states[first.pk] == "accepted"
    assert states[second.pk] == "rejected"
    assert states[third.pk] == "withdrawn"
    row.refresh_from_db()
    assert row.text == "Budget approved" and row.version == 2
    with pytest.raises(editing.EditRefused):
        editing.reject_proposal(people.editor, first.pk)


def test_a_stale_edit_of_another_part_is_merged(people, document):
    row = document.paragraphs.get(position=1)
    base = row.text
    editing.save_edit(people.translator, row.pk, base.replace("passed", "approved"), 1)
    mine = base.replace("plenary session", "full session")
    revision = editing.save_edit(people.translator, row.pk, mine, 1)
    row.refresh_from_db()
    assert "approved" in row.text and "full session" in row.text
    assert row.version == 3 and revision.base_version == 2


def test_a_stale_edit_of_the_same_words_is_a_conflict_that_keeps_the_text(people, document):
    row = document.paragraphs.get(position=1)
    base = row.text
    editing.save_edit(people.translator, row.pk, base.replace("passed", "approved"), 1)
    mine = base.replace("passed", "adopted")
    with pytest.raises(editing.Conflict) as conflict:
        editing.save_edit(people.translator, row.pk, mine, 1)
    assert conflict.value.mine == mine
    assert conflict.value.current == base.replace("passed", "approved")
    row.refresh_from_db()
    assert row.version == 2 and row.revisions.count() == 2


def test_rival_proposals_cannot_both_win(people, reviewing):
    row = reviewing.paragraphs.get(position=1)
    base = row.text
    one = editing.save_edit(people.translator, row.pk, base.replace("passed", "approved"), 1)
    two = editing.save_edit(people.editor, row.pk, base.replace("passed", "adopted"), 1)
    editing.accept_proposal(people.editor, one.pk)
    with pytest.raises(editing.Conflict):
        editing.accept_proposal(people.manager, two.pk)
    two.refresh_from_db()
    row.refresh_from_db()
    assert two.state == Revision.State.PROPOSED
    assert row.text == base.replace("passed", "approved")


def test_separate_proposals_both_win_with_a_merge_revision(people, reviewing):
    row = reviewing.paragraphs.get(position=1)
    base = row.text
    one = editing.save_edit(people.translator, row.pk, base.replace("passed", "approved"), 1)
    two = editing.save_edit(people.editor, row.pk, base.replace("plenary", "full"), 1)
    editing.accept_proposal(people.editor, one.pk)
    merge = editing.accept_proposal(people.editor, two.pk)
    row.refresh_from_db()
    assert "approved" in row.text and "full session" in row.text
    assert merge.pk != two.pk and merge.version == row.version == 3
    two.refresh_from_db()
    assert two.text == base.replace("plenary", "full")  # the proposal's text never changes


def test_paragraph_approval_needs_no_open_proposal_and_is_undone_by_a_change(people, reviewing):
    row = first_row(reviewing)
    proposal = editing.save_edit(people.translator, row.pk, "Budget approved", 1)
    with pytest.raises(editing.EditRefused):
        editing.approve_paragraph(people.editor, row.pk)
    with pytest.raises(PermissionDenied):
        editing.approve_paragraph(people.translator, row.pk)
    editing.reject_proposal(people.editor, proposal.pk)
    editing.approve_paragraph(people.editor, row.pk)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.APPROVED
    editing.save_edit(people.editor, row.pk, "Budget approved", row.version, accept=True)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.TRANSLATED


def test_restore_brings_back_old_text_as_a_new_revision(people, document):
    row = first_row(document)
    original = row.revisions.get()
    editing.save_edit(people.translator, row.pk, "Changed headline", 1)
    restored = editing.restore_revision(people.translator, original, 2)
    row.refresh_from_db()
    assert row.text == original.text and row.version == 3
    assert row.revisions.count() == 3 and "restored" in restored.note


def test_decide_all_accepts_one_authors_proposals_and_leaves_conflicts_open(people, reviewing):
    rows = list(reviewing.paragraphs.order_by("position"))
    for row in rows[:3]:
        editing.save_edit(people.translator, row.pk, row.text + " (checked)", 1)
    rival = editing.save_edit(people.editor, rows[0].pk, rows[0].text + " (edited)", 1)
    editing.accept_proposal(people.editor, rival.pk)
    decided, conflicts = editing.decide_all(people.editor, reviewing, people.translator, True)
    assert (decided, conflicts) == (2, 1)


def test_nothing_changed_is_refused(people, document):
    row = first_row(document)
    with pytest.raises(editing.EditRefused):
        editing.save_edit(people.translator, row.pk, row.text + "  \n", 1)


def test_approval_of_the_document_is_guarded(people, reviewing):
    reason = workflow.refusal(people.editor, "approve", reviewing)
    assert reason == "4 paragraphs not yet approved."
    for row in reviewing.paragraphs.all():
        editing.approve_paragraph(people.editor, row.pk)
    assert workflow.can(people.editor, "approve", reviewing)
    workflow.take_transition(people.editor, "approve", reviewing)
    reviewing.refresh_from_db()
    assert reviewing.stage == Stage.APPROVED
    row = first_row(reviewing)
    with pytest.raises(PermissionDenied):
        editing.save_edit(people.editor, row.pk, "Too late", row.version, accept=True)


def test_a_merge_over_the_length_cap_is_refused(people, document):
    row = document.paragraphs.get(position=1)
    base = "word " * 1790  # just under 9,000 characters
    editing.save_edit(people.translator, row.pk, base, 1)
    editing.save_edit(people.translator, row.pk, "start " * 160 + base, 2)
    with pytest.raises(editing.EditRefused, match="the limit is 10,000"):
        editing.save_edit(people.translator, row.pk, base + " end" * 250, 2)
    row.refresh_from_db()
    assert row.version == 3 and len(row.text) < 10_000


def test_accept_all_skips_what_cannot_be_accepted_and_keeps_going(people, reviewing):
    rows = list(reviewing.paragraphs.order_by("position"))
    base = "word " * 1790
    editing.save_edit(people.editor, rows[1].pk, base, 1, accept=True)
    editing.save_edit(people.translator, rows[1].pk, "start " * 160 + base, 2)
    editing.save_edit(people.editor, rows[1].pk, base + " end" * 250, 2)
    editing.save_edit(people.translator, rows[2].pk, rows[2].text + " Checked.", 1)
    editing.accept_proposal(
        people.editor,
        rows[1].revisions.filter(author=people.translator, state="proposed").get().pk,
    )
    # The editor's own proposal would now merge over the cap: skipped, not a crash.
    assert editing.decide_all(people.editor, reviewing, people.editor, True) == (0, 1)
    assert editing.decide_all(people.editor, reviewing, people.translator, True) == (1, 0)
