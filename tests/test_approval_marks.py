"""An approval mark says what is true: a new proposal on an approved paragraph takes the mark
away, and a paragraph with an unresolved critical comment cannot be approved (issue 8, item 12)."""

import pytest
from django.urls import reverse

from reviews import editing
from reviews.comments import add_comment, set_resolved
from reviews.models import Event, Paragraph
from reviews.progress import document_counts
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def first_row(document):
    return document.paragraphs.order_by("position").first()


def approved_row(people, document):
    row = first_row(document)
    editing.approve_paragraph(people.editor, row.pk)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.APPROVED
    return row


def test_a_proposal_on_an_approved_paragraph_takes_the_approval_away(people, reviewing):
    row = approved_row(people, reviewing)
    assert document_counts(reviewing)["approved"] == 1
    proposal = editing.save_edit(people.translator, row.pk, "Budget of 12 trillion won passed", 1)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.TRANSLATED
    assert row.text != proposal.text  # a proposal changes the mark, never the text
    assert document_counts(reviewing)["approved"] == 0
    event = Event.objects.get(document=reviewing, verb=Event.Verb.PROPOSED)
    assert event.payload["unapproved"] is True


def test_a_proposal_on_an_unapproved_paragraph_says_nothing_about_approval(people, reviewing):
    row = first_row(reviewing)
    editing.save_edit(people.translator, row.pk, "Budget of 12 trillion won passed", 1)
    event = Event.objects.get(document=reviewing, verb=Event.Verb.PROPOSED)
    assert "unapproved" not in event.payload


def test_the_row_says_its_approval_was_taken_back(client, people, reviewing):
    row = approved_row(people, reviewing)
    client.force_login(people.translator)
    response = client.post(
        reverse("edit", args=[reviewing.pk, row.pk]),
        {"text": "Budget of 12 trillion won passed", "version": "1"},
        **HTMX,
    )
    html = response.content.decode()
    assert "no longer approved" in html
    assert "approved-mark" not in html
    assert "0 of 4 paragraphs approved · 1 open proposal" in html


def critical_on(people, document, row):
    return add_comment(
        people.editor,
        document,
        "The figure is 12.3 trillion",
        paragraph=row,
        category="accuracy",
        severity="critical",
    )


def test_an_unresolved_critical_comment_blocks_the_paragraphs_approval(people, reviewing):
    row = first_row(reviewing)
    critical = critical_on(people, reviewing, row)
    with pytest.raises(editing.EditRefused, match="unresolved critical comment"):
        editing.approve_paragraph(people.editor, row.pk)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.TRANSLATED
    assert not Event.objects.filter(verb=Event.Verb.APPROVED_PARAGRAPH).exists()
    set_resolved(people.editor, critical, True)
    editing.approve_paragraph(people.editor, row.pk)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.APPROVED


def test_minor_comments_and_critical_ones_elsewhere_do_not_block(people, reviewing):
    row, other = list(reviewing.paragraphs.order_by("position"))[:2]
    critical_on(people, reviewing, other)
    add_comment(
        people.editor, reviewing, "Comma", paragraph=row, category="style", severity="minor"
    )
    editing.approve_paragraph(people.editor, row.pk)
    row.refresh_from_db()
    assert row.status == Paragraph.Status.APPROVED


def test_the_refusal_shows_on_the_row(client, people, reviewing):
    row = first_row(reviewing)
    critical_on(people, reviewing, row)
    client.force_login(people.editor)
    response = client.post(reverse("approve_paragraph", args=[reviewing.pk, row.pk]), **HTMX)
    html = response.content.decode()
    assert "This paragraph has an unresolved critical comment" in html
    assert "approved-mark" not in html
