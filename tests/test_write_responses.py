"""What the four writes people make all day send back, and what they ask the database for.

After a save, a save and accept, an accept and a comment through htmx, the row and the
fragments sent out of band are what a freshly rendered page shows for them (but for what only
that response says: the notice and the Undo offer), and what is not sent again is what the
page showed before. The queries of each write are counted exactly: fewer would mean something
was skipped, more that a fetch came back (bench/fixed_cost.py times them)."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from reviews import editing, glossary
from reviews.comments import add_comment
from reviews.findings import glossary_entries
from reviews.glossary_marks import term_matcher
from reviews.models import Comment, Document, Event, Paragraph, Revision
from tests.conftest import new_document

NONCE = re.compile(r'nonce="[^"]+"')
MASKED = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token: each render masks afresh
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def pages_rendered_afresh(db, settings, monkeypatch):
    """The page as rendered from scratch: neither the page cache nor the row cache serves it,
    so a row the write got wrong cannot be hidden by a copy stored before."""
    settings.PAGE_CACHE = False
    monkeypatch.setattr("reviews.templatetags.row_cache.cacheable", lambda *args: False)
    term_matcher()  # built once per process, as a running server has it
    glossary_entries()  # the checks' glossary, kept per process too


@pytest.fixture
def reviewing(people):
    """In review; the second row has a thread, the third a proposal by the translator."""
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    rows = list(document.paragraphs.order_by("position"))
    add_comment(people.editor, document, "Check the figure.", paragraph=rows[1])
    editing.save_edit(people.translator, rows[2].pk, rows[2].text + " Added.", 1)
    return document


@pytest.fixture
def editor(client, people):
    client.force_login(people.editor)
    return client


def normalised(html):
    return MASKED.sub("-", NONCE.sub('nonce="-"', html)).replace(' hx-swap-oob="true"', "")


def element(html, start_pattern):
    """The element that starts where `start_pattern` (a regex for its opening tag) matches,
    through its balanced closing tag."""
    match = re.search(start_pattern, html)
    assert match, start_pattern
    tag = re.match(r"<(\w+)", match.group(0)).group(1)
    depth, position = 0, match.start()
    for token in re.finditer(rf"<{tag}\b|</{tag}>", html[match.start() :]):
        depth += -1 if token.group(0).startswith("</") else 1
        if depth == 0:
            position = match.start() + token.end()
            break
    return normalised(html[match.start() : position])


def row_html(html, pk):
    return element(html, rf'<div class="grid-row[^"]*" role="row" id="row-{pk}"')


def stage_html(html):
    return [element(html, r'<div class="progress" id="progress"'), transitions_html(html)]


def transitions_html(html):
    return element(html, r'<div class="transitions" id="transitions"')


def texts_html(html, pk):
    return [
        element(html, rf'<div class="cell-text" id="{side}-text-{pk}"')
        for side in ("source", "target")
    ]


def fresh_page(client, document):
    response = client.get(document.get_absolute_url(), secure=True)
    assert response.status_code == 200
    return response.content.decode()


def without_notice_and_undo(row):
    """The row without what only the response after a decision says."""
    row = re.sub(r'<p class="notice[^"]*">.*?</p>', "", row, flags=re.S)
    return re.sub(r'<form class="undo-offer".*?</form>', "", row, flags=re.S)


def locking():
    """The statements that mark the document's activity and lock the row: one on PostgreSQL
    (a CTE, reviews/editing.py touched_and_locked), two on SQLite."""
    return 1 if connection.vendor == "postgresql" else 2


def touch_in_event():
    """1 on PostgreSQL, where an event's insert also marks the document's activity (one
    statement: reviews.models.Event.record), else 0."""
    return 1 if connection.vendor == "postgresql" else 0


def rows(document):
    return list(document.paragraphs.order_by("position"))


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, headers={**HTMX, **headers}, secure=True)


def test_a_saved_proposal_sends_the_row_and_stage_a_fresh_page_shows(
    editor, reviewing, django_assert_num_queries
):
    """Session with the person and their groups, document; a savepoint (the test's
    transaction), the document locked by marking its activity, the row locked, the revision, the
    event, its release; the row's proposals and comments (one query), the glossary's version,
    the counts: 11 on SQLite, 10 on PostgreSQL (16 before: the row read again, the document's
    activity marked on its own, the groups in a query of their own; 13 with the proposals and
    comments apart; 12 with the person read apart from the session)."""
    row = rows(reviewing)[0]
    url = reverse("edit", args=[reviewing.pk, row.pk])
    with django_assert_num_queries(9 + locking()):
        response = post(editor, url, {"text": row.text + " Edited.", "version": row.version})
    assert Revision.objects.filter(paragraph=row, state=Revision.State.PROPOSED).count() == 1
    html = response.content.decode()
    page = fresh_page(editor, reviewing)
    assert row_html(html, row.pk) == row_html(page, row.pk)
    assert stage_html(html) == stage_html(page)
    assert "1 of 4" not in page and "2 open proposals" in page


def test_a_save_and_accept_sends_the_row_a_fresh_page_shows_and_no_stage(
    editor, reviewing, django_assert_num_queries
):
    """As a proposal, and the checks: the document's rows with the glossary's version (one
    query), the row's text and findings in one update; no counts, as the row was not approved,
    so the stage buttons and the progress count what they counted; the glossary's version read
    once, for the checks and the row's marks: 11 on SQLite (19 before; 15 with the version read
    twice and the row's proposals and comments apart; 13 with the version in a query of its
    own; 12 with the person read apart from the session), one fewer on PostgreSQL."""
    row = rows(reviewing)[1]  # the row with a thread: its card and count come along
    before = fresh_page(editor, reviewing)
    url = reverse("edit", args=[reviewing.pk, row.pk])
    data = {"text": row.text + " Accepted.", "version": row.version, "accept": "1"}
    with django_assert_num_queries(9 + locking()):
        response = post(editor, url, data)
    assert Paragraph.objects.get(pk=row.pk).version == row.version + 1
    html = response.content.decode()
    page = fresh_page(editor, reviewing)
    assert "Check the figure." in row_html(page, row.pk)
    assert row_html(html, row.pk) == row_html(page, row.pk)
    assert 'id="progress"' not in html and 'id="transitions"' not in html
    assert stage_html(page) == stage_html(before)


def test_a_term_added_just_before_a_save_and_accept_marks_the_row_sent(editor, people, reviewing):
    """The row's marks follow the glossary's version the write's checks read in this request
    (read once): a term added since the matcher was last built marks the row sent, as on a
    fresh page."""
    row = rows(reviewing)[1]
    glossary.add_term(people.editor, korean="본회의", english="plenary session")
    url = reverse("edit", args=[reviewing.pk, row.pk])
    data = {"text": row.text + " Marked.", "version": row.version, "accept": "1"}
    html = post(editor, url, data).content.decode()
    assert "plenary session" in row_html(html, row.pk)
    assert row_html(html, row.pk) == row_html(fresh_page(editor, reviewing), row.pk)


def test_a_save_and_accept_on_an_approved_row_sends_the_stage_too(editor, people, reviewing):
    row = rows(reviewing)[0]
    editing.approve_paragraph(people.editor, row.pk)
    before = fresh_page(editor, reviewing)
    url = reverse("edit", args=[reviewing.pk, row.pk])
    data = {"text": row.text + " Again.", "version": row.version, "accept": "1"}
    html = post(editor, url, data).content.decode()
    page = fresh_page(editor, reviewing)
    assert row_html(html, row.pk).replace(element(html, r'<p class="notice'), "") == row_html(
        page, row.pk
    )
    assert stage_html(html) == stage_html(page) != stage_html(before)
    assert "0 of 4 paragraphs approved" in stage_html(page)[0]


def test_an_accept_sends_the_row_and_stage_a_fresh_page_shows(
    editor, people, reviewing, django_assert_num_queries
):
    """Session with the person and their groups, document; a savepoint, the proposal, the document
    (marking its activity) and the row locked, the document's rows with the glossary's version
    (one query) for the checks, the row's update, the decision's, the event, the author told
    (the document's translator, as the access check read her: not read again), the release; the
    row's proposals and comments in one query, the counts (the glossary's version as the checks
    read it): 14 on SQLite, 13 on PostgreSQL (19 while the author was read; 18 with the version
    read again and the proposals and comments apart; 16 with the version in a query of its own;
    15 with the person read apart from the session)."""
    row = rows(reviewing)[2]
    proposal = Revision.objects.get(paragraph=row, state=Revision.State.PROPOSED)
    url = reverse("decide", args=[reviewing.pk, proposal.pk, "accept"])
    with django_assert_num_queries(12 + locking()):
        response = post(editor, url)
    assert people.translator.notifications.filter(reason="decided").count() == 1
    html = response.content.decode()
    assert 'class="notice' in html and "data-undo-offer" in html
    page = fresh_page(editor, reviewing)
    assert "Added." in row_html(page, row.pk) and 'class="proposal"' not in row_html(page, row.pk)
    assert without_notice_and_undo(row_html(html, row.pk)) == row_html(page, row.pk)
    assert stage_html(html) == stage_html(page)


def test_an_accept_of_ones_own_proposal_reads_no_author(
    editor, people, reviewing, django_assert_num_queries
):
    """An editor's own proposal: no one to tell, so the author is not read: 13 on SQLite (20
    before, 17 with the glossary's version read twice and the row's reads apart, 15 with the
    version in a query of its own, 14 with the person read apart from the session), one fewer
    on PostgreSQL."""
    row = rows(reviewing)[0]
    proposal = editing.save_edit(people.editor, row.pk, row.text + " Mine.", row.version)
    url = reverse("decide", args=[reviewing.pk, proposal.pk, "accept"])
    with django_assert_num_queries(11 + locking()):
        response = post(editor, url)
    assert "Proposal accepted" in response.headers["HX-Trigger-After-Settle"]
    assert without_notice_and_undo(row_html(response.content.decode(), row.pk)) == row_html(
        fresh_page(editor, reviewing), row.pk
    )


def test_a_comment_sends_only_what_it_changed(editor, reviewing, django_assert_num_queries):
    """A thread that quotes nothing and is not critical changes neither the row's texts nor
    the stage buttons or the progress: those are not sent, and the page shows them as before.
    Session with the person and their groups, document, the row; a savepoint, the comment, the
    event and the document's activity, the notification, its release; the threads with their
    replies, the addressed ones: 12 (16 before, 13 with the person read apart from the
    session)."""
    row = rows(reviewing)[1]
    before = fresh_page(editor, reviewing)
    url = reverse("paragraph_comments", args=[reviewing.pk, row.pk])
    page_url = f"https://testserver{reviewing.get_absolute_url()}"
    with django_assert_num_queries(11 - touch_in_event()):
        response = post(editor, url, {"body": "And the date."}, **{"HX-Current-URL": page_url})
    html = response.content.decode()
    assert "And the date." in html and "Check the figure." in html
    assert 'id="transitions"' not in html and f'id="target-text-{row.pk}"' not in html
    after = fresh_page(editor, reviewing)
    assert texts_html(after, row.pk) == texts_html(before, row.pk)
    assert stage_html(after) == stage_html(before)
    count = element(html, rf'<span id="comment-count-{row.pk}"')
    assert count == element(after, rf'<span id="comment-count-{row.pk}"')
    assert "2 open comments" in count
    # The panel is the comments' own page's, thread for thread.
    threads = element(html, rf'<section class="threads" id="threads-{row.pk}"')
    page_threads = element(
        editor.get(url, secure=True).content.decode(), r'<section class="threads"'
    )
    assert threads.count('<article class="thread') == 2
    assert page_threads.count('<article class="thread') == 2


def test_a_critical_comment_or_a_quote_sends_what_it_changed(editor, reviewing):
    row = rows(reviewing)[0]
    url = reverse("paragraph_comments", args=[reviewing.pk, row.pk])
    page_url = {"HX-Current-URL": f"https://testserver{reviewing.get_absolute_url()}"}
    critical = {"body": "Wrong name.", "category": "accuracy", "severity": "critical"}
    html = post(editor, url, critical, **page_url).content.decode()
    assert 'id="transitions"' in html
    assert stage_html(html) == stage_html(fresh_page(editor, reviewing))
    quoting = {"body": "This word.", "quote": row.text.split()[0], "quote_side": "target"}
    html = post(editor, url, quoting, **page_url).content.decode()
    assert 'class="quote-mark"' in texts_html(html, row.pk)[1]
    assert texts_html(html, row.pk) == texts_html(fresh_page(editor, reviewing), row.pk)
    assert 'id="transitions"' not in html


def test_a_reply_sends_neither_texts_nor_stage(editor, people, reviewing):
    row = rows(reviewing)[1]
    thread = Comment.objects.get(paragraph=row)
    url = reverse("paragraph_comments", args=[reviewing.pk, row.pk])
    page_url = {"HX-Current-URL": f"https://testserver{reviewing.get_absolute_url()}"}
    html = post(editor, url, {"body": "Done?", "reply_to": thread.pk}, **page_url).content.decode()
    assert "Done?" in html
    assert 'id="transitions"' not in html and f'id="target-text-{row.pk}"' not in html
    page = fresh_page(editor, reviewing)
    assert "1 reply" in row_html(page, row.pk)


def test_rows_by_someone_else_read_their_author(client, people, reviewing):
    """A proposal by a manager (neither the translator nor the editor nor the viewer) is
    shown with its author's name: the people the request has do not cover everyone."""
    row = rows(reviewing)[0]
    editing.save_edit(people.manager, row.pk, row.text + " Managed.", row.version)
    client.force_login(people.translator)
    html = client.get(reverse("row", args=[reviewing.pk, row.pk]), headers=HTMX).content.decode()
    assert "Proposed by <strong>Jiwon Han</strong>" in html
    assert row_html(html, row.pk) == row_html(fresh_page(client, reviewing), row.pk)


def test_a_write_marks_the_documents_activity_and_a_refused_one_does_not(people, reviewing):
    """The lock that marks the activity (reviews.editing.locked_paragraph) is rolled back with
    a refused write; approving an approved row records nothing and marks nothing."""
    row = rows(reviewing)[0]

    def activity():
        return Document.objects.values_list("updated_at", flat=True).get(pk=reviewing.pk)

    before = activity()
    with pytest.raises(editing.EditRefused, match="Nothing changed"):
        editing.save_edit(people.editor, row.pk, row.text, row.version)
    assert activity() == before
    editing.save_edit(people.editor, row.pk, row.text + " More.", row.version, accept=True)
    saved = activity()
    assert saved > before
    editing.approve_paragraph(people.editor, row.pk)
    approved = activity()
    assert approved > saved
    events = Event.objects.filter(document=reviewing).count()
    editing.approve_paragraph(people.editor, row.pk)
    assert (activity(), Event.objects.filter(document=reviewing).count()) == (approved, events)
