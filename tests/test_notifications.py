"""Notifications: whose turn it is, the header count, the list, marking read, hiding what a
person can no longer see, safe redirects, and email only when it is switched on."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from reviews import workflow
from reviews.comments import add_comment
from reviews.models import Event, Notification, Paragraph, Role
from tests.conftest import make_user, new_document

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def told_about_last_move(document):
    """(username, reason) of everyone told about the document's latest transition."""
    event = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).latest("pk")
    return sorted(
        Notification.objects.filter(event=event).values_list("recipient__username", "reason")
    )


def test_confirming_the_pairing_gives_the_translator_the_turn(people):
    document = new_document(people, stage_actions=())
    workflow.take_transition(people.manager, "confirm_pairing", document)
    assert told_about_last_move(document) == [("daniel", "stage"), ("mina", "your_turn")]


def test_submitting_gives_the_editor_the_turn_and_not_the_actor(people, document):
    workflow.take_transition(people.translator, "submit_for_review", document)
    assert told_about_last_move(document) == [("daniel", "your_turn")]


def test_returning_gives_the_translator_the_turn(people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    workflow.take_transition(people.editor, "return_to_translator", document)
    assert told_about_last_move(document) == [("mina", "your_turn")]


def test_approval_gives_every_manager_the_turn(people, django_user_model):
    other_manager = make_user("hana", Role.MANAGER)
    make_user("gone", Role.MANAGER, is_active=False)
    root = django_user_model.objects.create_superuser("root", password="pw")
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    workflow.take_transition(people.editor, "approve", document)
    # The desk's managers are the manager group: a superuser outside it is not paged.
    assert told_about_last_move(document) == [
        ("hana", "your_turn"),
        ("jiwon", "your_turn"),
        ("mina", "stage"),
    ]
    assert other_manager.notifications.get().reason == "your_turn"
    assert not root.notifications.exists()


def test_a_manager_who_acts_is_not_told(people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    workflow.take_transition(people.manager, "approve", document)
    assert told_about_last_move(document) == [("daniel", "stage"), ("mina", "stage")]


def unread_in_header(html):
    found = re.search(
        r'Notifications(?: <span class="count count-open">(\d+)<span class="visually-hidden">'
        r" unread</span></span>)?</a>",
        html,
    )
    assert found, "no notifications link in the header"
    return int(found.group(1) or 0)


def test_the_header_shows_the_unread_count(client, people, document):
    client.force_login(people.editor)
    assert unread_in_header(client.get(reverse("dashboard")).content.decode()) == 1
    workflow.take_transition(people.translator, "submit_for_review", document)
    add_comment(people.translator, document, "@daniel over to you")
    assert unread_in_header(client.get(reverse("dashboard")).content.decode()) == 3
    client.force_login(people.outsider)
    assert unread_in_header(client.get(reverse("dashboard")).content.decode()) == 0


def test_the_notifications_page_lists_them(client, people, document):
    workflow.take_transition(people.translator, "submit_for_review", document)
    client.force_login(people.editor)
    html = client.get(reverse("notifications")).content.decode()
    assert html.count('<li class="notification is-unread">') == 2
    assert "Your turn" in html and "The document moved" in html
    assert "moved the document to reviewing" in html
    # Unread, each opens through mark_read, which takes the reader on to the document.
    assert f'name="next" value="{document.get_absolute_url()}">' in html
    assert '<button type="submit" class="link-button link-like">Budget passed</button>' in html


def test_mark_one_read_then_all(client, people, document):
    workflow.take_transition(people.translator, "submit_for_review", document)
    workflow.take_transition(people.editor, "return_to_translator", document)
    workflow.take_transition(people.translator, "submit_for_review", document)
    mine = list(people.editor.notifications.order_by("pk"))
    assert len(mine) == 3
    theirs = people.translator.notifications.filter(reason="your_turn").latest("pk")
    client.force_login(people.editor)

    response = client.post(reverse("mark_read"), {"notification": mine[1].pk})
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    read = [n.read_at is not None for n in people.editor.notifications.order_by("pk")]
    assert read == [False, True, False]
    # Somebody else's notification cannot be marked read.
    client.post(reverse("mark_read"), {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None

    client.post(reverse("mark_read"))
    assert not people.editor.notifications.filter(read_at=None).exists()
    assert people.translator.notifications.filter(read_at=None).count() == 2
    assert unread_in_header(client.get(reverse("notifications")).content.decode()) == 0


def test_notifications_about_a_document_no_longer_visible_are_hidden(client, people, document):
    workflow.take_transition(people.translator, "submit_for_review", document)
    client.force_login(people.editor)
    assert unread_in_header(client.get(reverse("notifications")).content.decode()) == 2
    workflow.assign(
        people.manager, document, translator=people.translator, editor=make_user("sora", "editor")
    )
    html = client.get(reverse("notifications")).content.decode()
    assert "Budget passed" not in html
    assert "No notifications yet." in html
    assert unread_in_header(html) == 0
    # Marking all read leaves the hidden ones alone: they are not this person's business now.
    client.post(reverse("mark_read"))
    assert people.editor.notifications.filter(read_at=None).count() == 2


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/documents/",
        "javascript:alert(1)",
        "",
    ],
)
def test_mark_read_never_redirects_off_site(client, people, target):
    client.force_login(people.editor)
    response = client.post(reverse("mark_read"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


def test_mark_read_follows_a_local_next(client, people, document):
    client.force_login(people.editor)
    response = client.post(reverse("mark_read"), {"next": document.get_absolute_url()})
    assert response["Location"] == document.get_absolute_url()


@pytest.fixture
def with_email(people):
    for user, address in (
        (people.translator, "mina@desk.example"),
        (people.editor, "daniel@desk.example"),
        (people.manager, "jiwon@desk.example"),
    ):
        user.email = address
        user.save(update_fields=["email"])


def test_email_is_sent_when_switched_on(
    settings, people, with_email, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    settings.WORKBENCH_SEND_EMAIL = True
    document = new_document(people)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_transition(people.translator, "submit_for_review", document)
    assert [message.to for message in mail.outbox] == [["daniel@desk.example"]]
    message = mail.outbox[0]
    assert message.subject == "[Workbench] Your turn: Budget passed"
    assert document.get_absolute_url() in message.body


def test_email_is_never_sent_otherwise(
    settings, people, with_email, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    settings.WORKBENCH_SEND_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
        add_comment(people.translator, document, "@daniel @jiwon look")
    assert Notification.objects.count() >= 4
    assert mail.outbox == []
