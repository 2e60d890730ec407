"""The row fragments: edit, propose, decide and approve through htmx and without it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import editing, pairing, workflow
from reviews.comments import add_comment
from reviews.glossary_marks import term_matcher
from reviews.models import Paragraph, Revision
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def row_of(document, position=0):
    return document.paragraphs.get(position=position)


def test_edit_form_fragment_holds_the_text_and_version(client, people, document):
    client.force_login(people.translator)
    row = row_of(document)
    response = client.get(reverse("edit", args=[document.pk, row.pk]), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('id="row-') == 1 and "<textarea" in body
    assert 'name="version" value="1"' in body
    assert 'hx-swap-oob="true"' in body  # the progress bar comes along


def test_saving_through_htmx_returns_the_new_row(client, people, document):
    client.force_login(people.translator)
    row = row_of(document)
    response = client.post(
        reverse("edit", args=[document.pk, row.pk]),
        {"text": "Council <b>passes</b> budget", "version": 1},
        **HTMX,
    )
    body = response.content.decode()
    assert "Council &lt;b&gt;passes&lt;/b&gt; budget" in body
    assert "<b>passes</b>" not in body
    row.refresh_from_db()
    assert row.text == "Council <b>passes</b> budget"


def test_saving_without_htmx_redirects_to_the_row(client, people, document):
    client.force_login(people.translator)
    row = row_of(document)
    response = client.post(
        reverse("edit", args=[document.pk, row.pk]), {"text": "Budget", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{row.pk}")


def test_a_proposal_shows_as_track_changes_with_accept_and_reject(client, people, reviewing):
    client.force_login(people.translator)
    row = row_of(reviewing)
    client.post(
        reverse("edit", args=[reviewing.pk, row.pk]),
        {"text": "City council passes 12 trillion won budget", "version": 1},
        **HTMX,
    )
    client.force_login(people.editor)
    body = client.get(reviewing.get_absolute_url()).content.decode()
    assert '<del class="diff-del">' in body and '<ins class="diff-ins">' in body
    assert 'data-key="a"' in body and 'data-key="r"' in body


def test_conflict_keeps_the_authors_text(client, people, document):
    row = row_of(document, 1)
    editing.save_edit(people.translator, row.pk, row.text.replace("passed", "approved"), 1)
    client.force_login(people.translator)
    mine = row.text.replace("passed", "adopted")
    response = client.post(
        reverse("edit", args=[document.pk, row.pk]), {"text": mine, "version": 1}, **HTMX
    )
    body = response.content.decode()
    assert "in the same place" in body
    assert "adopted" in body and 'name="version" value="2"' in body
    # Re-applying with the version shown in the conflict view succeeds.
    client.post(reverse("edit", args=[document.pk, row.pk]), {"text": mine, "version": 2}, **HTMX)
    row.refresh_from_db()
    assert row.text == mine


def test_too_long_text_gets_a_message_and_changes_nothing(client, people, document):
    client.force_login(people.translator)
    row = row_of(document)
    response = client.post(
        reverse("edit", args=[document.pk, row.pk]), {"text": "a" * 10_001, "version": 1}, **HTMX
    )
    assert "the limit is 10,000" in response.content.decode()
    assert row.revisions.count() == 1


def test_decisions_through_htmx(client, people, reviewing):
    row = row_of(reviewing)
    proposal = editing.save_edit(people.translator, row.pk, "Budget approved", 1)
    client.force_login(people.translator)
    url = reverse("decide", args=[reviewing.pk, proposal.pk, "accept"])
    assert client.post(url, **HTMX).status_code == 403
    client.force_login(people.editor)
    response = client.post(url, **HTMX)
    assert "Accepted." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Revision.State.ACCEPTED


def test_approve_paragraph_through_htmx(client, people, reviewing):
    row = row_of(reviewing)
    client.force_login(people.editor)
    response = client.post(reverse("approve_paragraph", args=[reviewing.pk, row.pk]), **HTMX)
    assert response.status_code == 200
    assert "1 of 4 paragraphs approved" in response.content.decode()
    row.refresh_from_db()
    assert row.status == Paragraph.Status.APPROVED


def test_decide_all_asks_first(client, people, reviewing):
    for row in reviewing.paragraphs.all():
        editing.save_edit(people.translator, row.pk, row.text + " Checked.", 1)
    client.force_login(people.editor)
    url = reverse("decide_all", args=[reviewing.pk])
    query = f"?author={people.translator.pk}&decision=reject"
    page = client.get(url + query)
    assert "Yes, reject 4" in page.content.decode()
    assert Revision.objects.filter(state=Revision.State.PROPOSED).count() == 4
    client.post(url + query)
    assert Revision.objects.filter(state=Revision.State.REJECTED).count() == 4


def test_history_compare_and_restore(client, people, document):
    row = row_of(document)
    original = row.revisions.get()
    changed = editing.save_edit(people.translator, row.pk, "New headline", 1)
    client.force_login(people.editor)
    url = reverse("history", args=[document.pk, row.pk])
    body = client.get(f"{url}?a={original.pk}&b={changed.pk}").content.decode()
    assert f"Revision #{original.pk} → revision #{changed.pk}" in body
    client.force_login(people.translator)
    client.post(reverse("restore", args=[document.pk, original.pk]), {"version": 2})
    row.refresh_from_db()
    assert row.text == original.text and row.revisions.count() == 3


def test_changes_view_reports_edit_rates(client, people, document):
    row = row_of(document)
    editing.save_edit(people.translator, row.pk, "City council passes 12 trillion won budget", 1)
    client.force_login(people.editor)
    body = client.get(reverse("changes", args=[document.pk])).content.decode()
    assert '<del class="diff-del">' in body
    assert "Mina Seo" in body


ELEVEN_WORDS = "The council approved a larger budget for the city next year."


def test_edit_rates_are_capped_and_a_new_paragraph_is_all_new(client, people):
    """The issue's numbers: originals "One two three." and "" (empty), both rewritten with 11
    words, read 366.7 % and 0.0 % per row and 733.3 % for the document and the report."""
    document = new_document(people, stage_actions=())
    pairing.save(
        document,
        [
            pairing.Row(["하나 둘 셋."], ["One two three."]),
            pairing.Row(["시의회는 내년 예산을 늘렸다."], []),
        ],
    )
    workflow.take_transition(people.translator, "confirm_pairing", document)
    for row in document.paragraphs.all():
        editing.save_edit(people.translator, row.pk, ELEVEN_WORDS, 1)

    client.force_login(people.manager)
    response = client.get(reverse("changes", args=[document.pk]))
    assert [row["percent"] for row in response.context["rows"]] == [100.0, 100.0]
    assert [row["changed"] for row in response.context["rows"]] == [11, 11]
    assert (response.context["changed"], response.context["words"]) == (22, 22)
    assert response.context["percent"] == 100.0
    assert [author["percent"] for author in response.context["authors"]] == [100.0]
    body = response.content.decode()
    assert "22 of 22 words changed: edit rate <strong>100.0%</strong>" in body
    assert "366.7" not in body and "733.3" not in body and ">0.0%" not in body

    report = client.get(reverse("translator_report"))
    (mina,) = [
        row for row in report.context["rows"] if row["translator_id"] == people.translator.pk
    ]
    assert mina["edit_rate"] == 100.0


def test_other_documents_rows_are_not_reachable(client, people, document):
    other = new_document(people)
    client.force_login(people.translator)
    foreign_row = row_of(other)
    url = reverse("edit", args=[document.pk, foreign_row.pk])
    assert client.post(url, {"text": "x", "version": 1}).status_code == 404


def queries_for_document_page(client, people, rows):
    source = [f"{i}번째 문단입니다." for i in range(rows)]
    target = [f"This is paragraph {i}." for i in range(rows)]
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), source=source, target=target
    )
    for row in document.paragraphs.all():
        editing.save_edit(people.translator, row.pk, row.text + " Edited.", 1)
        editing.save_edit(people.editor, row.pk, row.text + " Again.", 1)
        add_comment(people.editor, document, "Check this.", paragraph=row, category="style")
    client.force_login(people.editor)
    term_matcher()  # the glossary's terms are kept per process: loaded once, not per page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(document.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="proposal"') == 2 * rows
    # The bulk bar counts each author's proposals from the rows' proposals.
    assert f"<strong>Mina Seo</strong>: {rows} open proposals" in html
    assert f"<strong>Daniel Park</strong>: {rows} open proposals" in html
    assert html.index("<strong>Daniel Park</strong>:") < html.index("<strong>Mina Seo</strong>:")
    return len(queries)


def test_document_page_query_count_does_not_grow_with_rows_and_proposals(client, people):
    small = queries_for_document_page(client, people, 4)
    large = queries_for_document_page(client, people, 40)
    # 13: the glossary version for the term marks and the one-a-day reader record joined the
    # page; neither grows with the rows. The open threads of every row, with their authors and
    # reply counts, for the margin's cards and the quotes' marks, are one query; the quality
    # score's word count no longer fetches the Korean again; the progress bar and the approval
    # check share one count query (reviews.progress), and the person's profile comes with the
    # user (reviews.backends); each author's open proposals are counted from the rows'
    # proposals (reviews.views.grid.rows_of). Served from the row cache, the rows cost no
    # further query.
    assert small == large <= 13, (small, large)
