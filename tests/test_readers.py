"""Who saw what: managers see who opened a document in the last 30 days, one row per person per
day; a page view costs one INSERT and htmx fragments none; exports are in the activity log with
who and when. Translators and editors cannot see who read."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import readers
from reviews.models import DocumentView, Event
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}


def view_queries(queries):
    return [q["sql"] for q in queries if "reviews_documentview" in q["sql"]]


def open_page(client, user, document):
    client.force_login(user)
    response = client.get(reverse("document", args=[document.pk]))
    assert response.status_code == 200
    return response


def test_a_page_view_is_one_row_per_person_per_day_for_one_insert(client, people, document):
    open_page(client, people.translator, document)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("document", args=[document.pk]))
    (insert,) = view_queries(captured.captured_queries)
    assert insert.upper().startswith("INSERT") and (
        "ON CONFLICT" in insert.upper() or "OR IGNORE" in insert.upper()
    )
    open_page(client, people.editor, document)
    assert DocumentView.objects.count() == 2
    view = DocumentView.objects.get(user=people.translator)
    assert view.document == document and view.day == timezone.localdate()


def test_htmx_fragments_write_no_view(client, people, document):
    client.force_login(people.translator)
    row = document.paragraphs.first()
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("row", args=[document.pk, row.pk]), **HTMX)
        client.get(reverse("edit", args=[document.pk, row.pk]), **HTMX)
        client.get(reverse("document", args=[document.pk]), **HTMX)
    assert view_queries(captured.captured_queries) == []
    assert not DocumentView.objects.exists()


def test_managers_see_the_last_30_days_newest_first(client, people, document):
    today = timezone.localdate()
    for days_ago, user in [(0, people.translator), (3, people.editor), (29, people.manager)]:
        with mock.patch(
            "reviews.readers.timezone.localdate", return_value=today - datetime.timedelta(days_ago)
        ):
            open_page(client, user, document)
    DocumentView.objects.create(
        document=document, user=people.editor, day=today - datetime.timedelta(days=30)
    )
    client.force_login(people.manager)
    response = client.get(reverse("readers", args=[document.pk]))
    assert response.status_code == 200
    rows = [(v.day, v.user) for v in response.context["views"]]
    assert rows == [
        (today, people.translator),
        (today - datetime.timedelta(3), people.editor),
        (today - datetime.timedelta(29), people.manager),
    ]
    html = response.content.decode()
    assert "Mina Seo" in html and "Daniel Park" in html and "(3 people)" in html
    activity = client.get(reverse("activity", args=[document.pk])).content.decode()
    assert reverse("readers", args=[document.pk]) in activity


@pytest.mark.parametrize("who, status", [("translator", 403), ("editor", 403), ("outsider", 404)])
def test_only_managers_see_who_opened_it(client, people, document, who, status):
    open_page(client, people.manager, document)
    client.force_login(getattr(people, who))
    response = client.get(reverse("readers", args=[document.pk]))
    assert response.status_code == status
    assert "Jiwon Han" not in response.content.decode()
    if who != "outsider":
        activity = client.get(reverse("activity", args=[document.pk])).content.decode()
        assert reverse("readers", args=[document.pk]) not in activity


def test_an_export_is_in_the_activity_log_with_who_and_when(client, people, document):
    client.force_login(people.editor)
    response = client.get(reverse("export", args=[document.pk, "docx"]))
    assert response.status_code == 200
    event = Event.objects.get(document=document, verb=Event.Verb.EXPORTED)
    assert event.actor == people.editor and event.payload["format"] == "docx"
    assert abs(timezone.now() - event.created_at) < datetime.timedelta(minutes=1)
    client.force_login(people.manager)
    html = client.get(reverse("activity", args=[document.pk])).content.decode()
    assert "<strong>Daniel Park</strong>\n        exported as docx" in html


@pytest.fixture
def fresh_memo(monkeypatch):
    """This worker's memo of the views it wrote, empty for the test."""
    monkeypatch.setattr(readers, "_written", set())
    return readers._written


def view_writes(client, document, committed=None):
    """The page's queries that touch the views table; with `committed` (the fixture
    django_capture_on_commit_callbacks) the view's on_commit callbacks run after it, as they
    would on a server (the test's own transaction never commits)."""
    with CaptureQueriesContext(connection) as captured:
        if committed is None:
            response = client.get(reverse("document", args=[document.pk]))
        else:
            with committed(execute=True):
                response = client.get(reverse("document", args=[document.pk]))
    assert response.status_code == 200
    return view_queries(captured.captured_queries)


def test_a_second_view_the_same_day_writes_nothing(
    client, people, document, fresh_memo, django_capture_on_commit_callbacks
):
    committed = django_capture_on_commit_callbacks
    client.force_login(people.translator)
    assert len(view_writes(client, document, committed)) == 1
    assert view_writes(client, document, committed) == []
    assert DocumentView.objects.get().user == people.translator


def test_the_memo_never_hides_a_new_day_another_document_or_another_person(
    client, people, document, fresh_memo, django_capture_on_commit_callbacks
):
    committed = django_capture_on_commit_callbacks
    other = new_document(people)
    today = timezone.localdate()
    client.force_login(people.translator)
    view_writes(client, document, committed)
    # Another document, the same person and day.
    assert len(view_writes(client, other, committed)) == 1
    # Another person, the same document and day.
    client.force_login(people.editor)
    assert len(view_writes(client, document, committed)) == 1
    # The next day, the same person and document.
    client.force_login(people.translator)
    tomorrow = today + datetime.timedelta(days=1)
    with mock.patch("reviews.readers.timezone.localdate", return_value=tomorrow):
        assert len(view_writes(client, document, committed)) == 1
        assert view_writes(client, document, committed) == []
    views = set(DocumentView.objects.values_list("document", "user", "day"))
    assert views == {
        (document.pk, people.translator.pk, today),
        (other.pk, people.translator.pk, today),
        (document.pk, people.editor.pk, today),
        (document.pk, people.translator.pk, tomorrow),
    }


def test_a_view_rolled_back_is_not_remembered(client, people, document, fresh_memo):
    # Without the commit (the test's transaction is rolled back), nothing is remembered: each
    # view writes again, as it did before the memo.
    client.force_login(people.translator)
    assert len(view_writes(client, document)) == 1
    assert len(view_writes(client, document)) == 1
    assert not fresh_memo


def test_the_memo_is_emptied_when_full(fresh_memo, monkeypatch):
    monkeypatch.setattr(readers, "WRITTEN_MAX", 2)
    for key in ("a", "b", "c"):
        readers.remember(key)
    assert fresh_memo == {"c"}
