"""Who else is editing a row: the presence poll, its heartbeat, expiry and access."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import EditingPresence
from reviews.presence import PRESENCE_SECONDS
from tests.conftest import make_user, new_document


def presence_url(document):
    return reverse("presence", args=[document.pk])


def rows(document):
    return list(document.paragraphs.order_by("position"))


def beat(client, document, editing=(), stopped=()):
    response = client.post(presence_url(document), {"editing": editing, "stopped": stopped})
    assert response.status_code == 200
    return response.json()["rows"]


def seen_by(client, person, document):
    client.force_login(person)
    response = client.get(presence_url(document))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return response.json()["rows"]


def test_the_others_see_who_edits_which_row(client, people, document):
    first, second = rows(document)[:2]
    client.force_login(people.editor)
    assert beat(client, document, editing=[first.pk]) == {}  # not yourself
    client.force_login(people.manager)
    beat(client, document, editing=[first.pk, second.pk])
    assert seen_by(client, people.translator, document) == {
        str(first.pk): ["Daniel Park", "Jiwon Han"],
        str(second.pk): ["Jiwon Han"],
    }
    assert seen_by(client, people.editor, document) == {
        str(first.pk): ["Jiwon Han"],
        str(second.pk): ["Jiwon Han"],
    }


def test_a_heartbeat_overwrites_its_row_instead_of_adding_one(client, people, document):
    row = rows(document)[0]
    client.force_login(people.editor)
    beat(client, document, editing=[row.pk])
    first_seen = EditingPresence.objects.get().last_seen
    beat(client, document, editing=[row.pk])
    presence = EditingPresence.objects.get()
    assert presence.last_seen >= first_seen
    assert (presence.document_id, presence.paragraph_id) == (document.pk, row.pk)


def test_closing_the_editor_ends_it_at_once(client, people, document):
    row = rows(document)[0]
    client.force_login(people.editor)
    beat(client, document, editing=[row.pk])
    beat(client, document, stopped=[row.pk])
    assert seen_by(client, people.translator, document) == {}
    assert not EditingPresence.objects.exists()


def test_thirty_seconds_without_a_heartbeat_end_it(client, people, document):
    first, second = rows(document)[:2]
    client.force_login(people.editor)
    beat(client, document, editing=[first.pk])
    client.force_login(people.manager)
    beat(client, document, editing=[second.pk])
    quiet = timezone.now() - datetime.timedelta(seconds=PRESENCE_SECONDS + 1)
    EditingPresence.objects.filter(person=people.editor).update(last_seen=quiet)
    assert seen_by(client, people.translator, document) == {str(second.pk): ["Jiwon Han"]}
    # Reading deletes nothing; the next heartbeat clears what has expired.
    assert EditingPresence.objects.count() == 2
    client.force_login(people.manager)
    beat(client, document, editing=[second.pk])
    assert list(EditingPresence.objects.values_list("person", flat=True)) == [people.manager.pk]


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_and_leaves_no_trace(client, people, document, method):
    row = rows(document)[0]
    client.force_login(people.editor)
    beat(client, document, editing=[row.pk])
    client.force_login(people.outsider)
    response = getattr(client, method)(presence_url(document), {"editing": [row.pk]})
    assert response.status_code == 404
    assert "Daniel" not in response.content.decode()
    assert list(EditingPresence.objects.values_list("person", flat=True)) == [people.editor.pk]


def test_someone_taken_off_the_document_is_no_longer_shown(client, people, document):
    row = rows(document)[0]
    client.force_login(people.editor)
    beat(client, document, editing=[row.pk])
    document.editor = make_user("sora", first_name="Sora", last_name="Lim")
    document.save()
    assert seen_by(client, people.translator, document) == {}


def test_rows_of_another_document_are_not_recorded(client, people, document):
    other = new_document(people)
    client.force_login(people.editor)
    beat(client, document, editing=[rows(other)[0].pk])
    assert not EditingPresence.objects.exists()


def test_who_may_not_edit_is_not_recorded_as_editing(client, people):
    aligning = new_document(people, stage_actions=())  # nobody edits the English while pairing
    client.force_login(people.editor)
    assert beat(client, aligning, editing=[rows(aligning)[0].pk]) == {}
    assert not EditingPresence.objects.exists()


@pytest.mark.parametrize("bad", ["abc", "1 OR 1=1", "-3"])
def test_malformed_rows_are_404(client, people, document, bad):
    client.force_login(people.editor)
    assert client.post(presence_url(document), {"editing": bad}).status_code == 404
    assert client.post(presence_url(document), {"stopped": bad}).status_code == 404


def test_the_poll_costs_the_same_queries_however_many_editors(client, people, document):
    row = rows(document)[0]
    client.force_login(people.translator)
    with CaptureQueriesContext(connection) as alone:
        client.get(presence_url(document))
    for n in range(5):
        person = make_user(f"manager{n}", "manager")
        client.force_login(person)
        beat(client, document, editing=[row.pk])
    client.force_login(people.translator)
    with CaptureQueriesContext(connection) as crowded:
        names = client.get(presence_url(document)).json()["rows"][str(row.pk)]
    assert len(names) == 5
    assert len(crowded) == len(alone)


def test_the_page_has_empty_slots_and_the_poll_url_but_no_names(client, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    row = rows(document)[0]
    client.force_login(people.editor)
    beat(client, document, editing=[row.pk])
    client.force_login(people.translator)
    html = client.get(document.get_absolute_url()).content.decode()
    assert f'data-presence-url="{presence_url(document)}"' in html
    assert html.count('<span class="presence" data-presence hidden></span>') == len(rows(document))
    assert "is editing" not in html
    assert "js/presence.js" in html
