"""The page cache (reviews/page_cache.py): after every kind of change, the document page as
served equals the page rendered from scratch, for every viewer; tokens are never shared; a
stored page costs a handful of queries.

"Fresh" is the page with both caches bypassed (the page cache off, every row rendered);
"served" is the page as served, after earlier requests filled the caches. Each test first
views the page, so a change the document's state version missed would serve the stored,
stale page and differ from the fresh one."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import editing, findings, glossary, page_cache, pairing, preferences, workflow
from reviews.comments import add_comment, mark_addressed, set_resolved
from reviews.models import Document, Event, Paragraph, Role
from reviews.row_cache import TOKEN_PLACEHOLDER
from tests.conftest import ENGLISH, csrf_tokens, make_user, new_document

NONCE = re.compile(r'nonce="[^"]+"')
MASKED = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token (also in hx-headers)
# The third row says 45% where the Korean says 4.5%: a stored finding to dismiss.
WRONG = [*ENGLISH[:2], ENGLISH[2].replace("4.5%", "45%"), ENGLISH[3]]


def normalised(html):
    # Each response masks the CSRF token afresh, and has its own CSP nonce.
    return MASKED.sub("-", NONCE.sub('nonce="-"', html))


def page(client, document, query=""):
    response = client.get(document.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def fresh_page(client, document, monkeypatch):
    with monkeypatch.context() as patch, override_settings(PAGE_CACHE=False):
        patch.setattr("reviews.templatetags.row_cache.cacheable", lambda *args: False)
        return page(client, document)


def assert_current(client, document, monkeypatch):
    """The served page equals a fresh render; returns the served page."""
    served = page(client, document)
    assert normalised(served) == normalised(fresh_page(client, document, monkeypatch))
    assert TOKEN_PLACEHOLDER not in served
    return served


def stored_only(monkeypatch):
    """From here on a page body can only come from the page cache."""

    def no_rendering(*args, **kwargs):
        raise AssertionError("the page was rendered although it was stored")

    monkeypatch.setattr("reviews.views.grid.document_context", no_rendering)


@pytest.fixture
def reviewing(people):
    return new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), target=WRONG
    )


def viewer(person):
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def editor(people):
    return viewer(people.editor)


def rows(document):
    return list(document.paragraphs.order_by("position"))


def test_the_second_view_is_the_stored_page(editor, reviewing, monkeypatch):
    first = page(editor, reviewing)
    stored_only(monkeypatch)
    assert normalised(page(editor, reviewing)) == normalised(first)
    assert first.count("data-row data-attention") == 4


def test_a_stored_page_costs_four_queries(editor, reviewing, django_capture_on_commit_callbacks):
    # The first view of the day writes the reader's view, remembered once committed.
    with django_capture_on_commit_callbacks(execute=True):
        page(editor, reviewing)
    with CaptureQueriesContext(connection) as queries:
        page(editor, reviewing)
    # The session with the user, their profile and groups, the document with the access check
    # (its state version comes with it), the glossary's version, the header's unread count. No
    # row, revision or comment is read, and the reader's view is not written again.
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) == 4, "\n".join(sql)
    assert not [query for query in sql if "reviews_paragraph" in query]
    assert not [query for query in sql if "reviews_documentview" in query]


def test_edits_proposals_and_decisions_show(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    row = rows(reviewing)[1]
    editing.save_edit(
        people.editor, row.pk, "A rewritten second paragraph.", row.version, accept=True
    )
    assert "A rewritten second paragraph." in assert_current(editor, reviewing, monkeypatch)
    proposal = editing.save_edit(people.translator, rows(reviewing)[0].pk, "Council passes", 1)
    assert assert_current(editor, reviewing, monkeypatch).count('class="proposal"') == 1
    editing.accept_proposal(people.editor, proposal.pk)
    html = assert_current(editor, reviewing, monkeypatch)
    assert 'class="proposal"' not in html and "Council passes" in html
    second = editing.save_edit(people.translator, rows(reviewing)[3].pk, "The city set aside.", 1)
    assert assert_current(editor, reviewing, monkeypatch).count('class="proposal"') == 1
    editing.reject_proposal(people.editor, second.pk, "No.")
    assert 'class="proposal"' not in assert_current(editor, reviewing, monkeypatch)


def test_an_undone_acceptance_shows(editor, people, reviewing, monkeypatch):
    row = rows(reviewing)[0]
    proposal = editing.save_edit(people.translator, row.pk, "Council passes the budget", 1)
    editing.accept_proposal(people.editor, proposal.pk)
    assert "Council passes the budget" in assert_current(editor, reviewing, monkeypatch)
    editing.undo_decision(people.editor, proposal.pk, Paragraph.objects.get(pk=row.pk).version)
    assert "Council passes the budget" not in assert_current(editor, reviewing, monkeypatch)


def test_comments_replies_and_resolving_show(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    thread = add_comment(people.editor, reviewing, "Check the share.", paragraph=rows(reviewing)[2])
    assert "Check the share." in assert_current(editor, reviewing, monkeypatch)
    add_comment(
        people.translator, reviewing, "Checked.", paragraph=rows(reviewing)[2], reply_to=thread
    )
    assert "1 reply" in assert_current(editor, reviewing, monkeypatch)
    mark_addressed(people.translator, thread)
    assert_current(editor, reviewing, monkeypatch)
    set_resolved(people.editor, thread, True)
    assert "1 resolved comment" in assert_current(editor, reviewing, monkeypatch)
    add_comment(people.translator, reviewing, "On the whole piece.", paragraph=None)
    assert "On the whole piece." in assert_current(editor, reviewing, monkeypatch)


def test_a_write_from_anywhere_shows(editor, reviewing, monkeypatch):
    """Another app server, a shell, a script: SQL that no code of ours ran still raises the
    version, so the page stored before it is never served after it."""
    assert_current(editor, reviewing, monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_paragraph SET text = %s WHERE document_id = %s AND position = 0",
            ["Written by another server.", reviewing.pk],
        )
    assert "Written by another server." in assert_current(editor, reviewing, monkeypatch)


def test_a_dismissed_finding_shows(editor, people, reviewing, monkeypatch):
    assert "2 checks: 2 errors" in assert_current(editor, reviewing, monkeypatch)
    row = rows(reviewing)[2]
    findings.dismiss(people.editor, reviewing, row.pk, row.findings[0]["key"], "Checked: right.")
    assert "2 checks" not in assert_current(editor, reviewing, monkeypatch)


def test_a_stage_move_and_an_approval_show(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    editing.approve_paragraph(people.editor, rows(reviewing)[0].pk)
    assert "approved-mark" in assert_current(editor, reviewing, monkeypatch)
    workflow.take_transition(people.editor, "return_to_translator", reviewing)
    assert "stage-translating" in assert_current(editor, reviewing, monkeypatch)


def test_an_assignment_and_a_credit_line_show(people, reviewing, monkeypatch):
    manager = viewer(people.manager)
    assert_current(manager, reviewing, monkeypatch)
    workflow.assign(people.manager, reviewing, translator=people.outsider, editor=people.editor)
    assert "Tae Oh" in assert_current(manager, reviewing, monkeypatch)
    workflow.set_credit_line(people.manager, reviewing, "By the desk")
    assert "By the desk" in assert_current(manager, reviewing, monkeypatch)


def test_a_glossary_change_shows(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    term = glossary.add_term(people.editor, korean="예산", english="budget")
    assert 'id="glossary-' in assert_current(editor, reviewing, monkeypatch)
    glossary.remove_term(people.editor, term)
    assert 'id="glossary-' not in assert_current(editor, reviewing, monkeypatch)


def test_a_pairing_change_shows(editor, people, monkeypatch):
    aligning = new_document(people, stage_actions=())
    before = assert_current(editor, aligning, monkeypatch)
    pairing.change_pairing(
        people.editor, aligning, "merge_next", 0, "target", seen_version=aligning.pairing_version
    )
    assert assert_current(editor, aligning, monkeypatch) != before


def test_renamed_people_show(editor, people, reviewing, monkeypatch):
    add_comment(people.translator, reviewing, "Is this the share?", paragraph=rows(reviewing)[1])
    assert "Mina Seo" in assert_current(editor, reviewing, monkeypatch)
    people.translator.last_name = "Kang"
    people.translator.save()
    html = assert_current(editor, reviewing, monkeypatch)
    assert "Mina Kang" in html and "Mina Seo" not in html


def test_the_assign_form_lists_a_newcomer(people, reviewing, monkeypatch):
    manager = viewer(people.manager)
    assert "Ara Lee" not in assert_current(manager, reviewing, monkeypatch)
    make_user("ara", Role.TRANSLATOR, first_name="Ara", last_name="Lee")
    assert "Ara Lee" in assert_current(manager, reviewing, monkeypatch)


def test_a_viewer_given_another_role_sees_its_page(people, reviewing, monkeypatch):
    editor = viewer(people.editor)
    assert reverse("assign", args=[reviewing.pk]) not in page(editor, reviewing)
    people.editor.groups.add(Group.objects.get_or_create(name=Role.MANAGER)[0])
    html = assert_current(editor, reviewing, monkeypatch)
    assert reverse("assign", args=[reviewing.pk]) in html


def test_a_second_time_zone_shows_its_own_times(editor, people, reviewing, monkeypatch):
    editing.save_edit(people.translator, rows(reviewing)[0].pk, "Council passes the budget", 1)
    assert " KST</time>" in assert_current(editor, reviewing, monkeypatch)
    preferences.set_time_zone(people.editor, "Europe/London")
    html = assert_current(editor, reviewing, monkeypatch)
    assert " KST</time>" not in html and ("GMT</time>" in html or "BST</time>" in html)


def test_a_daylight_saving_change_is_a_new_key(rf, people, reviewing, monkeypatch):
    request = rf.get(reviewing.get_absolute_url())
    request.user = people.manager
    london = zoneinfo.ZoneInfo("Europe/London")
    keys = set()
    with timezone.override(london):
        for month in (1, 7):  # GMT, then BST: the assign form names the zone
            moment = datetime.datetime(2026, month, 10, 12, tzinfo=datetime.UTC)
            monkeypatch.setattr(
                page_cache.timezone, "localtime", lambda *a, m=moment: m.astimezone(london)
            )
            keys.add(page_cache.page_cache_key(request, reviewing, None))
    assert len(keys) == 2


def test_viewers_with_other_permissions_never_get_each_other_s_page(people, reviewing, monkeypatch):
    editing.save_edit(people.translator, rows(reviewing)[0].pk, "Council passes the budget", 1)
    editor, translator, manager = (
        viewer(people.editor),
        viewer(people.translator),
        viewer(people.manager),
    )
    for _ in range(2):  # the second round is served from the cache
        html = assert_current(editor, reviewing, monkeypatch)
        assert ">Accept</button>" in html and ">Withdraw</button>" not in html
        html = assert_current(translator, reviewing, monkeypatch)
        assert ">Accept</button>" not in html and ">Withdraw</button>" in html
        html = assert_current(manager, reviewing, monkeypatch)
        assert reverse("assign", args=[reviewing.pk]) in html
        assert reverse("assign", args=[reviewing.pk]) not in page(editor, reviewing)


def test_per_request_pages_are_neither_served_nor_stored(editor, people, reviewing, monkeypatch):
    row = rows(reviewing)[1]
    proposal = editing.save_edit(people.translator, row.pk, "A second paragraph, proposed.", 1)
    editing.accept_proposal(people.editor, proposal.pk)
    page(editor, reviewing)  # stored

    def no_cache(*args):
        raise AssertionError("the page cache was asked")

    monkeypatch.setattr("reviews.views.grid.cached_page", no_cache)
    assert "data-undo-offer" in page(editor, reviewing, f"?undo={proposal.pk}")
    html = editor.get(reverse("edit", args=[reviewing.pk, row.pk])).content.decode()
    assert "data-edit-form" in html
    assert "data-edit-form" not in page(editor, reviewing, "?anything=1")


def test_two_sessions_never_receive_each_other_s_token_and_forms_still_post(people, reviewing):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(people.editor)
    second.force_login(people.editor)  # the same person: the same stored page
    first_html, second_html = page(first, reviewing), page(second, reviewing)
    for client, html in ((first, first_html), (second, second_html)):
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in csrf_tokens(html)} == {secret}
    form = re.search(
        r'<form method="post" action="([^"]+/approve/?)"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        second_html,
    )
    assert form, "no approve form in the stored page"
    foreign = {"csrfmiddlewaretoken": csrf_tokens(first_html)[0]}
    assert second.post(form.group(1), foreign).status_code == 403
    assert second.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)}).status_code == 302
    assert Paragraph.objects.filter(document=reviewing, status="approved").count() == 1


def version(document):
    return Document.objects.get(pk=document.pk).state_version


def test_the_state_version_rises_with_every_write_the_page_shows(people, reviewing):
    seen = [version(reviewing)]

    def rose():
        seen.append(version(reviewing))
        return seen[-1] > seen[-2]

    row = rows(reviewing)[0]
    Paragraph.objects.filter(pk=row.pk).update(text="Changed in bulk.")
    assert rose()
    Paragraph.objects.filter(document=reviewing).update(pinned=True)
    assert rose()
    editing.save_edit(
        people.translator, row.pk, "Proposed.", Paragraph.objects.get(pk=row.pk).version
    )
    assert rose()
    add_comment(people.editor, reviewing, "A comment.", paragraph=None)
    assert rose()
    Event.record(reviewing, people.editor, Event.Verb.EXPORTED, format="txt")
    assert rose()
    # A model saved from a stale copy cannot take the version back.
    stale = Document.objects.get(pk=reviewing.pk)
    Document.objects.filter(pk=reviewing.pk).update(title="Renamed")
    assert rose()
    stale.save()
    assert rose()
    people.outsider.first_name = "Taeyang"
    people.outsider.save()
    assert rose()
    people.outsider.groups.clear()
    assert rose()
    # Logging in is no change to the page.
    people.outsider.last_login = timezone.now()
    people.outsider.save(update_fields=["last_login"])
    assert version(reviewing) == seen[-1]


def test_a_page_is_stored_for_the_next_request_only_once(editor, reviewing, monkeypatch):
    stored = []
    real = page_cache.CachedPage.body

    def counting(self, context, render):
        stored.append(self.html is None)
        return real(self, context, render)

    monkeypatch.setattr(page_cache.CachedPage, "body", counting)
    page(editor, reviewing)
    page(editor, reviewing)
    assert stored == [True, False]


def test_the_page_cache_is_bounded_by_its_share_of_the_budget():
    from django.conf import settings
    from django.core.cache import caches

    assert 0 < caches["pages"].max_bytes == settings.PAGE_CACHE_BYTES
    assert settings.PAGE_CACHE_BYTES < settings.WORKBENCH_PROCESS_CACHE_BYTES


def test_versions_never_repeat_not_even_across_documents(people, reviewing):
    """A version is at least the database's clock: a database restored or reset cannot give a
    document a version a cache already holds a page for."""
    before = version(reviewing)
    assert before > 1_700_000_000 * 1_000_000  # microseconds since 1970, after 2023
    assert version(new_document(people)) > before
