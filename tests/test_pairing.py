"""The alignment editor: each action, undo, re-align the rest, and who may use it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reviews import pairing, workflow
from reviews.models import Event, Revision, Stage
from tests.conftest import new_document

KO = ["가 문단.", "나 문단.", "다 문단.", "라 문단."]
EN = ["Paragraph A.", "Paragraph B.", "Paragraph C.", "Paragraph D."]


@pytest.fixture
def aligning(people):
    return new_document(people, stage_actions=(), source=KO, target=EN)


def cells(document):
    return [(p.source, p.text) for p in document.paragraphs.order_by("position")]


def act(people, document, action, row=None, side=None, at=None):
    pairing.change_pairing(people.translator, document, action, row, side, at)
    return cells(document)


def test_merge_next_brings_the_next_cell_up(people, aligning):
    result = act(people, aligning, "merge_next", 0, "target")
    assert result[0] == ("가 문단.", "Paragraph A.\n\nParagraph B.")
    assert result[1] == ("나 문단.", "")
    assert aligning.paragraphs.get(position=0).pinned


def test_merging_both_sides_removes_the_empty_row(people, aligning):
    act(people, aligning, "merge_next", 0, "target")
    result = act(people, aligning, "merge_next", 0, "source")
    assert len(result) == 3
    assert result[0] == ("가 문단.\n\n나 문단.", "Paragraph A.\n\nParagraph B.")


def test_split_starts_a_new_row_below(people, aligning):
    act(people, aligning, "merge_next", 0, "target")
    result = act(people, aligning, "split", 0, "target", 1)
    assert result[:3] == [("가 문단.", "Paragraph A."), ("", "Paragraph B."), ("나 문단.", "")]


def test_move_up_and_down(people, aligning):
    result = act(people, aligning, "move_up", 1, "target")
    assert result[0] == ("가 문단.", "Paragraph A.\n\nParagraph B.")
    assert result[1] == ("나 문단.", "")
    result = act(people, aligning, "move_down", 0, "target")
    assert result[0] == ("가 문단.", "Paragraph A.")
    assert result[1] == ("나 문단.", "Paragraph B.")


def test_move_down_from_the_last_row_makes_a_new_row(people, aligning):
    result = act(people, aligning, "move_down", 3, "source")
    assert result[-2:] == [("", "Paragraph D."), ("라 문단.", "")]


def test_insert_empty_shifts_one_side_down(people, aligning):
    result = act(people, aligning, "insert_empty", 1, "source")
    assert [source for source, _ in result] == ["가 문단.", "", "나 문단.", "다 문단.", "라 문단."]
    assert [target for _, target in result] == EN + [""]


def test_bad_actions_are_refused_and_change_nothing(people, aligning):
    before = cells(aligning)
    events = Event.objects.count()
    with pytest.raises(pairing.PairingRefused):
        act(people, aligning, "move_up", 0, "source")
    with pytest.raises(pairing.PairingRefused):
        act(people, aligning, "split", 0, "source", 1)
    with pytest.raises(pairing.PairingRefused):
        act(people, aligning, "merge_next", 3, "source")
    with pytest.raises(pairing.PairingRefused):
        act(people, aligning, "explode", 0, "source")
    assert cells(aligning) == before and Event.objects.count() == events


def test_every_action_is_an_event_and_can_be_undone(people, aligning):
    original = cells(aligning)
    act(people, aligning, "merge_next", 0, "target")
    merged = cells(aligning)
    act(people, aligning, "insert_empty", 2, "source")
    pairing.undo(people.translator, aligning)
    assert cells(aligning) == merged
    pairing.undo(people.translator, aligning)
    assert cells(aligning) == original
    with pytest.raises(pairing.PairingRefused):
        pairing.undo(people.translator, aligning)
    actions = [e.payload["action"] for e in aligning.events.filter(verb=Event.Verb.REALIGNED)]
    assert actions == ["merge_next", "insert_empty", "undo", "undo"]


def test_realign_keeps_pinned_rows_and_pairs_the_rest():
    source = [
        "서울 1월 3일 기온 영하 12도.",
        "부산 5일 눈 20cm.",
        "대전 7일 비 30mm.",
        "광주 9일 맑음.",
    ]
    target = [
        "Seoul, January 3: minus 12 degrees.",
        "Busan, the 5th: 20 cm of snow.",
        "Daejeon, the 7th: 30 mm of rain.",
        "Gwangju, the 9th: clear.",
    ]
    out_of_step = [
        pairing.Row([source[0]], [target[0]], pinned=True),
        pairing.Row([source[1]], []),
        pairing.Row([source[2]], [target[1]]),
        pairing.Row([source[3]], [target[2]]),
        pairing.Row([], [target[3]]),
    ]
    rows = pairing.realign_unpinned(out_of_step)
    assert [(row.source, row.target) for row in rows] == [
        ([s], [t]) for s, t in zip(source, target, strict=True)
    ]
    assert rows[0].pinned and not any(row.pinned for row in rows[1:])


def test_realign_through_the_view_records_an_event(people, aligning):
    act(people, aligning, "insert_empty", 0, "target")
    act(people, aligning, "realign")
    assert aligning.events.filter(verb=Event.Verb.REALIGNED).count() == 2


def test_only_people_on_the_document_and_only_while_aligning(people, aligning):
    with pytest.raises(PermissionDenied):
        pairing.change_pairing(people.outsider, aligning, "merge_next", 0, "target")
    workflow.take_transition(people.translator, "confirm_pairing", aligning)
    with pytest.raises(PermissionDenied):
        pairing.change_pairing(people.translator, aligning, "merge_next", 0, "target")


def test_confirming_starts_history_from_the_fixed_pairing(people, aligning):
    act(people, aligning, "merge_next", 0, "target")
    workflow.take_transition(people.translator, "confirm_pairing", aligning)
    aligning.refresh_from_db()
    assert aligning.stage == Stage.TRANSLATING
    first = aligning.paragraphs.get(position=0)
    assert first.revisions.get().text == "Paragraph A.\n\nParagraph B."
    assert Revision.objects.filter(paragraph__document=aligning).count() == 4


def test_the_editor_view_swaps_the_grid(client, people, aligning):
    client.force_login(people.translator)
    url = reverse("pairing", args=[aligning.pk])
    response = client.post(
        url, {"action": "merge_next", "row": 0, "side": "target"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="grid-area">')
    assert "Fixed by hand" in body
    response = client.post(url, {"action": "split:9", "row": 0, "side": "target"})
    assert response.status_code == 302
    client.force_login(people.outsider)
    assert client.post(url, {"action": "undo"}).status_code == 404


def test_paragraph_comments_wait_for_the_confirmed_pairing(client, people, aligning):
    client.force_login(people.editor)
    row = aligning.paragraphs.get(position=0)
    url = reverse("paragraph_comments", args=[aligning.pk, row.pk])
    response = client.post(url, {"body": "Is this right?"}, HTTP_HX_REQUEST="true")
    assert "once the pairing is confirmed" in response.content.decode()
    assert not row.comments.exists()
