"""The review conversation: a reason with a rejection, Undo after a decision, notifications of
decisions and comments, and comments a translator marks addressed (issue 14)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews import editing
from reviews.comments import (
    CommentRefused,
    add_comment,
    is_addressed,
    mark_addressed,
    set_resolved,
    waiting_threads,
)
from reviews.models import Event, Notification, Paragraph, Revision
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def in_review(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def first_row(document):
    return document.paragraphs.order_by("position").first()


def propose(people, document, text="City council approves the budget"):
    row = first_row(document)
    return editing.save_edit(people.translator, row.pk, text, row.version)


def told(user, reason):
    return list(
        Notification.objects.filter(recipient=user, reason=reason).select_related(
            "event__paragraph"
        )
    )


# --------------------------------------------------------------------------- reject reason


def test_a_rejection_keeps_its_reason_in_the_decision_and_tells_the_author(people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk, "  The  budget is\tnot\nfinal yet. ")
    proposal.refresh_from_db()
    assert proposal.state == Revision.State.REJECTED
    assert proposal.note == "The budget is not final yet."
    [notification] = told(people.translator, Notification.Reason.DECIDED)
    event = notification.event
    assert event.verb == Event.Verb.REJECTED
    assert event.payload["note"] == "The budget is not final yet."
    assert event.payload["excerpt"] == "City council approves the budget"
    assert told(people.editor, Notification.Reason.DECIDED) == []


def test_a_rejection_without_a_reason_has_none(people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk)
    proposal.refresh_from_db()
    assert proposal.note == ""
    [notification] = told(people.translator, Notification.Reason.DECIDED)
    assert "note" not in notification.event.payload


def test_the_reason_cannot_be_written_after_the_decision(people, in_review):
    """The database allows the note only in the deciding update; this is why reject writes it
    there."""
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.filter(pk=proposal.pk).update(note="changed my mind")


def test_an_acceptance_tells_the_author(people, in_review):
    proposal = propose(people, in_review)
    editing.accept_proposal(people.editor, proposal.pk)
    [notification] = told(people.translator, Notification.Reason.DECIDED)
    assert notification.event.verb == Event.Verb.ACCEPTED
    assert notification.event.paragraph_id == proposal.paragraph_id


def test_the_reject_form_sends_the_reason_and_the_row_says_it(client, people, in_review):
    proposal = propose(people, in_review)
    client.force_login(people.editor)
    url = reverse("decide", args=[in_review.pk, proposal.pk, "reject"])
    html = client.post(url, {"note": "Say <b>approves</b>"}, **HTMX).content.decode()
    assert "Rejected: “Say &lt;b&gt;approves&lt;/b&gt;”." in html
    assert "data-undo-offer" in html
    history = client.get(reverse("history", args=[in_review.pk, proposal.paragraph_id]))
    assert "Say &lt;b&gt;approves&lt;/b&gt;" in history.content.decode()


def test_the_notification_names_the_row_escapes_and_links(client, people, in_review):
    row = first_row(in_review)
    text = "<script>x</script> " + "long words " * 30
    proposal = editing.save_edit(people.translator, row.pk, text, row.version)
    editing.reject_proposal(people.editor, proposal.pk, "<i>no</i>")
    client.force_login(people.translator)
    html = client.get(reverse("notifications")).content.decode()
    assert f"row {row.number}" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert "&lt;i&gt;no&lt;/i&gt;" in html
    assert f'value="{in_review.get_absolute_url()}#row-{row.pk}"' in html
    excerpt = Event.objects.get(verb=Event.Verb.REJECTED).payload["excerpt"]
    assert len(excerpt) == editing.EXCERPT_CHARS and excerpt.endswith("…")


# --------------------------------------------------------------------------- undo


def test_undoing_an_accept_adds_a_revision_with_the_earlier_text(people, in_review):
    row = first_row(in_review)
    before = row.text
    proposal = propose(people, in_review)
    accepted = editing.accept_proposal(people.editor, proposal.pk)
    row.refresh_from_db()
    undo = editing.undo_decision(people.editor, accepted.pk, row.version)
    row.refresh_from_db()
    assert row.text == before and row.version == accepted.version + 1
    assert undo.state == Revision.State.ACCEPTED and undo.version == row.version
    assert undo.note == f"undoes the acceptance of #{accepted.pk}"
    accepted.refresh_from_db()
    assert accepted.state == Revision.State.ACCEPTED  # the decided revision is untouched
    event = Event.objects.get(verb=Event.Verb.UNDONE)
    assert event.payload == {"undoes": accepted.pk, "decision": "accepted", "revision": undo.pk}


def test_undoing_a_reject_reopens_the_same_text_by_the_same_author(people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk, "not yet")
    row = Paragraph.objects.get(pk=proposal.paragraph_id)
    reopened = editing.undo_decision(people.editor, proposal.pk, row.version)
    assert reopened.state == Revision.State.PROPOSED
    assert (reopened.author, reopened.text) == (people.translator, proposal.text)
    assert reopened.note == f"reopens #{proposal.pk}"
    proposal.refresh_from_db()
    assert proposal.state == Revision.State.REJECTED
    # And it can be accepted as any proposal.
    editing.accept_proposal(people.editor, reopened.pk)
    row.refresh_from_db()
    assert row.text == proposal.text


def test_an_undo_is_refused_when_the_row_changed_since(people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk)
    row = Paragraph.objects.get(pk=proposal.paragraph_id)
    seen = row.version
    editing.save_edit(people.editor, row.pk, "An editor's own line", seen, accept=True)
    with pytest.raises(editing.EditRefused, match="changed since"):
        editing.undo_decision(people.editor, proposal.pk, seen)
    assert not Event.objects.filter(verb=Event.Verb.UNDONE).exists()


def test_an_accept_is_undone_once_only(people, in_review):
    proposal = propose(people, in_review)
    accepted = editing.accept_proposal(people.editor, proposal.pk)
    editing.undo_decision(people.editor, accepted.pk, accepted.version)
    with pytest.raises(editing.EditRefused):
        editing.undo_decision(people.editor, accepted.pk, accepted.version + 1)


def test_a_reject_is_undone_once_only(people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk)
    version = Paragraph.objects.get(pk=proposal.paragraph_id).version
    editing.undo_decision(people.editor, proposal.pk, version)
    with pytest.raises(editing.EditRefused, match="already undone"):
        editing.undo_decision(people.editor, proposal.pk, version)
    assert Revision.objects.filter(state=Revision.State.PROPOSED).count() == 1


def test_a_translator_cannot_undo_a_decision(people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk)
    version = Paragraph.objects.get(pk=proposal.paragraph_id).version
    with pytest.raises(PermissionDenied):
        editing.undo_decision(people.translator, proposal.pk, version)


def test_undo_from_the_notice_without_htmx(client, people, in_review):
    proposal = propose(people, in_review)
    client.force_login(people.editor)
    response = client.post(reverse("decide", args=[in_review.pk, proposal.pk, "accept"]))
    assert f"?undo={proposal.pk}#row-" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    undo_url = reverse("undo_decision", args=[in_review.pk, proposal.pk])
    assert f'action="{undo_url}"' in page
    accepted = Revision.objects.get(pk=proposal.pk)
    response = client.post(undo_url, {"version": accepted.version})
    assert response.status_code == 302
    assert Event.objects.filter(verb=Event.Verb.UNDONE).count() == 1
    # The offer is gone once the decision is no longer the row's latest change.
    page = client.get(f"{in_review.get_absolute_url()}?undo={proposal.pk}").content.decode()
    assert f'action="{undo_url}"' not in page


def test_a_stale_undo_from_the_page_says_why(client, people, in_review):
    proposal = propose(people, in_review)
    editing.reject_proposal(people.editor, proposal.pk)
    seen = Paragraph.objects.get(pk=proposal.paragraph_id).version
    editing.save_edit(people.editor, proposal.paragraph_id, "Another line", seen, accept=True)
    client.force_login(people.editor)
    url = reverse("undo_decision", args=[in_review.pk, proposal.pk])
    html = client.post(url, {"version": seen}, **HTMX).content.decode()
    assert "can no longer be undone" in html


# --------------------------------------------------------------------------- comments


def test_a_comment_tells_the_people_on_the_document_but_not_its_author(people, in_review):
    row = first_row(in_review)
    add_comment(people.editor, in_review, "Is the <figure> right?", paragraph=row)
    [notification] = told(people.translator, Notification.Reason.COMMENT)
    assert notification.event.payload["excerpt"] == "Is the <figure> right?"
    assert notification.event.paragraph == row
    comment_event = Event.objects.get(verb=Event.Verb.COMMENTED)
    assert list(comment_event.notifications.values_list("recipient", flat=True)) == [
        people.translator.pk
    ]
    assert told(people.manager, Notification.Reason.COMMENT) == []  # not on the document


def test_a_reply_tells_each_person_once(people, in_review):
    thread = add_comment(people.editor, in_review, "Check this", paragraph=first_row(in_review))
    add_comment(people.translator, in_review, "Checked", reply_to=thread)
    reply_event = Event.objects.filter(verb=Event.Verb.COMMENTED).last()
    reasons = Notification.objects.filter(event=reply_event).values_list("recipient", "reason")
    assert list(reasons) == [(people.editor.pk, Notification.Reason.REPLY)]


def test_a_translator_marks_addressed_and_the_editor_resolves_or_reopens(people, in_review):
    thread = add_comment(people.editor, in_review, "Wrong figure", paragraph=first_row(in_review))
    assert waiting_threads(people.translator) == [thread]
    assert waiting_threads(people.editor) == []
    mark_addressed(people.translator, thread)
    assert is_addressed(thread)
    assert waiting_threads(people.translator) == []
    assert waiting_threads(people.editor) == [thread]
    assert told(people.editor, Notification.Reason.REPLY)[0].event.verb == Event.Verb.ADDRESSED
    set_resolved(people.editor, thread, False)  # reopen: back to the translator
    assert not is_addressed(thread)
    assert waiting_threads(people.translator) == [thread]
    thread.refresh_from_db()
    assert thread.resolved_at is None  # an event only: the comment row is untouched
    mark_addressed(people.translator, thread)
    set_resolved(people.editor, thread, True)
    assert waiting_threads(people.editor) == waiting_threads(people.translator) == []


def test_an_editor_cannot_mark_addressed_nor_the_author(people, in_review):
    thread = add_comment(people.editor, in_review, "Wrong figure")
    with pytest.raises(PermissionDenied):
        mark_addressed(people.editor, thread)
    question = add_comment(people.translator, in_review, "Which figure?")
    with pytest.raises(CommentRefused):
        mark_addressed(people.translator, question)
    assert waiting_threads(people.editor) == [question]


def test_a_reply_by_the_translator_is_an_answer(people, in_review):
    thread = add_comment(people.editor, in_review, "Wrong figure")
    add_comment(people.translator, in_review, "It is the final one.", reply_to=thread)
    assert waiting_threads(people.translator) == []
    assert waiting_threads(people.editor) == [thread]


def test_the_address_button_and_the_dashboard_count(client, people, in_review):
    row = first_row(in_review)
    thread = add_comment(people.editor, in_review, "Wrong <figure>", paragraph=row)
    client.force_login(people.translator)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "1 comment waiting for your answer" in dashboard
    assert "Wrong &lt;figure&gt;" in dashboard
    url = reverse("resolve_comment", args=[in_review.pk, thread.pk, "address"])
    html = client.post(url, **HTMX).content.decode()
    assert "Addressed, waiting for the editor" in html and "Mark addressed" not in html
    assert "waiting for your answer" not in client.get(reverse("dashboard")).content.decode()


def test_waiting_threads_take_two_queries_however_many(people, django_assert_num_queries):
    for _ in range(3):
        document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
        thread = add_comment(people.editor, document, "Wrong figure")
        add_comment(people.editor, document, "And this", reply_to=thread)
        mark_addressed(people.translator, add_comment(people.editor, document, "Check"))
    # One of plain ids to find them, one for the comments themselves.
    with django_assert_num_queries(2):
        assert len(waiting_threads(people.translator)) == 3


def test_a_direct_save_is_no_decision_to_undo(people, in_review):
    row = first_row(in_review)
    saved = editing.save_edit(people.editor, row.pk, "The editor's own line", 1, accept=True)
    with pytest.raises(editing.EditRefused, match="Only an accepted or rejected proposal"):
        editing.undo_decision(people.editor, saved.pk, saved.version)


def test_a_merged_accept_is_undone_to_the_text_before_the_merge(people, in_review):
    row = first_row(in_review)
    proposal = propose(people, in_review, "City council approves 12 trillion won budget today")
    between = editing.save_edit(
        people.editor, row.pk, "Seoul city council approves 12 trillion won budget", 1, accept=True
    )
    merge = editing.accept_proposal(people.editor, proposal.pk)
    assert merge.pk != proposal.pk
    editing.undo_decision(people.editor, merge.pk, merge.version)
    row.refresh_from_db()
    assert row.text == between.text
