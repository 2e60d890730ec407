"""The row cache (reviews/row_cache.py): after every kind of change, the page rendered from
cached rows is the page rendered from scratch, for every viewer; CSRF tokens are never shared.

"Fresh" is the page with the cache bypassed (every row rendered as before the cache existed);
"cached" is the page as served, after a first request filled the cache."""

import contextlib
import random
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import editing, findings, glossary, pairing, preferences, workflow
from reviews.comments import add_comment, mark_addressed, set_resolved
from reviews.glossary_marks import term_matcher
from reviews.models import Paragraph, Revision
from reviews.row_cache import TOKEN_PLACEHOLDER, PageRows
from reviews.views import grid
from tests.conftest import ENGLISH, KOREAN, csrf_tokens, new_document

NONCE = re.compile(r'nonce="[^"]+"')
MASKED = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token (also in hx-headers)
# The third row says 45% where the Korean says 4.5%: a stored finding to dismiss.
WRONG = [*ENGLISH[:2], ENGLISH[2].replace("4.5%", "45%"), ENGLISH[3]]


def normalised(html):
    # Each render masks the CSRF token afresh; the rest must be the same byte for byte.
    # So is the CSP nonce.
    html = NONCE.sub('nonce="-"', html)
    return MASKED.sub("-", html)


def page(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def fresh_page(client, document, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr("reviews.templatetags.row_cache.cacheable", lambda *args: False)
        return page(client, document)


def assert_current(client, document, monkeypatch):
    """The served page (rows from the cache where their key matches) equals a fresh render,
    and a second request hits the cache for every row."""
    served = page(client, document)
    assert normalised(served) == normalised(fresh_page(client, document, monkeypatch))
    assert TOKEN_PLACEHOLDER not in served
    return served


@pytest.fixture(autouse=True)
def rows_rendered_each_time(settings):
    # These tests are about the rows: the page cache (tests/test_page_cache.py) would serve
    # the whole page without asking for them.
    settings.PAGE_CACHE = False


@pytest.fixture
def reviewing(people):
    return new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), target=WRONG
    )


@pytest.fixture
def editor(client, people):
    client.force_login(people.editor)
    return client


def rows(document):
    return list(document.paragraphs.order_by("position"))


def test_rows_come_from_the_cache_on_the_second_request(editor, reviewing, monkeypatch):
    page(editor, reviewing)
    served = []
    real = PageRows.html

    def render_fails(context):
        raise AssertionError("a row was rendered although it was cached")

    def no_rendering(self, paragraph, context, render):
        served.append(paragraph.pk)
        return real(self, paragraph, context, render_fails)

    monkeypatch.setattr(PageRows, "html", no_rendering)
    html = page(editor, reviewing)
    assert len(served) == 4 and html.count("data-row data-attention") == 4


def test_a_saved_edit_shows(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    row = rows(reviewing)[1]
    editing.save_edit(
        people.editor, row.pk, "A rewritten second paragraph.", row.version, accept=True
    )
    assert "A rewritten second paragraph." in assert_current(editor, reviewing, monkeypatch)


def test_a_proposal_then_its_acceptance_show(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    row = rows(reviewing)[0]
    proposal = editing.save_edit(people.translator, row.pk, "Council passes the budget", 1)
    assert proposal.state == Revision.State.PROPOSED
    html = assert_current(editor, reviewing, monkeypatch)
    assert html.count('class="proposal"') == 1
    editing.accept_proposal(people.editor, proposal.pk)
    html = assert_current(editor, reviewing, monkeypatch)
    assert html.count('class="proposal"') == 0 and "Council passes the budget" in html


def test_a_rejection_and_a_withdrawal_show(client, people, reviewing, monkeypatch):
    row = rows(reviewing)[0]
    first = editing.save_edit(people.translator, row.pk, "Council passes the budget", 1)
    second = editing.save_edit(people.translator, rows(reviewing)[3].pk, "The city set aside.", 1)
    client.force_login(people.translator)
    html = assert_current(client, reviewing, monkeypatch)
    assert html.count(">Withdraw</button>") == 2
    editing.reject_proposal(people.editor, first.pk, "Keep the headline.")
    assert assert_current(client, reviewing, monkeypatch).count(">Withdraw</button>") == 1
    editing.withdraw_proposal(people.translator, second.pk)
    assert assert_current(client, reviewing, monkeypatch).count('class="proposal"') == 0


def test_comments_added_resolved_and_addressed_show(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    row = rows(reviewing)[2]
    thread = add_comment(people.editor, reviewing, "Check the share.", paragraph=row)
    assert "1 open comment" in assert_current(editor, reviewing, monkeypatch)
    add_comment(people.translator, reviewing, "Checked.", paragraph=row, reply_to=thread)
    # The margin's card counts the replies.
    assert "1 reply" in assert_current(editor, reviewing, monkeypatch)
    mark_addressed(people.translator, thread)
    assert_current(editor, reviewing, monkeypatch)
    set_resolved(people.editor, thread, True)
    assert "1 resolved comment" in assert_current(editor, reviewing, monkeypatch)


def test_a_dismissed_finding_shows(editor, people, reviewing, monkeypatch):
    assert "2 checks: 2 errors" in assert_current(editor, reviewing, monkeypatch)
    row = rows(reviewing)[2]
    findings.dismiss(people.editor, reviewing, row.pk, row.findings[0]["key"], "Checked: right.")
    html = assert_current(editor, reviewing, monkeypatch)
    assert "Dismissed by" in html and "2 checks" not in html


def test_a_new_glossary_term_marks_the_korean(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    glossary.add_term(people.editor, korean="예산", english="budget")
    assert 'id="glossary-' in assert_current(editor, reviewing, monkeypatch)


def test_a_stage_move_and_an_approval_show(editor, people, reviewing, monkeypatch):
    assert_current(editor, reviewing, monkeypatch)
    editing.approve_paragraph(people.editor, rows(reviewing)[0].pk)
    assert "approved-mark" in assert_current(editor, reviewing, monkeypatch)
    workflow.take_transition(people.editor, "return_to_translator", reviewing)
    reviewing.refresh_from_db()
    assert_current(editor, reviewing, monkeypatch)


def test_a_second_person_with_other_permissions_sees_her_own_rows(
    client, people, reviewing, monkeypatch
):
    editor_client = Client()
    editor_client.force_login(people.editor)
    row = rows(reviewing)[0]
    editing.save_edit(people.translator, row.pk, "Council passes the budget", 1)
    assert ">Accept</button>" in assert_current(editor_client, reviewing, monkeypatch)
    client.force_login(people.translator)
    html = assert_current(client, reviewing, monkeypatch)
    assert ">Accept</button>" not in html and ">Withdraw</button>" in html
    manager = Client()
    manager.force_login(people.manager)
    assert ">Withdraw</button>" not in assert_current(manager, reviewing, monkeypatch)


def test_a_second_time_zone_shows_its_own_times(client, people, reviewing, monkeypatch):
    editing.save_edit(people.translator, rows(reviewing)[0].pk, "Council passes the budget", 1)
    client.force_login(people.editor)
    assert " KST</time>" in assert_current(client, reviewing, monkeypatch)
    preferences.set_time_zone(people.editor, "Europe/London")
    html = assert_current(client, reviewing, monkeypatch)
    assert " KST</time>" not in html and ("GMT</time>" in html or "BST</time>" in html)


def test_a_pairing_change_shows(editor, people, monkeypatch):
    aligning = new_document(people, stage_actions=())
    assert_current(editor, aligning, monkeypatch)
    pairing.change_pairing(
        people.editor, aligning, "merge_next", 0, "target", seen_version=aligning.pairing_version
    )
    aligning.refresh_from_db()
    assert_current(editor, aligning, monkeypatch)


def test_a_renamed_author_shows(editor, people, reviewing, monkeypatch):
    editing.save_edit(people.translator, rows(reviewing)[0].pk, "Council passes the budget", 1)
    assert "Mina Seo" in assert_current(editor, reviewing, monkeypatch)
    people.translator.last_name = "Kang"
    people.translator.save()
    assert "Mina Kang" in assert_current(editor, reviewing, monkeypatch)


def test_a_renamed_comment_author_shows_on_the_margin_card(editor, people, reviewing, monkeypatch):
    add_comment(people.translator, reviewing, "Is this the share?", paragraph=rows(reviewing)[1])
    assert "Mina Seo" in assert_current(editor, reviewing, monkeypatch)
    people.translator.last_name = "Kang"
    people.translator.save()
    # Nothing about the comments changed but the name their card shows.
    assert "Mina Kang" in assert_current(editor, reviewing, monkeypatch)


def test_rows_in_edit_mode_or_with_an_undo_offer_are_not_served_from_the_cache(
    editor, people, reviewing, monkeypatch
):
    row = rows(reviewing)[1]
    elsewhere = page(editor, reviewing).count("<textarea")  # the document's comment form
    html = editor.get(reverse("edit", args=[reviewing.pk, row.pk])).content.decode()
    assert html.count("<textarea") == elsewhere + 1
    assert page(editor, reviewing).count("<textarea") == elsewhere
    proposal = editing.save_edit(people.translator, row.pk, "A second paragraph, proposed.", 1)
    editing.accept_proposal(people.editor, proposal.pk)
    undo = editor.get(f"{reviewing.get_absolute_url()}?undo={proposal.pk}").content.decode()
    assert "data-undo-offer" in undo
    assert "data-undo-offer" not in page(editor, reviewing)


def test_a_row_fragment_shares_the_page_s_cache_entries_and_is_the_fresh_row(
    people, reviewing, monkeypatch
):
    """The htmx row (after Escape, after a save) is served from the entry the page stored,
    stores what it renders for the page, equals a fresh render, and carries its own token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.editor)
    row = rows(reviewing)[1]
    url = reverse("row", args=[reviewing.pk, row.pk])
    htmx = {"HX-Request": "true"}
    rendered = []
    real = grid.render_to_string

    def counting(name, *args, **kwargs):
        rendered.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(grid, "render_to_string", counting)
    page(client, reviewing)  # stores every row
    served = client.get(url, headers=htmx).content.decode()
    assert "reviews/document.html#row" not in rendered
    with monkeypatch.context() as patch:
        patch.setattr("reviews.row_cache.cacheable", lambda *args: False)
        fresh = client.get(url, headers=htmx).content.decode()
    assert normalised(served) == normalised(fresh)
    assert TOKEN_PLACEHOLDER not in served
    secret = client.cookies["csrftoken"].value
    assert {_unmask_cipher_token(token) for token in csrf_tokens(served)} == {secret}
    # A proposal: the fragment renders the changed row once and the page reuses it.
    editing.save_edit(people.translator, row.pk, "A second paragraph, proposed.", row.version)
    rendered.clear()
    changed = client.get(url, headers=htmx).content.decode()
    assert rendered.count("reviews/document.html#row") == 1 and "Proposed by" in changed
    monkeypatch.setattr(PageRows, "html", cached_only(PageRows.html, row.pk))
    assert normalised(changed.split('<div class="progress"')[0]) in normalised(
        page(client, reviewing)
    )


def cached_only(real, pk):
    """PageRows.html that fails if the row `pk` is not in the cache."""

    def html(self, paragraph, context, render):
        if paragraph.pk != pk:
            return real(self, paragraph, context, render)

        def render_fails(context):
            raise AssertionError("the row was rendered although the fragment stored it")

        return real(self, paragraph, context, render_fails)

    return html


def test_two_sessions_never_receive_each_other_s_token_and_forms_still_post(people, reviewing):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(people.editor)
    second.force_login(people.manager)
    # The second session's rows come from the cache the first one filled.
    first_html, second_html = page(first, reviewing), page(second, reviewing)
    for client, html in ((first, first_html), (second, second_html)):
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in csrf_tokens(html)} == {secret}
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # A row's Approve form, posted with the token the cached row carried.
    row = rows(reviewing)[0]
    form = re.search(
        r'<form method="post" action="([^"]+/approve/?)"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        page(second, reviewing),
    )
    assert form, "no approve form in the cached row"
    assert second.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)}).status_code == 302
    assert Paragraph.objects.get(pk=row.pk).status == Paragraph.Status.APPROVED
    # The other session's token is refused.
    foreign = {"csrfmiddlewaretoken": csrf_tokens(first_html)[0]}
    assert second.post(form.group(1), foreign).status_code == 403


def test_random_sequences_of_actions_never_serve_a_stale_row(client, people, monkeypatch):
    """Across random actions by several people, for two viewers, the served page is always the
    freshly rendered one."""
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), target=WRONG
    )
    viewers = []
    for person in (people.editor, people.translator):
        viewer = Client()
        viewer.force_login(person)
        viewers.append(viewer)
    rng = random.Random(12)
    words = ["budget", "council", "welfare", "share", "city", "care"]

    def save(person):
        row = rng.choice(rows(document))
        text = f"{row.text.split('.')[0]} {rng.choice(words)}."
        with contextlib.suppress(editing.EditRefused, editing.Conflict):
            editing.save_edit(person, row.pk, text, row.version)

    def decide():
        open_ = list(Revision.objects.filter(paragraph__document=document, state="proposed"))
        if open_:
            chosen = rng.choice(open_)
            action = rng.choice(
                [
                    lambda: editing.accept_proposal(people.editor, chosen.pk),
                    lambda: editing.reject_proposal(people.editor, chosen.pk, "No."),
                    lambda: editing.withdraw_proposal(chosen.author, chosen.pk),
                ]
            )
            with contextlib.suppress(Exception):  # a refusal changes nothing
                action()

    def comment():
        add_comment(people.editor, document, "Look again.", paragraph=rng.choice(rows(document)))

    def resolve():
        thread = document.comments.filter(reply_to=None, resolved_at=None).first()
        if thread:
            set_resolved(people.editor, thread, True)

    def approve():
        row = rng.choice(rows(document))
        with contextlib.suppress(Exception):  # refused while a proposal is open
            editing.approve_paragraph(people.editor, row.pk)

    def term():
        korean = rng.choice(["예산", "복지", "시의회", "노인"])
        if not glossary.GlossaryTerm.objects.filter(korean=korean).exists():
            glossary.add_term(people.editor, korean=korean, english="a term")

    def zone():
        zones = ["", "Europe/London", "America/New_York"]
        preferences.set_time_zone(people.editor, rng.choice(zones))

    actions = [
        lambda: save(people.translator),
        lambda: save(people.editor),
        decide,
        comment,
        resolve,
        approve,
        term,
        zone,
    ]
    for _ in range(30):
        rng.choice(actions)()
        for viewer in viewers:
            assert_current(viewer, document, monkeypatch)


def test_the_cache_is_bounded():
    # By bytes, its share of the worker's cache budget (tests/test_worker_memory.py).
    assert 0 < caches["rows"].max_bytes <= 64 * 1024 * 1024


def test_only_the_author_sees_withdraw_on_a_row_others_see_alike(people, reviewing, monkeypatch):
    """The editor and the manager have the same `may` flags here, so they share rows, except
    where one of them wrote the proposal."""
    editing.save_edit(people.editor, rows(reviewing)[0].pk, "Council passes the budget", 1)
    editor, manager = Client(), Client()
    editor.force_login(people.editor)
    manager.force_login(people.manager)
    assert ">Withdraw</button>" in assert_current(editor, reviewing, monkeypatch)
    assert ">Withdraw</button>" not in assert_current(manager, reviewing, monkeypatch)
    assert ">Withdraw</button>" in assert_current(editor, reviewing, monkeypatch)


def test_row_url_is_reverse_filled_in():
    from reviews.templatetags.row_cache import row_url

    for name, args in [
        ("edit", (3, 41)),
        ("edit", (12, 7)),
        ("decide", (3, 9, "accept")),
        ("decide", (3, 10, "reject")),
        ("dismiss_finding", (5,)),
        ("history", (123456, 654321)),
    ]:
        assert row_url(name, *args) == reverse(name, args=args)


def busy_document(people, count):
    """A document in review of `count` rows with all a row can show: open proposals (whose
    text needs escaping), graded threads quoting the English with replies, threads quoting
    the Korean, resolved threads, the checks' findings (the third row of every four has a
    wrong number) and a dismissed one."""
    source = [KOREAN[i % 4] for i in range(count)]
    target = [WRONG[i % 4] for i in range(count)]
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), source=source, target=target
    )
    for i, row in enumerate(rows(document)):
        if i % 3 == 0:
            editing.save_edit(people.translator, row.pk, row.text + " <b>&amp;</b>", 1)
        if i % 4 == 1:
            quote = row.text.split()[1]
            graded = {"category": "style", "severity": "minor", "quote_side": "target"}
            thread = add_comment(
                people.editor, document, "Check <this>.", paragraph=row, quote=quote, **graded
            )
            add_comment(people.translator, document, "Done.", reply_to=thread)
        if i % 4 == 2:
            quote = row.source.split()[0]
            add_comment(
                people.editor,
                document,
                "The Korean.",
                paragraph=row,
                quote=quote,
                quote_side="source",
            )
        if i % 8 == 3:
            old = add_comment(people.editor, document, "Old.", paragraph=row)
            set_resolved(people.editor, old, True)
    third = rows(document)[2]
    findings.dismiss(people.editor, document, third.pk, third.findings[0]["key"], "Right.")
    return document


def counted(client, document):
    with CaptureQueriesContext(connection) as queries:
        html = page(client, document)
    return len(queries), html


def test_the_page_s_queries_do_not_grow_with_rows_fresh_or_from_cached_rows(editor, people):
    term_matcher()  # the glossary's terms are kept per process: loaded once
    seen = []
    for count in (4, 24):
        document = busy_document(people, count)
        caches["rows"].clear()
        fresh, html = counted(editor, document)
        assert html.count('class="proposal"') == len(range(0, count, 3))
        assert "quote-mark" in html and "finding-mark" in html and "Dismissed by" in html
        cached, again = counted(editor, document)
        assert normalised(again) == normalised(html)
        seen.append((fresh, cached))
    # Rendering rows asks nothing the page did not load; rows from the cache save no query.
    assert seen[0] == seen[1] and seen[0][0] == seen[0][1], seen


@pytest.mark.parametrize("stage", ["aligning", "reviewing"])
def test_a_busy_page_from_cached_rows_is_byte_for_byte_the_page_rendered_fresh(
    people, monkeypatch, stage
):
    if stage == "aligning":  # the pairing's cells and flags, as the manager sees them
        document = new_document(people, stage_actions=(), target=[*WRONG, "Added."])
    else:
        document = busy_document(people, 12)
    real = PageRows.html

    def render_fails(context):
        raise AssertionError("a row was rendered although it was cached")

    def from_the_cache(self, paragraph, context, render):
        return real(self, paragraph, context, render_fails)

    for person in (people.editor, people.translator, people.manager):
        client = Client()
        client.force_login(person)
        page(client, document)  # every row stored
        with monkeypatch.context() as patch:
            patch.setattr(PageRows, "html", from_the_cache)
            served = page(client, document)
        assert normalised(served) == normalised(fresh_page(client, document, monkeypatch))
