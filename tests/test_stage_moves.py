"""Stage moves that hand the work to someone else ask first: a confirmation page (GET) that
says what will happen and takes a note, the move itself (POST); the note reaches the people
the work goes to."""

import pytest
from django.core import mail
from django.urls import reverse

from reviews import workflow
from reviews.comments import add_comment, set_resolved
from reviews.models import Event, Notification, Paragraph, Revision, Stage
from tests.conftest import new_document

HANDS_OVER = {"submit_for_review", "return_to_translator", "approve", "publish", "reopen"}


def move_url(document, action):
    return reverse("transition", args=[document.pk, action])


def test_every_move_that_hands_the_work_over_asks_first():
    asking = {action for action, t in workflow.TRANSITIONS.items() if t.hands_over}
    assert asking == HANDS_OVER
    # Confirming the pairing keeps the work with the translator.
    assert not workflow.TRANSITIONS["confirm_pairing"].hands_over


def test_submit_is_not_offered_while_aligning(client, people):
    aligning = new_document(people, stage_actions=())
    client.force_login(people.translator)
    html = client.get(aligning.get_absolute_url()).content.decode()
    assert "Confirm pairing" in html and "Submit for review" not in html
    response = client.post(move_url(aligning, "submit_for_review"), {"confirmed": "1"})
    assert response.status_code == 302
    aligning.refresh_from_db()
    assert aligning.stage == Stage.ALIGNING
    assert not Revision.objects.filter(paragraph__document=aligning).exists()
    assert not Event.objects.filter(document=aligning, verb=Event.Verb.TRANSITION).exists()


@pytest.mark.parametrize(
    ("actor", "action", "stage", "source", "target", "turn"),
    [
        ("translator", "submit_for_review", (), "Translating", "Reviewing", "Daniel Park"),
        ("editor", "return_to_translator", ("submit_for_review",), "Reviewing", "Translating",
         "Mina Seo"),
    ],
)  # fmt: skip
def test_the_confirmation_page_says_what_will_happen_and_works_without_js(
    client, people, actor, action, stage, source, target, turn
):
    document = new_document(people, stage_actions=("confirm_pairing", *stage))
    client.force_login(getattr(people, actor))
    response = client.get(move_url(document, action))
    html = response.content.decode()
    assert response.status_code == 200 and "<!doctype html>" in html.lower()
    assert f"moves from <strong>{source}</strong> to <strong>{target}</strong>" in html
    assert f"It becomes the turn of <strong>{turn}</strong>" in html
    assert 'name="note"' in html and 'name="confirmed" value="1"' in html
    document.refresh_from_db()
    assert document.stage == source.lower()


def test_htmx_opens_the_confirmation_in_place(client, people, document):
    client.force_login(people.translator)
    response = client.get(move_url(document, "submit_for_review"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="confirm-transition"')
    assert "<!doctype" not in html.lower()


def test_the_page_shows_the_refusal_and_no_button(client, people, document):
    client.force_login(people.editor)
    html = client.get(move_url(document, "submit_for_review")).content.decode()
    assert "Your role here (editor) cannot do this." in html
    assert 'name="confirmed"' not in html


def test_the_stage_button_opens_the_page_rather_than_moving(client, people, document):
    client.force_login(people.translator)
    html = client.get(document.get_absolute_url()).content.decode()
    url = move_url(document, "submit_for_review")
    assert f'<form method="get" action="{url}" hx-get="{url}"' in html


def test_a_post_without_the_confirmation_changes_nothing(client, people, document):
    client.force_login(people.translator)
    url = move_url(document, "submit_for_review")
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING
    assert not Event.objects.filter(document=document, payload__action="submit_for_review")


def test_too_long_a_note_is_refused_with_the_note_kept(client, people, document):
    client.force_login(people.translator)
    note = "x" * (workflow.MAX_NOTE_CHARS + 1)
    response = client.post(
        move_url(document, "submit_for_review"), {"confirmed": "1", "note": note}
    )
    html = response.content.decode()
    assert "A note may be 1,000 characters at most." in html and note in html
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING


def test_the_note_goes_into_the_event_the_notification_and_the_email(
    client, people, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.WORKBENCH_SEND_EMAIL = True
    people.translator.email = "mina@example.org"
    people.translator.save(update_fields=["email"])
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    client.force_login(people.editor)
    note = "Row 2 misreads the figure <12.3 trillion>; please look again."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(move_url(document, "return_to_translator"), {"confirmed": "1", "note": note})
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING
    event = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).latest("pk")
    assert event.payload["note"] == note
    told = Notification.objects.get(event=event, recipient=people.translator)
    assert told.reason == Notification.Reason.YOUR_TURN
    assert [message.to for message in mail.outbox] == [["mina@example.org"]]
    assert note in mail.outbox[0].body

    client.force_login(people.translator)
    html = client.get(reverse("notifications")).content.decode()
    assert "Row 2 misreads the figure &lt;12.3 trillion&gt;; please look again." in html
    html = client.get(reverse("activity", args=[document.pk])).content.decode()
    assert "&lt;12.3 trillion&gt;" in html


def test_approving_and_publishing_ask_too(client, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    client.force_login(people.editor)
    assert client.post(move_url(document, "approve")).status_code == 302
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING
    html = client.get(move_url(document, "approve")).content.decode()
    assert "It becomes the turn of <strong>Jiwon Han</strong>" in html
    client.post(move_url(document, "approve"), {"confirmed": "1"})
    client.force_login(people.manager)
    html = client.get(move_url(document, "publish")).content.decode()
    assert "published cannot be undone" in html
    client.post(move_url(document, "publish"), {"confirmed": "1"})
    document.refresh_from_db()
    assert document.stage == Stage.PUBLISHED


def test_a_note_with_windows_line_ends_at_the_limit_is_accepted(client, people, document):
    client.force_login(people.translator)
    note = "\r\n".join(["x" * 499, "y" * 500])  # 1,000 characters once the line end is "\n"
    client.post(move_url(document, "submit_for_review"), {"confirmed": "1", "note": note})
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING
    event = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).latest("pk")
    assert event.payload["note"] == note.replace("\r\n", "\n")


def test_the_page_names_the_others_but_never_the_mover(client, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    client.force_login(people.editor)
    html = client.get(move_url(document, "approve")).content.decode()
    assert "It becomes the turn of <strong>Jiwon Han</strong>; Mina Seo will be told." in html
    section = html[html.index('<section class="confirm-transition"') :]
    assert "Daniel Park" not in section[: section.index("</section>")]


def test_approving_a_failing_translation_needs_the_box_ticked(client, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    # A resolved major error still counts: far over the threshold on a 30-word article.
    major = add_comment(people.editor, document, "Wrong name", category="accuracy",
                        severity="major")  # fmt: skip
    set_resolved(people.editor, major, True)
    client.force_login(people.editor)
    html = client.get(move_url(document, "approve")).content.decode()
    assert "The translation fails the quality threshold:" in html
    assert 'name="despite_quality"' in html

    refused = client.post(move_url(document, "approve"), {"confirmed": "1", "note": "Fine."})
    assert refused.status_code == 200
    assert "Tick the box to approve a translation that fails" in refused.content.decode()
    assert "Fine." in refused.content.decode()  # the note is kept
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING

    client.post(move_url(document, "approve"), {"confirmed": "1", "despite_quality": "1"})
    document.refresh_from_db()
    assert document.stage == Stage.APPROVED


def test_approving_a_passing_translation_shows_no_quality_warning(client, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    client.force_login(people.editor)
    html = client.get(move_url(document, "approve")).content.decode()
    assert "fails the quality threshold" not in html
