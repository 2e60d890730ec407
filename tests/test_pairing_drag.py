"""Dragging a paragraph to another row of the alignment editor: the "move_to" pairing action,
its activity line, its undo, and the view that takes the drop (version check, access)."""

import itertools
import json

import pytest
from django.test import Client
from django.urls import reverse

from reviews import pairing
from reviews.models import Document, Event, Stage
from reviews.pairing import Row, move_to
from tests.conftest import new_document

KO = ["가 문단.", "나 문단.", "다 문단.", "라 문단.", "마 문단.", "바 문단."]
EN = [f"Paragraph {letter}." for letter in "ABCDEF"]


def sample_rows():
    """Six rows with uneven cells: a row with two English paragraphs, empty cells, a pinned
    row."""
    return [
        Row(["k1"], ["e1", "e2"]),
        Row(["k2"], []),
        Row(["k3", "k4"], ["e3"], pinned=True),
        Row([], ["e4"]),
        Row(["k5"], ["e5", "e6", "e7"]),
        Row(["k6"], []),
    ]


def column(rows, side):
    return [paragraph for row in rows for paragraph in row.side(side)]


def test_moving_down_lands_at_the_start_of_the_row_and_carries_what_lay_between():
    rows = sample_rows()
    move_to(rows, 0, "target", 1, 3)  # e2 from row 1 to row 4
    after = [["e1"], [], [], ["e2", "e3", "e4"], ["e5", "e6", "e7"], []]
    assert [row.target for row in rows] == after
    assert [row.source for row in rows] == [row.source for row in sample_rows()]


def test_moving_up_lands_at_the_end_of_the_row():
    rows = sample_rows()
    move_to(rows, 4, "target", 0, 3)  # e5 from row 5 to row 4
    assert [row.target for row in rows][3:5] == [["e4", "e5"], ["e6", "e7"]]
    rows = sample_rows()
    move_to(rows, 4, "source", 0, 1)  # k5 up to row 2: k3 and k4 (row 3) lie between
    assert [row.source for row in rows] == [["k1"], ["k2", "k3", "k4", "k5"], [], [], [], ["k6"]]


def test_every_move_keeps_each_paragraph_once_and_in_order_and_only_touches_its_rows():
    original = sample_rows()
    for side, other in (("source", "target"), ("target", "source")):
        for index, to in itertools.permutations(range(len(original)), 2):
            for at in range(len(original[index].side(side))):
                rows = sample_rows()
                move_to(rows, index, side, at, to)
                assert column(rows, side) == column(original, side)
                assert [row.side(other) for row in rows] == [row.side(other) for row in original]
                low, high = min(index, to), max(index, to)
                for number, (row, before) in enumerate(zip(rows, original, strict=True)):
                    if not low <= number <= high:
                        assert (row.side(side), row.pinned) == (before.side(side), before.pinned)
                    elif row.side(side) != before.side(side):
                        assert row.pinned and row.confidence == 1.0
                assert original[index].side(side)[at] in rows[to].side(side)


@pytest.mark.parametrize(
    ("index", "at", "to", "why"),
    [
        (0, 0, 0, "already in that row"),
        (0, 2, 3, "no longer there"),
        (1, 0, 3, "no longer there"),  # row 2 has no English
        (0, 0, 6, "no longer exists"),
        (0, 0, None, "no longer exists"),
        (9, 0, 1, "no longer exists"),
    ],
)
def test_a_move_that_does_not_fit_is_refused_and_changes_nothing(index, at, to, why):
    rows = sample_rows()
    with pytest.raises(pairing.PairingRefused, match=why):
        move_to(rows, index, "target", at, to)
    assert pairing.snapshot(rows) == pairing.snapshot(sample_rows())


@pytest.fixture
def aligning(people):
    return new_document(people, stage_actions=(), source=KO, target=EN)


def cells(document):
    return [(p.source, p.text) for p in document.paragraphs.order_by("position")]


def seen(document):
    return Document.objects.get(pk=document.pk).pairing_version


def act(people, document, action, row=None, side=None, at=None, to=None):
    pairing.change_pairing(
        people.translator, document, action, row, side, at, seen_version=seen(document), to=to
    )
    return cells(document)


def activity_lines(document):
    events = document.events.filter(verb=Event.Verb.REALIGNED).order_by("pk")
    return [pairing.describe_change(event.payload) for event in events]


def test_a_move_is_one_event_with_its_activity_line_and_one_undo(people, aligning):
    original = cells(aligning)
    act(people, aligning, "insert_empty", 2, "target")  # English C..F move down a row
    act(people, aligning, "insert_empty", 2, "target")  # and another
    shifted = cells(aligning)
    events = Event.objects.count()
    version = seen(aligning)
    result = act(people, aligning, "move_to", 4, "target", 0, 2)  # English C back to row 3
    assert Event.objects.count() == events + 1 and seen(aligning) == version + 1
    assert [target for _, target in result][:5] == [EN[0], EN[1], EN[2], "", ""]
    assert activity_lines(aligning)[-1] == "moved English paragraph 3 from row 5 to row 3"
    event = aligning.events.filter(verb=Event.Verb.REALIGNED).latest("pk")
    assert (event.payload["action"], event.payload["to"], event.payload["at"]) == (
        "move_to",
        2,
        0,
    )
    assert all(p.pinned for p in aligning.paragraphs.filter(position__in=[2, 4]))
    assert not aligning.paragraphs.get(position=0).pinned  # outside the move: as it was
    pairing.undo(people.translator, aligning, seen_version=seen(aligning))
    assert cells(aligning) == shifted
    pairing.undo(people.translator, aligning, seen_version=seen(aligning))
    pairing.undo(people.translator, aligning, seen_version=seen(aligning))
    assert cells(aligning) == original


def test_the_activity_line_names_the_paragraphs_that_went_along(people, aligning):
    act(people, aligning, "move_to", 1, "target", 0, 4)  # English B to row 5: C and D go too
    assert activity_lines(aligning)[-1] == (
        "moved English paragraph 2 from row 2 to row 5, "
        "taking paragraphs 3 and 4 along to keep the order"
    )
    assert [target for _, target in cells(aligning)][4] == "\n\n".join(EN[1:5])
    act(people, aligning, "move_to", 5, "source", 0, 3)  # Korean 바 up to row 4, 마 with it
    assert activity_lines(aligning)[-1] == (
        "moved Korean paragraph 6 from row 6 to row 4, taking paragraph 5 along to keep the order"
    )


def test_realign_keeps_the_rows_a_move_pinned(people, aligning):
    act(people, aligning, "move_to", 3, "target", 0, 2)  # English D joins row 3
    moved = cells(aligning)[2]
    act(people, aligning, "realign")
    assert moved in cells(aligning)


def post_drop(client, document, version, **fields):
    data = {"action": "move_to:0", "row": 1, "side": "target", "to": 3, "pairing_version": version}
    return client.post(
        reverse("pairing", args=[document.pk]), data | fields, HTTP_HX_REQUEST="true"
    )


def announcement(response):
    return json.loads(response.headers["HX-Trigger-After-Settle"])["announce"]


def test_a_drop_is_posted_as_one_action_and_said_aloud(client, people, aligning):
    client.force_login(people.translator)
    response = post_drop(client, aligning, seen(aligning))
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="grid-area">')
    assert [target for _, target in cells(aligning)][3] == "\n\n".join(EN[1:4])
    assert announcement(response) == {
        "text": "Moved English paragraph 2 from row 2 to row 4, "
        "taking paragraph 3 along to keep the order.",
        "urgent": False,
    }
    assert aligning.events.filter(verb=Event.Verb.REALIGNED).count() == 1


def test_a_drop_on_a_page_that_is_out_of_date_is_refused(client, people, aligning):
    client.force_login(people.editor)
    editor_saw = seen(aligning)
    act(people, aligning, "insert_empty", 0, "target")  # the translator, meanwhile
    before = cells(aligning)
    response = post_drop(client, aligning, editor_saw)
    body = response.content.decode()
    assert "The pairing changed since you loaded it" in body
    assert cells(aligning) == before
    said = announcement(response)
    assert said["urgent"] and said["text"].startswith("The pairing changed since you loaded it")
    assert aligning.events.filter(verb=Event.Verb.REALIGNED).count() == 1
    # Without htmx the same refusal comes back as a message on the page.
    response = Client()
    response.force_login(people.editor)
    data = {"action": "move_to:0", "row": 1, "side": "target", "to": 3}
    page = response.post(
        reverse("pairing", args=[aligning.pk]), data | {"pairing_version": editor_saw}, follow=True
    )
    assert "The pairing changed since you loaded it" in page.content.decode()
    assert cells(aligning) == before


def test_a_drop_needs_a_row_to_land_on(client, people, aligning):
    client.force_login(people.translator)
    response = post_drop(client, aligning, seen(aligning), to="")
    assert "That row no longer exists" in response.content.decode()
    response = post_drop(client, aligning, seen(aligning), to="seven")
    assert "The form was incomplete" in response.content.decode()
    assert not aligning.events.filter(verb=Event.Verb.REALIGNED).exists()


def test_only_people_on_the_document_may_drop_and_only_while_aligning(client, people, aligning):
    before = cells(aligning)
    client.force_login(people.outsider)
    assert post_drop(client, aligning, seen(aligning)).status_code == 404
    assert cells(aligning) == before
    client.force_login(people.translator)
    client.post(
        reverse("transition", args=[aligning.pk, "confirm_pairing"]),
        {"pairing_version": seen(aligning)},
    )
    aligning.refresh_from_db()
    assert aligning.stage == Stage.TRANSLATING
    before = cells(aligning)
    assert post_drop(client, aligning, seen(aligning)).status_code == 403
    assert cells(aligning) == before


def test_the_editor_page_offers_dragging_and_the_keys_for_it(client, people, aligning):
    client.force_login(people.translator)
    page = client.get(aligning.get_absolute_url()).content.decode()
    assert page.count('draggable="true"') == len(KO) + len(EN)
    assert page.count("data-key-action") == 2 * len(KO)
    assert "<kbd>s</kbd> split" in page and "<kbd>g</kbd> then <kbd>Enter</kbd>" in page
    assert "split the cell after its first paragraph" in page
