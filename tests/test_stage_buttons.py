"""The stage buttons and the progress stay current: every action that changes what a
transition depends on re-sends them out of band, comment actions as well as row actions."""

import pytest
from django.urls import reverse

from reviews import editing
from reviews.comments import add_comment
from reviews.models import Comment
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}


def from_page(document):
    """The headers of an htmx request made from the document's page."""
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{document.get_absolute_url()}"}


@pytest.fixture
def all_approved(people):
    """In review, every paragraph approved: only comments can hold approval back."""
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    for row in document.paragraphs.all():
        editing.approve_paragraph(people.editor, row.pk)
    return document


def approve_button(html):
    """The "Approve document" form of the out-of-band stage buttons."""
    start = html.index('<div class="transitions" id="transitions" hx-swap-oob="true">')
    buttons = html[start : html.index("</div>", start)]
    approve = buttons[buttons.index("/transition/approve/") :]
    return approve[: approve.index("</form>")]


def test_resolving_the_last_critical_comment_enables_approval_at_once(client, people, all_approved):
    row = all_approved.paragraphs.first()
    critical = add_comment(
        people.editor,
        all_approved,
        "Wrong figure.",
        paragraph=row,
        category="accuracy",
        severity="critical",
    )
    client.force_login(people.editor)
    url = reverse("resolve_comment", args=[all_approved.pk, critical.pk, "resolve"])
    html = client.post(url, **from_page(all_approved)).content.decode()
    assert "Resolved by Daniel Park" in html
    button = approve_button(html)
    assert "disabled" not in button and "unresolved critical" not in button
    assert 'id="progress" hx-swap-oob="true"' in html

    reopen = reverse("resolve_comment", args=[all_approved.pk, critical.pk, "reopen"])
    button = approve_button(client.post(reopen, **from_page(all_approved)).content.decode())
    assert "disabled" in button and "1 unresolved critical comment." in button


def test_a_new_critical_comment_disables_approval_at_once(client, people, all_approved):
    row = all_approved.paragraphs.first()
    client.force_login(people.editor)
    url = reverse("paragraph_comments", args=[all_approved.pk, row.pk])
    body = {"body": "Name misspelt.", "category": "accuracy", "severity": "critical"}
    html = client.post(url, body, **from_page(all_approved)).content.decode()
    assert Comment.objects.filter(severity="critical").count() == 1
    assert "1 unresolved critical comment." in approve_button(html)


def test_document_comments_send_the_buttons_too(client, people, all_approved):
    client.force_login(people.editor)
    url = reverse("document_comments", args=[all_approved.pk])
    body = {"body": "Headline wrong.", "category": "accuracy", "severity": "critical"}
    html = client.post(url, body, **from_page(all_approved)).content.decode()
    assert "1 unresolved critical comment." in approve_button(html)


def test_the_comments_page_of_its_own_gets_no_out_of_band_swaps(client, people, all_approved):
    """Nothing there to swap: htmx would report a missing target."""
    row = all_approved.paragraphs.first()
    client.force_login(people.editor)
    url = reverse("paragraph_comments", args=[all_approved.pk, row.pk])
    headers = {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{url}"}
    html = client.post(url, {"body": "A note."}, **headers).content.decode()
    assert "hx-swap-oob" not in html
