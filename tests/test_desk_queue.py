"""The desk's queue: words to review, due dates and priorities a manager sets, overdue marks."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from reviews import workflow
from reviews.diffing import word_count
from reviews.models import Document, Event, Paragraph, Priority
from reviews.queue import count_rows, desk_queue
from tests.conftest import new_document


def rename(document, title):
    Document.objects.filter(pk=document.pk).update(title=title)


def test_the_queue_sorts_by_due_date_then_priority_with_undated_last(people):
    late, soon, undated, urgent_soon = (new_document(people) for _ in range(4))
    now = timezone.now()
    workflow.assign(people.manager, late, translator=people.translator, editor=people.editor,
                    due_at=now + timedelta(days=3))  # fmt: skip
    workflow.assign(people.manager, soon, translator=people.translator, editor=people.editor,
                    due_at=now + timedelta(days=1))  # fmt: skip
    workflow.assign(people.manager, urgent_soon, translator=people.translator,
                    editor=people.editor, due_at=now + timedelta(days=1),
                    priority=Priority.URGENT)  # fmt: skip
    order = [document.pk for document in desk_queue(people.manager)]
    assert order == [urgent_soon.pk, soon.pk, late.pk, undated.pk]
    by_activity = [document.pk for document in desk_queue(people.manager, order="activity")]
    assert by_activity[0] == urgent_soon.pk  # the last one touched


def words_to_review(document):
    [counted] = count_rows([Document.objects.get(pk=document.pk)])
    return counted.words_to_review


def test_words_to_review_counts_the_korean_of_rows_not_yet_approved(people, document):
    first = document.paragraphs.order_by("position").first()
    total = words_to_review(document)
    assert total == sum(word_count(row.source) for row in document.paragraphs.all()) > 0
    Paragraph.objects.filter(pk=first.pk).update(status=Paragraph.Status.APPROVED)
    assert words_to_review(document) == total - len(first.source.split())


def test_only_managers_set_the_due_date_and_it_is_logged(people, document):
    due = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    with pytest.raises(PermissionDenied):
        workflow.assign(people.editor, document, translator=people.translator,
                        editor=people.editor, due_at=due)  # fmt: skip
    workflow.assign(people.manager, document, translator=people.translator,
                    editor=people.editor, due_at=due, priority=Priority.HIGH)  # fmt: skip
    document.refresh_from_db()
    assert (document.due_at, document.priority) == (due, Priority.HIGH)
    event = Event.objects.filter(document=document, verb=Event.Verb.ASSIGNED).latest("pk")
    assert event.payload == {"due_at": due.isoformat(), "priority": "High"}


def test_the_assign_form_reads_the_due_date_in_the_persons_zone(client, people, document):
    client.force_login(people.manager)
    client.post(reverse("preferences"), {"time_zone": "Europe/London"})
    response = client.post(
        reverse("assign", args=[document.pk]),
        {"translator": people.translator.pk, "editor": people.editor.pk,
         "due_at": "2026-07-01T18:30", "priority": str(Priority.URGENT)},
    )  # fmt: skip
    assert response.status_code == 302
    document.refresh_from_db()
    # 18:30 British Summer Time is 17:30 UTC.
    assert document.due_at == datetime(2026, 7, 1, 17, 30, tzinfo=UTC)
    assert document.priority == Priority.URGENT


def test_a_bad_due_date_changes_nothing_and_says_why(client, people, document):
    client.force_login(people.manager)
    response = client.post(
        reverse("assign", args=[document.pk]),
        {"translator": "", "editor": "", "due_at": "next Tuesday", "priority": "1"},
        follow=True,
    )
    document.refresh_from_db()
    assert document.translator == people.translator and document.due_at is None
    assert "Nothing was changed. Due: Enter a valid date/time." in response.content.decode()


def test_an_editor_sees_no_schedule_fields_and_cannot_post_them(client, people, document):
    client.force_login(people.editor)
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'name="due_at"' not in page
    response = client.post(reverse("assign", args=[document.pk]),
                           {"due_at": "2026-07-01T18:30", "priority": "3"})  # fmt: skip
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.due_at is None and document.priority == Priority.NORMAL


def test_the_queue_says_overdue_in_words_and_labels_every_number(client, people, document):
    other = new_document(people)
    rename(other, "Not due yet")
    workflow.assign(people.manager, document, translator=people.translator,
                    editor=people.editor, due_at=timezone.now() - timedelta(hours=2),
                    priority=Priority.URGENT)  # fmt: skip
    client.force_login(people.manager)
    page = client.get(reverse("dashboard") + "?show=all").content.decode()
    assert page.count('<strong class="overdue">Overdue</strong>') == 1
    assert 'Urgent<span class="visually-hidden"> priority</span>' in page
    for label in ("Due", "Words to review", "Approved", "Open proposals", "Open comments"):
        assert page.count(f'data-label="{label}"') == 2


def test_an_approved_document_is_never_overdue(people, document):
    document.due_at = timezone.now() - timedelta(days=1)
    assert document.is_overdue
    document.stage = "approved"
    assert not document.is_overdue


def test_a_desk_with_no_documents_says_what_to_do_first(client, people):
    client.force_login(people.translator)
    page = client.get(reverse("dashboard")).content.decode()
    assert "No documents on the desk yet" in page
    assert reverse("upload") in page and reverse("help") in page


def test_the_activity_log_says_when_the_schedule_changed(client, people, document):
    due = datetime(2026, 12, 24, 0, 0, tzinfo=UTC)
    workflow.assign(people.manager, document, translator=people.translator,
                    editor=people.editor, due_at=due, priority=Priority.HIGH)  # fmt: skip
    workflow.assign(people.manager, document, translator=people.translator,
                    editor=people.editor, due_at=None)  # fmt: skip
    client.force_login(people.manager)
    page = client.get(reverse("activity", args=[document.pk])).content.decode()
    assert "due Dec 24, 09:00 KST priority high" in page
    assert "due date cleared" in page


def test_the_due_field_names_the_zone_it_is_read_in(client, people, document):
    client.force_login(people.manager)
    client.post(reverse("preferences"), {"time_zone": "Europe/Paris"})
    html = client.get(document.get_absolute_url()).content.decode()
    # Central European Time, or its summer time, whichever is in force today.
    assert any(f'Due <span class="muted small">({zone})</span>' in html for zone in ("CET", "CEST"))


def test_every_row_writer_keeps_the_korean_word_count(people):
    """The queue sums Paragraph.source_words: upload, a pairing change and its undo must each
    leave it equal to the Korean's word count."""
    from reviews import pairing

    aligning = new_document(people, stage_actions=())

    def stored_and_counted():
        rows = Paragraph.objects.filter(document=aligning).order_by("position")
        return [(row.source_words, word_count(row.source)) for row in rows]

    def assert_kept():
        pairs = stored_and_counted()
        assert all(stored == counted for stored, counted in pairs)
        return [stored for stored, _ in pairs]

    first, second, *_ = before = assert_kept()
    assert first > 0 and second > 0
    pairing.change_pairing(people.translator, aligning, "merge_next", 0, "source", seen_version=0)
    # The second row's Korean joined the first's.
    assert assert_kept()[:2] == [first + second, 0]
    pairing.undo(people.translator, aligning, seen_version=1)
    assert assert_kept() == before


def test_the_editors_waiting_queue_takes_the_same_queries_for_thirty_documents_as_for_two(
    client, people
):
    """The default view (waiting for me) of an editor whose documents have proposals, threads,
    replies and threads marked addressed: more documents (past one page of the queue), more rows
    and more threads add no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews import editing
    from reviews.comments import add_comment, mark_addressed
    from reviews.row_cache import row_cache

    def add(count):
        for _ in range(count):
            document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
            first, second, *_ = document.paragraphs.order_by("position")
            editing.save_edit(people.translator, first.pk, "A proposal", first.version)
            thread = add_comment(people.editor, document, "Check the figure", paragraph=first)
            add_comment(people.translator, document, "Checked", reply_to=thread)
            mark_addressed(people.translator, add_comment(people.editor, document, "And this"))
            add_comment(people.translator, document, "A question", paragraph=second)

    def queries():
        # Both views cold (the filter's people, read once per state of the list, too).
        row_cache().clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        page = response.context["page"]
        return len(page.object_list), page.paginator.count, len(captured)

    client.force_login(people.editor)
    add(2)
    few, _, few_queries = queries()
    add(28)
    many, waiting, many_queries = queries()
    assert (few, many, waiting) == (2, 25, 30)
    assert many_queries == few_queries
    html = client.get(reverse("dashboard")).content.decode()
    # Each document's three threads wait for the editor: one the translator answered, one she
    # marked addressed, one she asked.
    assert "90 comments waiting for your answer" in html


def queue_cells(client, document, query="?show=all"):
    """The numbers and names of `document`'s row in the queue as the client sees it now."""
    import re

    html = client.get(reverse("dashboard") + query).content.decode()
    row = re.search(rf'<tr[^>]*>\s*<td class="title-cell"><a href="{document.get_absolute_url()}'
                    r'">(.*?)</tr>', html, re.S)  # fmt: skip
    assert row, "the document's row is on the page"
    cells = dict(re.findall(r'data-label="([^"]+)">(.*?)</td>', row.group(1), re.S))
    return {label: re.sub(r"<[^>]+>", "", value).strip() for label, value in cells.items()} | {
        "Title": re.sub(r"<[^>]+>", "", row.group(1).split("</a>")[0]).strip()
    }


def test_a_queue_row_shows_every_change_to_its_document_at_once(client, people):
    """Rows are kept in the rows cache under the document's state version: each write below
    (a proposal, a decision, a comment, resolving it, a rename, an assignee's new name) must
    show on the very next view, never the row stored before it."""
    from reviews import editing
    from reviews.comments import add_comment, set_resolved
    from reviews.row_cache import row_cache

    row_cache().clear()
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    first, second, *_ = document.paragraphs.order_by("position")
    client.force_login(people.manager)
    before = queue_cells(client, document)
    assert before == queue_cells(client, document)  # the stored row, the same
    assert (before["Open proposals"], before["Open comments"]) == ("0", "0")

    proposal = editing.save_edit(people.translator, first.pk, "A proposal", first.version)
    assert queue_cells(client, document)["Open proposals"] == "1"
    editing.accept_proposal(people.editor, proposal.pk)
    assert queue_cells(client, document)["Open proposals"] == "0"
    editing.approve_paragraph(people.editor, second.pk)
    approved = queue_cells(client, document)["Approved"]
    assert approved.startswith("1/") and approved != before["Approved"]
    assert int(queue_cells(client, document)["Words to review"]) == int(
        before["Words to review"]
    ) - word_count(second.source)

    thread = add_comment(people.editor, document, "Check the figure", paragraph=first)
    assert queue_cells(client, document)["Open comments"] == "1"
    set_resolved(people.editor, thread, True)
    assert queue_cells(client, document)["Open comments"] == "0"

    rename(document, "Budget passed, then vetoed")
    assert queue_cells(client, document)["Title"] == "Budget passed, then vetoed"
    people.translator.first_name = "Minji"
    people.translator.save()
    assert queue_cells(client, document)["Translator"] == "Minji Seo"


def test_the_queue_counts_and_renders_only_the_rows_that_changed(client, people):
    """The first view of a page counts its rows (the same few queries for all its documents); a
    view of the same documents unchanged counts nothing; a change to one document counts that
    one again, in the same queries. None of it grows with the number of documents."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.row_cache import row_cache

    counting = ("reviews_paragraph", "reviews_revision")

    def view():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dashboard") + "?show=all")
        assert response.status_code == 200
        counts = [q["sql"] for q in captured if any(t in q["sql"] for t in counting)]
        return len(response.context["rows"]), len(captured), len(counts)

    client.force_login(people.manager)
    figures = {}
    for total in (3, 30):
        while Document.objects.count() < total:
            new_document(people)
        row_cache().clear()
        cold = view()
        warm = view()
        rename(Document.objects.order_by("-updated_at", "-pk").first(), "Budget vetoed")
        one_changed = view()
        figures[total] = (cold, warm, one_changed)
    rows = {3: 3, 30: 25}
    for total, (cold, warm, one_changed) in figures.items():
        assert (cold[0], warm[0], one_changed[0]) == (rows[total],) * 3
        assert (cold[2], warm[2], one_changed[2]) == (2, 0, 2)
        # A view with rows to render reads their counts (three queries: rows, proposals,
        # threads) and their translators and editors (one query each); the cold view (rows
        # cache emptied) also looks up the comments waiting for the manager, kept in the same
        # cache under their documents' digest, and the filter's people, kept under theirs.
        # The rename touches none of the manager's own documents, so only the renamed row is
        # read and counted again.
        assert warm[1] == cold[1] - 7 and one_changed[1] == cold[1] - 2
        # The session with the person, and the page with the desk's small reads in one statement.
        assert warm[1] == 2
    assert figures[3][0][1:] == figures[30][0][1:]


def test_a_stored_queue_row_turns_overdue_when_its_due_time_passes(client, people, document):
    """Nothing is written when a due time passes, so the row's key holds whether it is overdue."""
    import time

    due = timezone.now() + timedelta(seconds=2)
    Document.objects.filter(pk=document.pk).update(due_at=due)
    client.force_login(people.manager)
    before = client.get(reverse("dashboard") + "?show=all").content.decode()
    if timezone.now() < due:  # a slow machine may have seen it overdue already
        assert '<strong class="overdue">Overdue</strong>' not in before
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)
    after = client.get(reverse("dashboard") + "?show=all").content.decode()
    assert after.count('<strong class="overdue">Overdue</strong>') == 1


def waiting_comments_on_desk(client):
    """The comments-waiting section of the desk as the client sees it now: the count in the
    tab and the section's entries (their texts), or (0, []) when nothing waits."""
    import re

    html = client.get(reverse("dashboard")).content.decode()
    tab = re.search(r'<span class="count count-open">(\d+) comments?</span>', html)
    section = re.search(r'<section class="waiting-comments".*?</section>', html, re.S)
    if not section:
        assert not tab, "a count in the tab means the section is shown"
        return 0, []
    entries = re.findall(r"<li>(.*?)</li>", section.group(0), re.S)
    return int(tab.group(1)), [re.sub(r"<[^>]+>", "", entry).strip() for entry in entries]


def test_the_comments_waiting_for_me_show_every_change_on_the_next_view(client, people):
    """The waiting comments are kept in the rows cache under a digest of the person's documents'
    state versions: a question, a reply, a thread marked addressed or resolved, a rename and a
    reassignment must each show on the very next view, never the answer stored before."""
    from reviews.comments import add_comment, mark_addressed, set_resolved
    from reviews.row_cache import row_cache

    row_cache().clear()
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    first = document.paragraphs.order_by("position").first()
    client.force_login(people.editor)
    assert waiting_comments_on_desk(client) == (0, [])
    assert waiting_comments_on_desk(client) == (0, [])  # the stored answer, the same

    question = add_comment(people.translator, document, "Is the figure right?", paragraph=first)
    assert waiting_comments_on_desk(client) == (
        1,
        ["Budget passed, row 1: Is the figure right?"],
    )
    add_comment(people.editor, document, "Yes, checked.", reply_to=question)
    assert waiting_comments_on_desk(client) == (0, [])  # the last word is the editor's
    add_comment(people.translator, document, "Thanks, and the date?", reply_to=question)
    assert waiting_comments_on_desk(client)[0] == 1

    own = add_comment(people.editor, document, "Check the name", paragraph=first)
    assert waiting_comments_on_desk(client)[0] == 1  # her own thread, her word last
    mark_addressed(people.translator, own)
    assert waiting_comments_on_desk(client)[0] == 2  # addressed: hers to resolve or reopen
    set_resolved(people.editor, own, True)
    assert waiting_comments_on_desk(client)[0] == 1

    rename(document, "Budget vetoed")
    assert waiting_comments_on_desk(client) == (
        1,
        ["Budget vetoed, row 1: Is the figure right?"],
    )
    other = Document.objects.get(pk=document.pk)
    workflow.assign(people.manager, other, translator=people.translator, editor=people.manager)
    assert waiting_comments_on_desk(client) == (0, [])  # no longer her document
    workflow.assign(people.manager, other, translator=people.translator, editor=people.editor)
    assert waiting_comments_on_desk(client)[0] == 1


def test_the_waiting_comments_cost_one_query_while_the_persons_documents_are_unchanged(
    client, people
):
    """A repeat view reads the digest alone; a change to another person's document leaves the
    stored answer in use; a change to one of the person's documents looks the threads up again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.comments import add_comment
    from reviews.row_cache import row_cache

    row_cache().clear()
    mine = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    theirs = new_document(people)
    Document.objects.filter(pk=theirs.pk).update(editor=people.manager)
    add_comment(people.translator, mine, "Is the figure right?")
    client.force_login(people.editor)

    def thread_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        # The waiting threads' query is the page's one ORM query over events (the header's
        # unread count is plain SQL, unquoted).
        return sum('"reviews_event"' in query["sql"] for query in captured)

    first = thread_queries()
    assert first == 1
    assert thread_queries() == 0
    add_comment(people.translator, theirs, "Not hers")
    assert thread_queries() == 0
    add_comment(people.translator, mine, "And the date?")
    assert thread_queries() == first


def test_the_filters_people_show_every_change_on_the_next_view(client, people):
    """The filter's people are kept in the rows cache under a hash of the people read: a
    rename, a new member, one deactivated and the person chosen show on the very next view,
    and a name is escaped."""
    import re

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviews.row_cache import row_cache

    def options(query=""):
        html = client.get(reverse("dashboard") + query).content.decode()
        select = re.search(r'<select name="person">(.*?)</select>', html, re.S).group(1)
        return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)

    row_cache().clear()
    client.force_login(people.manager)
    everyone = [
        (str(people.manager.pk), "", "Jiwon Han"),
        (str(people.translator.pk), "", "Mina Seo"),
        (str(people.editor.pk), "", "Daniel Park"),
        (str(people.outsider.pk), "", "Tae Oh"),
    ]
    assert options()[1:] == sorted(everyone, key=lambda option: option[2])
    assert options() == options()  # the stored list, the same
    chosen = options(f"?show=all&person={people.editor.pk}")
    assert (str(people.editor.pk), " selected", "Daniel Park") in chosen
    assert [option for option in chosen if option[1]] == [
        (str(people.editor.pk), " selected", "Daniel Park")
    ]

    people.editor.first_name = "<b>Dan</b>"
    people.editor.save()
    assert (str(people.editor.pk), "", "&lt;b&gt;Dan&lt;/b&gt; Park") in options()
    people.outsider.is_active = False
    people.outsider.save()
    assert str(people.outsider.pk) not in [pk for pk, _, _ in options()]
    newcomer = get_user_model().objects.create_user(username="hana", password="pw")
    assert str(newcomer.pk) not in [pk for pk, _, _ in options()]  # in no group yet
    newcomer.groups.add(Group.objects.get(name="editor"))
    assert (str(newcomer.pk), "", "hana") in options()
    # A name changed back is the list of before, which is stored: it shows that list, never the
    # one in between.
    newcomer.first_name = "Hana"
    newcomer.save()
    assert (str(newcomer.pk), "", "Hana") in options()
    newcomer.first_name = ""
    newcomer.save()
    assert (str(newcomer.pk), "", "hana") in options()


def test_every_page_number_finds_the_page_the_paginator_finds(client, people):
    """The desk reads the page asked for with its small reads in one statement; a page past
    the last, below the first, not a number or too large for the database is the page Django's
    Paginator.get_page gives, with the same rows, and an empty queue still says so."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.manager)
    assert "No documents on the desk yet" in client.get(reverse("dashboard")).content.decode()
    while Document.objects.count() < 30:
        new_document(people)
    everything = list(desk_queue(people.manager).values_list("pk", flat=True))

    def shown(number):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dashboard") + f"?show=all&page={number}")
        page = response.context["page"]
        return page.number, [entry.pk for entry in page.object_list], len(captured)

    shown(1), shown(2)  # the rows stored
    first, last = (1, everything[:25]), (2, everything[25:])
    assert shown(1) == (*first, 2) and shown(2) == (*last, 2)
    for number in ("x", "", "2.0"):
        assert shown(number)[:2] == first, number
    for number in (3, 0, -1, 10**13, 10**30):
        assert shown(number)[:2] == last, number


def test_the_desks_summary_reads_what_each_small_read_reads(people, django_user_model):
    """reviews.queue.desk_summary, one statement, gives the waiting count, the header's unread
    count and the page's count as waiting_count, unread_notifications and QueueDocuments.count
    give them, for each role and each filter; its digests change when the person's documents
    or the filter's people do."""
    from reviews.models import Notification
    from reviews.notifications import unread_notifications
    from reviews.queue import desk_summary, waiting_count
    from reviews.queue_page import QueueDocuments

    admin = django_user_model.objects.create_superuser("root", password="pw")
    documents = [new_document(people) for _ in range(3)]
    Document.objects.filter(pk=documents[1].pk).update(editor=people.outsider, stage="reviewing")
    event = Event.record(documents[0], people.manager, Event.Verb.COMMENTED)
    for person in (people.translator, people.editor, people.outsider):
        Notification.objects.create(recipient=person, event=event, reason="comment")
    shapes = [{}, {"waiting": True}, {"stage": "reviewing"}, {"person": people.outsider}]
    shapes += [{"search": "budget"}, {"waiting": True, "person": people.editor}]
    for person in (people.translator, people.editor, people.manager, people.outsider, admin):
        for filters in shapes:
            queue = QueueDocuments(person, **filters)
            summary = desk_summary(person, queue)
            expected = (waiting_count(person), unread_notifications(person), queue.count())
            assert (summary.waiting, summary.unread_notifications, summary.count) == expected
        assert desk_summary(person).count is None
    before = desk_summary(people.editor)
    rename(documents[0], "Budget vetoed")
    after = desk_summary(people.editor)
    assert after.documents_digest != before.documents_digest
    assert after.people_digest == before.people_digest
    people.outsider.last_name = "O"
    people.outsider.save()
    assert desk_summary(people.editor).people_digest != after.people_digest


def test_the_waiting_count_in_plain_sql_agrees_with_waiting_for(people, django_user_model):
    """The tab's count (reviews.queue.waiting_count) counts waiting_for's documents among those
    the person may see, for each role, over documents in every stage and assignment."""
    from reviews.models import Stage
    from reviews.queue import waiting_count, waiting_for

    admin = django_user_model.objects.create_superuser("root", password="pw")
    assignments = [
        (people.translator, people.editor),
        (people.outsider, people.editor),
        (people.translator, people.outsider),
        (people.editor, people.translator),  # the roles the other way round
        (None, None),
    ]
    for stage in Stage.values:
        for translator, editor in assignments:
            document = new_document(people)
            Document.objects.filter(pk=document.pk).update(
                stage=stage, translator=translator, editor=editor
            )
    counts = {}
    for person in (people.translator, people.editor, people.manager, people.outsider, admin):
        expected = Document.objects.visible_to(person).filter(waiting_for(person)).count()
        assert waiting_count(person) == expected, person.username
        counts[person.username] = expected
    # Aligning and translating as translator, reviewing as editor; managers, every approved.
    assert counts == {"mina": 5, "daniel": 4, "jiwon": 5, "tae": 3, "root": 5}
