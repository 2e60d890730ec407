"""The row re-rendered after an action (reviews.views.grid.row_of) carries what the page's rows
carry (rows_of): the same open proposals, open threads, reply and comment counts, so the same
row cache key and the same HTML."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from reviews import editing
from reviews.comments import add_comment, set_resolved
from reviews.models import Comment
from reviews.row_cache import row_cache_key, row_viewer
from reviews.views.grid import grid_context, row_of, rows_of
from tests.conftest import new_document


@pytest.fixture
def busy(people):
    """A document in review whose rows have proposals, open and resolved threads, replies."""
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    first, second, third, _fourth = document.paragraphs.order_by("position")
    editing.save_edit(people.translator, first.pk, first.text + " One.", first.version)
    editing.save_edit(people.editor, first.pk, first.text + " Two.", first.version)
    thread = add_comment(people.editor, document, "Check this.", paragraph=first)
    add_comment(people.translator, document, "Checked.", reply_to=thread)
    add_comment(people.translator, document, "And again.", reply_to=thread)
    solved = add_comment(
        people.editor, document, "Tone.", paragraph=second, category="style", severity="minor"
    )
    add_comment(people.translator, document, "Fixed.", reply_to=solved)
    set_resolved(people.editor, solved, True)
    add_comment(people.editor, document, "Open one.", paragraph=second)
    add_comment(people.editor, document, "On the document.")
    editing.save_edit(people.translator, third.pk, third.text + " Three.", third.version)
    return document


def details(paragraph):
    return {
        "proposals": [p.pk for p in paragraph.open_proposals],
        "threads": [(t.pk, t.reply_count, t.author.username) for t in paragraph.open_threads],
        "counts": (paragraph.thread_count, paragraph.unresolved_count, paragraph.latest_comment),
    }


def test_row_of_gives_each_row_what_the_page_gives_it(people, busy):
    request = RequestFactory().get("/")
    request.user = people.editor
    grid = grid_context(request, busy)
    viewer = row_viewer(request, busy, grid)
    page = list(rows_of(busy))
    assert any(p.open_proposals for p in page) and any(p.open_threads for p in page)
    for paragraph in page:
        single = row_of(busy, paragraph.pk)
        assert details(single) == details(paragraph)
        assert row_cache_key(single, viewer) == row_cache_key(paragraph, viewer)


def test_a_row_fragment_asks_for_its_details_once(client, people, busy, django_assert_num_queries):
    """Session with the user (and their groups), document; the row, its proposals and comments (one
    query); the glossary's version; the progress counts (once the glossary's terms are read,
    as a first request does)."""
    first = busy.paragraphs.get(position=0)
    client.force_login(people.editor)
    url = reverse("row", args=[busy.pk, first.pk])
    client.get(url, headers={"HX-Request": "true"})
    with django_assert_num_queries(6):
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Check this." in response.content.decode()


def cell_texts(html, paragraph):
    """The row's two text cells as the html has them, out-of-band marker taken off."""
    html = html.replace(' hx-swap-oob="true"', "")
    return [
        re.search(
            rf'<div class="cell-text" id="{side}-text-{paragraph.pk}">.*?</div>', html, re.S
        ).group(0)
        for side in ("source", "target")
    ]


def test_after_a_comment_the_row_texts_sent_are_the_pages(client, people, busy):
    """The texts sent out of band mark the quotes of the open threads read for the panel;
    they must be what the page shows for the row, numbering included."""
    first = busy.paragraphs.get(position=0)
    client.force_login(people.editor)
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": f"http://testserver{busy.get_absolute_url()}",
    }
    url = reverse("paragraph_comments", args=[busy.pk, first.pk])
    quote = " ".join(first.text.split()[:3])
    response = client.post(
        url, {"body": "Quoted.", "quote": quote, "quote_side": "target"}, headers=headers
    )
    assert response.status_code == 200
    sent = cell_texts(response.content.decode(), first)
    assert 'class="quote-mark"' in sent[1]
    page = client.get(busy.get_absolute_url()).content.decode()
    assert sent == cell_texts(page, first)
    # Resolving the quoting thread takes its mark away, as the page does.
    thread = Comment.objects.get(body="Quoted.")
    url = reverse("resolve_comment", args=[busy.pk, thread.pk, "resolve"])
    response = client.post(url, headers=headers)
    sent = cell_texts(response.content.decode(), first)
    assert 'class="quote-mark"' not in sent[1]
    assert sent == cell_texts(client.get(busy.get_absolute_url()).content.decode(), first)
