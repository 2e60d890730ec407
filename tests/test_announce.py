"""What a screen reader is told after each htmx update: the sentence comes from the server in
the HX-Trigger-After-Settle header (reviews/views/announce.py), and the swapped fragment has no
role="status" or role="alert" of its own, so it is read once."""

import json

import pytest
from django.urls import reverse

from reviews import editing
from tests.conftest import new_document


def said(response):
    """The announcement of a response: (text, urgent), or None."""
    header = response.headers.get("HX-Trigger-After-Settle")
    if not header:
        return None
    event = json.loads(header)["announce"]
    return event["text"], event["urgent"]


def no_roles_of_its_own(response):
    body = response.content.decode()
    return 'role="status"' not in body and 'role="alert"' not in body


def first_row(document):
    return document.paragraphs.order_by("position").first()


def htmx_post(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


@pytest.fixture
def in_review(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def test_a_save_says_which_paragraph_was_saved(client, people, document):
    client.force_login(people.translator)
    row = document.paragraphs.get(position=1)
    url = reverse("edit", args=[document.pk, row.pk])
    response = htmx_post(client, url, {"text": "A new English line.", "version": row.version})
    assert said(response) == ("Paragraph 2 saved.", False)
    assert no_roles_of_its_own(response)


def test_a_proposal_and_its_acceptance_are_said(client, people, in_review):
    row = first_row(in_review)
    client.force_login(people.translator)
    url = reverse("edit", args=[in_review.pk, row.pk])
    response = htmx_post(client, url, {"text": "Proposed words.", "version": row.version})
    assert said(response) == ("Paragraph 1: your change is proposed.", False)
    proposal = row.revisions.get(state="proposed")
    client.force_login(people.editor)
    response = htmx_post(client, reverse("decide", args=[in_review.pk, proposal.pk, "accept"]), {})
    assert said(response) == ("Proposal accepted on paragraph 1. Undo available.", False)
    assert "Accepted." in response.content.decode()  # still shown, just not a live region
    assert no_roles_of_its_own(response)


def test_save_and_accept_and_approve_are_said(client, people, in_review):
    row = first_row(in_review)
    client.force_login(people.editor)
    url = reverse("edit", args=[in_review.pk, row.pk])
    data = {"text": "Edited and accepted.", "version": row.version, "accept": "1"}
    assert said(htmx_post(client, url, data)) == ("Paragraph 1 saved and accepted.", False)
    response = htmx_post(client, reverse("approve_paragraph", args=[in_review.pk, row.pk]), {})
    assert said(response) == ("Paragraph 1 approved.", False)


def test_a_conflict_is_said_at_once(client, people, in_review):
    row = first_row(in_review)
    editing.save_edit(people.editor, row.pk, "Changed by someone else.", row.version, accept=True)
    client.force_login(people.editor)
    url = reverse("edit", args=[in_review.pk, row.pk])
    response = htmx_post(client, url, {"text": "My other change.", "version": row.version})
    text, urgent = said(response)
    assert urgent and text.startswith("Paragraph 1: This paragraph was changed by Daniel Park")
    assert no_roles_of_its_own(response)


def test_a_refused_decision_is_said_at_once(client, people, in_review):
    row = first_row(in_review)
    proposal = editing.save_edit(people.translator, row.pk, "Proposed.", row.version)
    client.force_login(people.editor)
    url = reverse("decide", args=[in_review.pk, proposal.pk, "accept"])
    htmx_post(client, url, {})
    response = htmx_post(client, url, {})
    text, urgent = said(response)
    assert urgent and text.startswith("Paragraph 1: ")
    assert no_roles_of_its_own(response)


def test_a_comment_and_a_reply_are_said(client, people, document):
    row = first_row(document)
    client.force_login(people.editor)
    url = reverse("paragraph_comments", args=[document.pk, row.pk])
    response = htmx_post(client, url, {"body": "Is the figure right?"})
    assert said(response) == ("Comment added to paragraph 1.", False)
    thread = row.comments.get()
    response = htmx_post(client, url, {"body": "Yes.", "reply_to": thread.pk})
    assert said(response) == ("Reply added on paragraph 1.", False)
    response = htmx_post(client, url, {"body": "   "})
    assert said(response)[1] is True
    assert no_roles_of_its_own(response)
    url = reverse("resolve_comment", args=[document.pk, thread.pk, "resolve"])
    assert said(htmx_post(client, url, {})) == ("Comment resolved.", False)


def test_a_page_without_htmx_gets_no_announcement_header(client, people, document):
    client.force_login(people.translator)
    row = first_row(document)
    url = reverse("edit", args=[document.pk, row.pk])
    response = client.post(url, {"text": "Plain form post.", "version": row.version})
    assert response.status_code == 302 and said(response) is None


def test_every_page_has_the_two_live_regions(client, people, document):
    client.force_login(people.translator)
    page = client.get(document.get_absolute_url()).content.decode()
    assert '<div id="announce-polite" class="visually-hidden" aria-live="polite"' in page
    assert '<div id="announce-assertive" class="visually-hidden" aria-live="assertive"' in page
    assert "js/announce.js" in page
