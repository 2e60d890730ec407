"""The thread panel's kept parts (reviews/thread_cache.py): after every kind of change the
panel served from kept threads and form is the panel rendered from scratch, for each viewer;
CSRF tokens are the request's own; a refusal's draft is never kept; the queries do not grow
with the threads."""

import re

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import preferences
from reviews.comments import add_comment, mark_addressed, set_resolved
from reviews.row_cache import TOKEN_PLACEHOLDER
from reviews.thread_cache import PanelParts
from tests.conftest import csrf_tokens, new_document

HTMX = {"HTTP_HX_REQUEST": "true"}
MASKED = re.compile(r"\b[A-Za-z0-9]{64}\b")


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def rows_of(document):
    return list(document.paragraphs.order_by("position"))


def panel_url(document, row):
    return reverse("paragraph_comments", args=[document.pk, row.pk])


def on_page(document):
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{document.get_absolute_url()}"}


def panel(client, document, row, headers):
    response = client.get(panel_url(document, row), **headers)
    assert response.status_code == 200
    return response.content.decode()


def fresh_panel(client, document, row, headers, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr("reviews.views.comments.PanelParts", lambda context: None)
        return panel(client, document, row, headers)


def counting_renders(monkeypatch):
    """The parts rendered (not served from the cache) from now on, by key."""
    rendered = []
    real = PanelParts.html

    def html(self, part, context, render):
        def counted(context):
            rendered.append(part)
            return render(context)

        return real(self, part, context, counted)

    monkeypatch.setattr(PanelParts, "html", html)
    return rendered


def assert_current(client, document, row, monkeypatch):
    """For the viewer logged in to `client`, on the document page and on the comments page's
    fragment: the served panel equals a fresh render, and a second request renders no part."""
    for headers in (on_page(document), HTMX):
        served = panel(client, document, row, headers)
        fresh = fresh_panel(client, document, row, headers, monkeypatch)
        assert MASKED.sub("-", served) == MASKED.sub("-", fresh)
        assert TOKEN_PLACEHOLDER not in served
        with monkeypatch.context() as patch:
            rendered = counting_renders(patch)
            panel(client, document, row, headers)
        assert rendered == []


def test_the_kept_panel_is_the_fresh_panel_after_every_kind_of_change(
    client, people, reviewing, monkeypatch
):
    row = rows_of(reviewing)[1]
    viewers = (people.editor, people.translator, people.manager)

    def check():
        for viewer in viewers:
            client.force_login(viewer)
            assert_current(client, reviewing, row, monkeypatch)

    check()  # no threads yet: the form alone
    first = add_comment(
        people.editor, reviewing, "Check the figure", paragraph=row, category="accuracy"
    )
    check()
    second = add_comment(
        people.translator,
        reviewing,
        "Is this right, @daniel? Not @nobody",
        paragraph=row,
        quote=row.text.split()[0],
        quote_side="target",
    )
    check()
    add_comment(people.translator, reviewing, "Fixed, I think", reply_to=first)
    check()
    mark_addressed(people.translator, first)
    check()
    set_resolved(people.editor, first, False)  # reopened: back to the translator
    check()
    set_resolved(people.editor, second, True)
    check()
    set_resolved(people.editor, second, False)
    check()
    # A new name, a new time zone: the kept articles are not reused for what they showed.
    people.translator.first_name = "Minji"
    people.translator.save()
    check()
    preferences.set_time_zone(people.editor, "Europe/London")
    check()
    # A mention of someone who cannot see the document is plain text, until they can.
    add_comment(people.editor, reviewing, "Ask @tae", paragraph=row)
    check()
    people.outsider.is_superuser = True
    people.outsider.save()
    check()
    assert '<span class="mention">@tae</span>' in panel(client, reviewing, row, HTMX)


def test_a_new_comment_renders_only_its_own_thread(client, people, reviewing, monkeypatch):
    row = rows_of(reviewing)[0]
    for number in range(3):
        add_comment(people.editor, reviewing, f"Thread {number}", paragraph=row)
    client.force_login(people.editor)
    panel(client, reviewing, row, on_page(reviewing))
    rendered = counting_renders(monkeypatch)
    response = client.post(
        panel_url(reviewing, row), {"body": "One more", "category": "style"}, **on_page(reviewing)
    )
    assert response.status_code == 200
    newest = reviewing.comments.latest("pk")
    assert [getattr(part, "pk", part) for part in rendered] == [newest.pk]
    assert "One more" in response.content.decode()


def test_each_request_gets_its_own_csrf_token(client, people, reviewing):
    row = rows_of(reviewing)[0]
    add_comment(people.editor, reviewing, "Check the figure", paragraph=row)
    secrets = set()
    for viewer in (people.editor, people.translator):
        client.logout()
        client.force_login(viewer)
        for _ in range(2):  # the second is served from the kept parts
            html = panel(client, reviewing, row, on_page(reviewing))
            tokens = csrf_tokens(html)
            assert len(tokens) >= 3  # reply, resolve and the new-comment form
            secret = client.cookies["csrftoken"].value
            assert {_unmask_cipher_token(token) for token in tokens} == {secret}
            secrets.add(secret)
    assert len(secrets) == 2


def test_a_refused_reply_keeps_its_draft_in_that_response_only(client, people, reviewing):
    row = rows_of(reviewing)[0]
    thread = add_comment(people.editor, reviewing, "Check the figure", paragraph=row)
    client.force_login(people.translator)
    panel(client, reviewing, row, on_page(reviewing))  # the thread is kept
    refused = client.post(
        panel_url(reviewing, row),
        {"body": "x" * 6000, "reply_to": thread.pk},
        **on_page(reviewing),
    ).content.decode()
    assert f">{'x' * 6000}</textarea>" in refused
    assert '<details class="reply-box" open>' in refused
    again = panel(client, reviewing, row, on_page(reviewing))
    assert "x" * 100 not in again and 'reply-box" open' not in again


def test_a_refused_comment_keeps_its_grade_and_draft_in_that_response_only(
    client, people, reviewing
):
    row = rows_of(reviewing)[0]
    client.force_login(people.editor)
    panel(client, reviewing, row, on_page(reviewing))  # the form and its grade are kept
    refused = client.post(
        panel_url(reviewing, row),
        {"body": "My draft", "category": "style", "severity": "bogus"},
        **on_page(reviewing),
    ).content.decode()
    assert ">My draft</textarea>" in refused
    assert '<option value="style" selected>' in refused
    again = panel(client, reviewing, row, on_page(reviewing))
    assert "My draft" not in again and " selected>" not in again


def test_posting_costs_the_same_queries_however_many_threads(client, people, reviewing):
    rows = rows_of(reviewing)
    client.force_login(people.editor)
    counts = []
    for row, threads in ((rows[0], 1), (rows[1], 6)):
        for number in range(threads):
            thread = add_comment(people.translator, reviewing, f"Thread {number}", paragraph=row)
            add_comment(people.editor, reviewing, "A reply", reply_to=thread)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                panel_url(reviewing, row), {"body": "One more"}, **on_page(reviewing)
            )
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
