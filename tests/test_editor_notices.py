"""A stale edit that was merged says with whose change; a conflict names who changed the
paragraph and when (issue 8, item 13)."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from reviews import editing
from reviews.models import Event, Revision
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}
# 05:07 UTC is 14:07 in Seoul, the settings' TIME_ZONE.
AT = datetime.datetime(2026, 3, 5, 5, 7, tzinfo=datetime.UTC)


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def second_row(document):
    return document.paragraphs.order_by("position")[1]


def editor_changes(people, row, old, new, at=AT):
    """The editor changes `old` to `new` and accepts it, at `at` (by the clock: the history's
    own timestamps cannot be rewritten afterwards)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        revision = editing.save_edit(
            people.editor, row.pk, row.text.replace(old, new), row.version, accept=True
        )
    assert revision.decided_at == at
    row.refresh_from_db()
    return revision


def test_a_merged_edit_says_whose_change_it_was_merged_with(client, people, reviewing):
    row = second_row(reviewing)
    seen = row.text
    editor_changes(people, row, "passed", "approved")
    client.force_login(people.translator)
    response = client.post(
        reverse("edit", args=[reviewing.pk, row.pk]),
        {"text": seen.replace("plenary", "full"), "version": "1"},
        **HTMX,
    )
    html = response.content.decode()
    assert "Merged with Daniel Park&#x27;s change made at Mar 5, 14:07 KST." in html
    proposal = Revision.objects.filter(paragraph=row).latest("pk")
    assert "approved" in proposal.text and "full session" in proposal.text
    event = Event.objects.filter(document=reviewing, verb=Event.Verb.PROPOSED).get()
    assert event.payload["merged_from_version"] == 1


def test_a_merge_onto_two_changes_names_both(people, reviewing):
    row = second_row(reviewing)
    seen = row.text
    editor_changes(people, row, "passed", "approved")
    editor_changes(people, row, "budget", "spending plan", at=AT + datetime.timedelta(minutes=2))
    revision = editing.save_edit(people.translator, row.pk, seen.replace("plenary", "full"), 1)
    assert editing.merge_notice(revision, 1) == (
        "Merged with Daniel Park's change made at Mar 5, 14:07 KST and "
        "Daniel Park's change made at Mar 5, 14:09 KST."
    )


def test_an_edit_on_the_current_version_says_nothing_about_merging(client, people, reviewing):
    row = second_row(reviewing)
    revision = editing.save_edit(people.translator, row.pk, row.text + " Really.", 1)
    assert editing.merge_notice(revision, 1) is None


def test_a_conflict_names_who_changed_the_paragraph_and_when(client, people, reviewing):
    row = second_row(reviewing)
    seen = row.text
    editor_changes(people, row, "passed", "approved")
    with pytest.raises(editing.Conflict) as conflict:
        editing.save_edit(people.translator, row.pk, seen.replace("passed", "adopted"), 1)
    assert str(conflict.value).startswith(
        "This paragraph was changed by Daniel Park at Mar 5, 14:07 KST while you were editing"
    )
    assert "Someone" not in str(conflict.value)
    client.force_login(people.translator)
    response = client.post(
        reverse("edit", args=[reviewing.pk, row.pk]),
        {"text": seen.replace("passed", "adopted"), "version": "1"},
        **HTMX,
    )
    assert "changed by Daniel Park at Mar 5, 14:07 KST" in response.content.decode()
