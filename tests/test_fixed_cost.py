"""What every page and every action pays once: the counts behind the progress bar and the
approval check in one query, and the person's profile loaded with the person."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from reviews import editing, workflow
from reviews.backends import PersonBackend
from reviews.comments import add_comment, set_resolved
from reviews.findings import glossary_entries
from reviews.glossary_marks import term_matcher
from reviews.models import (
    Comment,
    Document,
    Event,
    Notification,
    Paragraph,
    desk_roles,
    is_manager,
)
from reviews.notifications import unread_notifications
from reviews.preferences import set_time_zone, time_zone_of
from reviews.progress import document_counts
from reviews.static_files import StaticFilesStorage
from reviews.views.inbox import visible_notifications
from tests.conftest import new_document

IN_REVIEW = ("confirm_pairing", "submit_for_review")


def test_document_counts_count_rows_proposals_and_open_critical_threads(people):
    document = new_document(people, stage_actions=IN_REVIEW)
    rows = list(document.paragraphs.order_by("position"))
    editing.save_edit(people.translator, rows[0].pk, rows[0].text + " More.", 1)
    editing.save_edit(people.editor, rows[1].pk, rows[1].text + " Again.", 1)
    editing.approve_paragraph(people.editor, rows[2].pk)
    critical = {"category": "accuracy", "severity": Comment.Severity.CRITICAL}
    thread = add_comment(people.editor, document, "Wrong figure.", paragraph=rows[3], **critical)
    add_comment(people.editor, document, "Still wrong.", reply_to=thread, **critical)
    resolved = add_comment(people.editor, document, "Name misspelt.", **critical)
    set_resolved(people.editor, resolved, True)
    add_comment(people.editor, document, "A style note.", category="style")
    assert document_counts(document) == {
        "total": len(rows),
        "approved": 1,
        "open_proposals": 2,
        "critical": 1,
    }


def test_approval_blocker_with_counts_asks_nothing_more(people, django_assert_num_queries):
    document = new_document(people, stage_actions=IN_REVIEW)
    counts = document_counts(document)
    with django_assert_num_queries(0):
        reason = workflow.approval_blocker(document, counts)
    assert reason == f"{counts['total']} paragraphs not yet approved."
    # Without counts it asks them itself, and says the same.
    assert workflow.approval_blocker(document) == reason
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    counts = document_counts(document)
    critical = {"category": "accuracy", "severity": Comment.Severity.CRITICAL}
    add_comment(people.editor, document, "Wrong figure.", **critical)
    assert workflow.approval_blocker(document) == "1 unresolved critical comment."


def test_the_session_person_comes_with_their_time_zone(people, django_assert_num_queries):
    set_time_zone(people.editor, "Asia/Seoul")
    with django_assert_num_queries(1):
        editor = PersonBackend().get_user(people.editor.pk)
        assert time_zone_of(editor) == "Asia/Seoul"
    # No profile at all: the desk's zone, and no second query either.
    with django_assert_num_queries(1):
        translator = PersonBackend().get_user(people.translator.pk)
        assert time_zone_of(translator) == ""


def test_a_comment_re_sends_the_stage_buttons_from_one_count(
    client, people, django_assert_max_num_queries
):
    document = new_document(people, stage_actions=IN_REVIEW)
    row = document.paragraphs.order_by("position").first()
    client.force_login(people.editor)
    url = reverse("paragraph_comments", args=[document.pk, row.pk])
    page = f"http://testserver{document.get_absolute_url()}"
    headers = {"HX-Request": "true", "HX-Current-URL": page}
    term_matcher()  # built once per process, as a running server has it
    # 16 here: 15, three fewer than before (the progress bar and the approval check share one
    # count query instead of four, and the profile comes with the user), and 1 for the row's
    # texts sent again so the quote's mark shows at once (the glossary's version; the row and
    # its open threads are those the view and the panel read).
    with django_assert_max_num_queries(16):
        response = client.post(url, {"body": "Check the date."}, headers=headers)
    html = response.content.decode()
    assert "Check the date." in html
    assert 'id="transitions"' in html or "hx-swap-oob" in html


def test_the_undo_after_an_accept_carries_the_row_version_it_shows(client, people):
    document = new_document(people, stage_actions=IN_REVIEW)
    row = document.paragraphs.order_by("position").first()
    before = row.text
    proposal = editing.save_edit(people.translator, row.pk, before + " Added.", row.version)
    client.force_login(people.editor)
    url = reverse("decide", args=[document.pk, proposal.pk, "accept"])
    html = client.post(url, headers={"HX-Request": "true"}).content.decode()
    row.refresh_from_db()
    offer = re.search(r'data-undo-offer>.*?name="version" value="(\d+)"', html)
    assert offer and int(offer.group(1)) == row.version
    undo = reverse("undo_decision", args=[document.pk, proposal.pk])
    client.post(undo, {"version": offer.group(1)}, headers={"HX-Request": "true"})
    row.refresh_from_db()
    assert row.text == before


def test_a_save_and_an_accept_read_the_row_and_revision_once(
    client, people, django_assert_max_num_queries
):
    """The write locks the row (and the revision) and checks they are the document's; the
    view reads neither before it, and the re-rendered row reads its details in plain queries.
    The save: session, person, groups, document; a savepoint (the test's transaction), the
    locks, the document's rows and the glossary's version for the checks, four writes, its
    release; the row and its details, the glossary's version, the counts: 19. The accept: 21,
    its revision locked and its author told besides."""
    document = new_document(people, stage_actions=IN_REVIEW)
    first, second = document.paragraphs.order_by("position")[:2]
    proposal = editing.save_edit(people.translator, second.pk, second.text + " Two.", 1)
    client.force_login(people.editor)
    htmx = {"HX-Request": "true"}
    term_matcher()  # built once per process, as a running server has it
    glossary_entries()  # the checks' glossary, kept per process too
    url = reverse("edit", args=[document.pk, first.pk])
    with django_assert_max_num_queries(19):
        response = client.post(
            url, {"text": first.text + " One.", "version": 1, "accept": "1"}, headers=htmx
        )
    assert "saved and accepted" in response.headers["HX-Trigger-After-Settle"]
    url = reverse("decide", args=[document.pk, proposal.pk, "accept"])
    with django_assert_max_num_queries(21):
        response = client.post(url, headers=htmx)
    assert "Proposal accepted" in response.headers["HX-Trigger-After-Settle"]
    assert Paragraph.objects.get(pk=second.pk).text == second.text + " Two."


def test_the_session_person_comes_with_their_groups(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        manager = PersonBackend().get_user(people.manager.pk)
        assert desk_roles(manager) == {"manager"} and is_manager(manager)
    with django_assert_num_queries(1):
        editor = PersonBackend().get_user(people.editor.pk)
        assert desk_roles(editor) == {"editor"} and not is_manager(editor)
    people.editor.groups.add(Group.objects.get(name="translator"))
    people.outsider.groups.clear()
    assert desk_roles(PersonBackend().get_user(people.editor.pk)) == {"editor", "translator"}
    assert desk_roles(PersonBackend().get_user(people.outsider.pk)) == set()


def test_the_headers_unread_count_is_the_notifications_page_s(people):
    """The header counts in plain SQL what the notifications page lists: unread, and only
    about documents the person may still see (a reassignment hides the rest)."""
    kept, moved = new_document(people), new_document(people)
    Notification.objects.all().delete()  # those of the uploads: only the ones below count
    for document in (kept, moved):
        event = Event.record(document, people.manager, Event.Verb.COMMENTED)
        for person in (people.translator, people.editor, people.manager):
            Notification.objects.create(recipient=person, event=event, reason="comment")
    read = Event.record(kept, people.manager, Event.Verb.COMMENTED)
    Notification.objects.create(
        recipient=people.editor, event=read, reason="comment", read_at=timezone.now()
    )
    Document.objects.filter(pk=moved.pk).update(translator=people.outsider)
    expected = {"translator": 1, "editor": 2, "manager": 2, "outsider": 0}
    for name, count in expected.items():
        person = getattr(people, name)
        orm = visible_notifications(person).filter(read_at=None).count()
        assert (unread_notifications(person), orm) == (count, count), name


def test_a_static_url_is_worked_out_once_per_process(tmp_path, monkeypatch, settings):
    settings.DEBUG = False  # with DEBUG on, the manifest storage names files unhashed
    manifest = {"paths": {"css/a.css": "css/a.0123456789ab.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    with pytest.raises(ValueError):
        storage.url("css/missing.css")  # not in the manifest: refused, as before
    assert storage.url("css/a.css") == "/static/css/a.0123456789ab.css"
    monkeypatch.setattr(storage, "stored_name", lambda name: pytest.fail("worked out again"))
    assert storage.url("css/a.css") == "/static/css/a.0123456789ab.css"
