"""The alignment editor: each action, undo, re-align the rest, and who may use it."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from reviews import pairing, workflow
from reviews.models import Document, Event, Revision, Stage
from tests.conftest import new_document

KO = ["가 문단.", "나 문단.", "다 문단.", "라 문단."]
EN = ["Paragraph A.", "Paragraph B.", "Paragraph C.", "Paragraph D."]


@pytest.fixture
def aligning(people):
    return new_document(people, stage_actions=(), source=KO, target=EN)


def cells(document):
    return [(p.source, p.text) for p in document.paragraphs.order_by("position")]


def seen(document):
    """The pairing version a page loaded now would carry."""
    return Document.objects.get(pk=document.pk).pairing_version


def act(people, document, action, row=None, side=None, at=None):
    pairing.change_pairing(
        people.translator, document, action, row, side, at, seen_version=seen(document)
    )
    return cells(document)


def undo(people, document):
    return pairing.undo(people.translator, document, seen_version=seen(document))


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
    undo(people, aligning)
    assert cells(aligning) == merged
    undo(people, aligning)
    assert cells(aligning) == original
    with pytest.raises(pairing.PairingRefused):
        undo(people, aligning)
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
        pairing.change_pairing(people.outsider, aligning, "merge_next", 0, "target", seen_version=0)
    workflow.take_transition(people.translator, "confirm_pairing", aligning)
    with pytest.raises(PermissionDenied):
        pairing.change_pairing(
            people.translator, aligning, "merge_next", 0, "target", seen_version=0
        )


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
        url,
        {"action": "merge_next", "row": 0, "side": "target", "pairing_version": 0},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="grid-area">')
    assert "Fixed by hand" in body
    response = client.post(
        url, {"action": "split:9", "row": 0, "side": "target", "pairing_version": 1}
    )
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


def pairing_version_in(html):
    versions = set(re.findall(r'name="pairing_version" value="(\d+)"', html))
    assert len(versions) == 1, versions
    return int(versions.pop())


def test_an_action_on_rows_that_moved_is_refused_with_the_fresh_rows(client, people, aligning):
    """The issue's scenario: the editor's page is loaded, the translator inserts an empty cell
    at row 1, then the editor's "merge next" on row 3 (meant for C and D) from the old page
    must not merge B and C, which sit there now."""
    url = reverse("pairing", args=[aligning.pk])
    client.force_login(people.editor)
    editor_page = client.get(aligning.get_absolute_url()).content.decode()
    editor_saw = pairing_version_in(editor_page)

    translator = Client()
    translator.force_login(people.translator)
    translator_saw = pairing_version_in(
        translator.get(aligning.get_absolute_url()).content.decode()
    )
    response = translator.post(
        url,
        {"action": "insert_empty", "row": 0, "side": "target", "pairing_version": translator_saw},
    )
    assert response.status_code == 302
    after_insert = cells(aligning)
    assert [target for _, target in after_insert] == ["", *EN]

    response = client.post(
        url,
        {"action": "merge_next", "row": 2, "side": "target", "pairing_version": editor_saw},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The pairing changed since you loaded it" in body
    assert cells(aligning) == after_insert
    # The fresh rows come back, with the version to act on them.
    assert body.count("No English paragraph") == 1
    assert pairing_version_in(body) == seen(aligning) == editor_saw + 1
    assert [e.payload["action"] for e in aligning.events.filter(verb=Event.Verb.REALIGNED)] == [
        "insert_empty"
    ]

    # Acting again from the fresh rows works.
    response = client.post(
        url,
        {"action": "merge_next", "row": 3, "side": "target", "pairing_version": editor_saw + 1},
    )
    assert [target for _, target in cells(aligning)][3] == f"{EN[2]}\n\n{EN[3]}"


def test_every_pairing_action_bumps_the_version_and_undo_checks_it(people, aligning):
    assert seen(aligning) == 0
    act(people, aligning, "merge_next", 0, "target")
    act(people, aligning, "realign")
    assert seen(aligning) == 2
    undo(people, aligning)
    assert seen(aligning) == 3
    with pytest.raises(pairing.StalePairing):
        pairing.undo(people.translator, aligning, seen_version=2)
    assert seen(aligning) == 3


def test_a_pairing_form_without_its_version_is_refused(client, people, aligning):
    client.force_login(people.translator)
    url = reverse("pairing", args=[aligning.pk])
    before = cells(aligning)
    response = client.post(
        url, {"action": "merge_next", "row": 0, "side": "target"}, HTTP_HX_REQUEST="true"
    )
    assert "The form was incomplete; reload the page." in response.content.decode()
    assert cells(aligning) == before


def test_a_split_updates_the_row_counter(client, people, aligning):
    """The counter ("0 of 4 paragraphs approved") comes with the swapped grid."""
    client.force_login(people.translator)
    url = reverse("pairing", args=[aligning.pk])
    act(people, aligning, "merge_next", 0, "target")
    response = client.post(
        url,
        {"action": "split:1", "row": 0, "side": "target", "pairing_version": seen(aligning)},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert len(cells(aligning)) == 5
    assert 'id="progress" hx-swap-oob="true"' in body
    assert "0 of 5 paragraphs approved" in body


def test_confirming_a_pairing_that_changed_since_is_refused(client, people, aligning):
    client.force_login(people.editor)
    editor_saw = pairing_version_in(client.get(aligning.get_absolute_url()).content.decode())
    act(people, aligning, "insert_empty", 0, "target")
    url = reverse("transition", args=[aligning.pk, "confirm_pairing"])
    response = client.post(url, {"pairing_version": editor_saw}, follow=True)
    assert "The pairing changed since you loaded it: check it again." in response.content.decode()
    aligning.refresh_from_db()
    assert aligning.stage == Stage.ALIGNING
    assert not Revision.objects.filter(paragraph__document=aligning).exists()
    client.post(url, {"pairing_version": seen(aligning)})
    aligning.refresh_from_db()
    assert aligning.stage == Stage.TRANSLATING


def test_the_confirm_button_carries_the_fresh_version_after_an_action(client, people, aligning):
    client.force_login(people.translator)
    url = reverse("pairing", args=[aligning.pk])
    response = client.post(
        url,
        {"action": "merge_next", "row": 0, "side": "target", "pairing_version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert pairing_version_in(response.content.decode()) == 1


def test_the_activity_page_says_what_each_pairing_change_did(people, aligning):
    act(people, aligning, "merge_next", 2, "target")  # English C and D in row 3
    act(people, aligning, "move_up", 1, "target")  # English B up to row 1
    act(people, aligning, "split", 2, "target", 1)  # row 3 holds C, D: D starts a row
    act(people, aligning, "move_down", 0, "source")  # Korean 가 down to row 2
    act(people, aligning, "insert_empty", 0, "source")
    act(people, aligning, "realign")
    undo(people, aligning)
    client = Client()
    client.force_login(people.translator)
    page = client.get(reverse("activity", args=[aligning.pk])).content.decode()
    lines = [
        "merged rows 3 and 4 on the English side",
        "moved English paragraph 2 up to row 1",
        "split row 3 before English paragraph 4",
        "moved Korean paragraph 1 down to row 2",
        "inserted an empty Korean cell at row 1",
        "re-aligned the rows nobody fixed by hand",
        "undid the last pairing change",
    ]
    found = [page.find(line) for line in lines]
    assert -1 not in found, list(zip(lines, found, strict=True))
    assert found == sorted(found)
