"""Stages and transitions: who may move a document where, the approval guards, the audit trail,
assignment and the credit line."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reviews import comments, editing, workflow
from reviews.exporting import export_document
from reviews.importing import start_history
from reviews.models import Comment, Document, Event, Notification, Paragraph, Role, Stage
from tests.conftest import make_user, new_document

ROLES = ["translator", "editor", "manager", "outsider", "superuser"]
STAGES = ["aligning", "translating", "reviewing", "approved", "published"]

# Written out by hand, on purpose not derived from workflow.TRANSITIONS, so a wrong table in the
# product makes these tests fail. action: (source stages, target stage, roles that may take it)
EXPECTED = {
    "confirm_pairing": (
        {"aligning"},
        "translating",
        {"translator", "editor", "manager", "superuser"},
    ),
    # Not from aligning: the pairing is confirmed first, a step of its own.
    "submit_for_review": ({"translating"}, "reviewing", {"translator", "manager", "superuser"}),
    "return_to_translator": ({"reviewing"}, "translating", {"editor", "manager", "superuser"}),
    "approve": ({"reviewing"}, "approved", {"editor", "manager", "superuser"}),
    "publish": ({"approved"}, "published", {"manager", "superuser"}),
    "reopen": ({"approved"}, "reviewing", {"manager", "superuser"}),
}


def person(people, role, django_user_model):
    if role == "superuser":
        # A superuser in no group at all, assigned to nothing.
        return django_user_model.objects.create_superuser("root", password="pw")
    return getattr(people, role)


def document_in(people, stage):
    """A document put straight into `stage` (the transitions themselves are tested below); in
    review and after, every paragraph is approved so the approval guards stay out of the way."""
    document = new_document(people, stage_actions=())
    if stage != Stage.ALIGNING:
        start_history(document, people.manager)
        Document.objects.filter(pk=document.pk).update(stage=stage)
    if stage in (Stage.REVIEWING, Stage.APPROVED, Stage.PUBLISHED):
        Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    document.refresh_from_db()
    return document


def test_the_expected_table_covers_every_transition_of_the_product():
    assert set(EXPECTED) == set(workflow.TRANSITIONS)
    assert set(STAGES) == set(Stage.values)


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_transition_by_every_role_in_every_stage(
    people, django_user_model, action, role, stage
):
    document = document_in(people, stage)
    user = person(people, role, django_user_model)
    sources, target, roles = EXPECTED[action]
    allowed = stage in sources and role in roles
    events_before = Event.objects.filter(document=document).count()
    notifications_before = Notification.objects.count()

    assert workflow.can(user, action, document) is allowed
    if allowed:
        workflow.take_transition(user, action, document)
        document.refresh_from_db()
        assert document.stage == target
        event = Event.objects.filter(document=document).latest("pk")
        assert event.verb == Event.Verb.TRANSITION
        assert event.actor == user
        assert event.payload == {"action": action, "from": stage, "to": target}
    else:
        with pytest.raises(PermissionDenied):
            workflow.take_transition(user, action, document)
        document.refresh_from_db()
        assert document.stage == stage
        assert Event.objects.filter(document=document).count() == events_before
        assert Notification.objects.count() == notifications_before


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("outsider", "You cannot see this document."),
        ("editor", "Your role here (editor) cannot do this."),
    ],
)
def test_a_refusal_says_why(people, role, reason):
    document = new_document(people)
    assert workflow.refusal(getattr(people, role), "submit_for_review", document) == reason


def test_a_refusal_for_the_wrong_stage_names_the_stage(people):
    document = new_document(people)
    assert (
        workflow.refusal(people.manager, "publish", document)
        == "Not possible while the document is translating."
    )


def test_the_transition_view_refuses_and_changes_nothing(client, people):
    document = new_document(people)
    client.force_login(people.editor)
    events = Event.objects.filter(document=document).count()
    response = client.post(
        reverse("transition", args=[document.pk, "submit_for_review"]), follow=True
    )
    assert response.status_code == 200
    assert "Your role here (editor) cannot do this." in response.content.decode()
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING
    assert Event.objects.filter(document=document).count() == events


def test_the_transition_view_moves_the_document(client, people):
    document = new_document(people)
    client.force_login(people.translator)
    url = reverse("transition", args=[document.pk, "submit_for_review"])
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING


def test_an_unknown_transition_is_404(client, people):
    document = new_document(people)
    client.force_login(people.manager)
    assert client.post(reverse("transition", args=[document.pk, "delete"])).status_code == 404


def test_every_transition_of_a_full_life_is_logged_with_from_and_to(people):
    document = new_document(people, stage_actions=())
    steps = [
        (people.translator, "confirm_pairing"),
        (people.translator, "submit_for_review"),
        (people.editor, "return_to_translator"),
        (people.translator, "submit_for_review"),
    ]
    for user, action in steps:
        workflow.take_transition(user, action, document)
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    for user, action in [
        (people.editor, "approve"),
        (people.manager, "reopen"),
        (people.manager, "approve"),
        (people.manager, "publish"),
    ]:
        workflow.take_transition(user, action, document)
    moves = [
        (event.actor.username, event.payload["action"], event.payload["from"], event.payload["to"])
        for event in Event.objects.filter(document=document, verb=Event.Verb.TRANSITION)
    ]
    assert moves == [
        ("mina", "confirm_pairing", "aligning", "translating"),
        ("mina", "submit_for_review", "translating", "reviewing"),
        ("daniel", "return_to_translator", "reviewing", "translating"),
        ("mina", "submit_for_review", "translating", "reviewing"),
        ("daniel", "approve", "reviewing", "approved"),
        ("jiwon", "reopen", "approved", "reviewing"),
        ("jiwon", "approve", "reviewing", "approved"),
        ("jiwon", "publish", "approved", "published"),
    ]


def test_the_activity_page_shows_from_and_to(client, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    client.force_login(people.editor)
    html = client.get(reverse("activity", args=[document.pk])).content.decode()
    assert "aligning → translating" in html
    assert "translating → reviewing" in html


# --------------------------------------------------------------------------- approval guards


@pytest.fixture
def reviewing(people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    return document


def refuse_approval(people, document, reason):
    assert workflow.refusal(people.editor, "approve", document) == reason
    with pytest.raises(PermissionDenied, match=reason):
        workflow.take_transition(people.editor, "approve", document)
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING
    assert not Event.objects.filter(document=document, payload__action="approve").exists()


def test_unapproved_paragraphs_block_approval(people, reviewing):
    rows = list(reviewing.paragraphs.order_by("position"))
    Paragraph.objects.filter(pk=rows[0].pk).update(status=Paragraph.Status.TRANSLATED)
    refuse_approval(people, reviewing, "1 paragraph not yet approved.")
    Paragraph.objects.filter(document=reviewing).update(status=Paragraph.Status.TRANSLATED)
    refuse_approval(people, reviewing, f"{len(rows)} paragraphs not yet approved.")


def test_an_open_proposal_blocks_approval(people, reviewing):
    row = reviewing.paragraphs.order_by("position").first()
    editing.save_edit(people.translator, row.pk, "Council passes budget", row.version)
    # A proposal takes its paragraph's approval away...
    refuse_approval(people, reviewing, "1 paragraph not yet approved.")
    # ...and blocks on its own too, should a row with one be marked approved all the same.
    Paragraph.objects.filter(pk=row.pk).update(status=Paragraph.Status.APPROVED)
    refuse_approval(people, reviewing, "1 open proposal.")
    editing.save_edit(people.manager, row.pk, "Council backs budget", row.version)
    Paragraph.objects.filter(pk=row.pk).update(status=Paragraph.Status.APPROVED)
    refuse_approval(people, reviewing, "2 open proposals.")


def test_an_unresolved_critical_comment_blocks_approval(people, reviewing):
    row = reviewing.paragraphs.order_by("position").first()
    comments.add_comment(
        people.editor,
        reviewing,
        "Wrong figure",
        paragraph=row,
        category="accuracy",
        severity="critical",
    )
    refuse_approval(people, reviewing, "1 unresolved critical comment.")


def test_a_resolved_critical_or_an_open_minor_comment_does_not_block(people, reviewing):
    row = reviewing.paragraphs.order_by("position").first()
    critical = comments.add_comment(
        people.editor,
        reviewing,
        "Wrong figure",
        paragraph=row,
        category="accuracy",
        severity="critical",
    )
    comments.set_resolved(people.editor, critical, True)
    comments.add_comment(
        people.editor, reviewing, "Comma", paragraph=row, category="style", severity="minor"
    )
    comments.add_comment(people.editor, reviewing, "A question, no grade")
    assert workflow.refusal(people.editor, "approve", reviewing) is None
    workflow.take_transition(people.editor, "approve", reviewing)
    reviewing.refresh_from_db()
    assert reviewing.stage == Stage.APPROVED


def test_the_document_page_shows_why_approval_is_disabled(client, people, reviewing):
    row = reviewing.paragraphs.order_by("position").first()
    Paragraph.objects.filter(pk=row.pk).update(status=Paragraph.Status.TRANSLATED)
    client.force_login(people.editor)
    html = client.get(reviewing.get_absolute_url()).content.decode()
    assert 'aria-describedby="why-approve"' in html
    assert "1 paragraph not yet approved." in html


# --------------------------------------------------------------------------- assignment


@pytest.mark.parametrize("role", ["translator", "editor", "outsider"])
def test_only_a_manager_assigns(people, role):
    document = new_document(people)
    with pytest.raises(PermissionDenied):
        workflow.assign(
            getattr(people, role), document, translator=people.outsider, editor=people.editor
        )
    document.refresh_from_db()
    assert document.translator == people.translator
    assert not Event.objects.filter(document=document, verb=Event.Verb.ASSIGNED).exists()


def test_the_assign_view_refuses_a_non_manager(client, people):
    document = new_document(people)
    client.force_login(people.editor)
    response = client.post(
        reverse("assign", args=[document.pk]), {"translator": people.outsider.pk}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.translator == people.translator


def test_a_manager_assigns_and_the_newcomer_is_told(client, people):
    document = new_document(people)
    client.force_login(people.outsider)
    assert client.get(document.get_absolute_url()).status_code == 404

    workflow.assign(people.manager, document, translator=people.outsider, editor=people.editor)

    document.refresh_from_db()
    assert document.translator == people.outsider and document.editor == people.editor
    event = Event.objects.get(document=document, verb=Event.Verb.ASSIGNED)
    assert event.actor == people.manager
    assert event.payload == {"translator": "tae"}
    told = Notification.objects.filter(event=event)
    assert [(n.recipient.username, n.reason) for n in told] == [("tae", "assigned")]
    # The outsider now sees the document; the replaced translator no longer does.
    assert client.get(document.get_absolute_url()).status_code == 200
    assert document in Document.objects.visible_to(people.outsider)
    assert document not in Document.objects.visible_to(people.translator)


def test_assigning_the_same_people_again_records_nothing(people):
    document = new_document(people)
    workflow.assign(people.manager, document, translator=people.translator, editor=people.editor)
    assert not Event.objects.filter(document=document, verb=Event.Verb.ASSIGNED).exists()
    assert not Notification.objects.filter(reason=Notification.Reason.ASSIGNED).exists()


def test_the_assign_view_assigns(client, people):
    document = new_document(people)
    other_editor = make_user("sora", Role.EDITOR)
    client.force_login(people.manager)
    response = client.post(
        reverse("assign", args=[document.pk]),
        {"translator": people.translator.pk, "editor": other_editor.pk},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.editor == other_editor
    assert Notification.objects.get(recipient=other_editor).reason == "assigned"
    assert not Notification.objects.filter(recipient=people.translator, reason="assigned").exists()


# --------------------------------------------------------------------------- credit line

AUTOMATIC = "Translated by Mina Seo. Edited by Daniel Park."


def test_the_automatic_credit_line(people):
    assert new_document(people).credit_line == AUTOMATIC


@pytest.mark.parametrize("role", ["editor", "manager"])
def test_editor_and_manager_set_the_credit_line(people, role):
    document = new_document(people)
    workflow.set_credit_line(getattr(people, role), document, "  By   the desk  ")
    document.refresh_from_db()
    assert document.credit_line == "By the desk"
    event = Event.objects.get(document=document, verb=Event.Verb.CREDIT)
    assert event.payload == {"credit": "By the desk"}


@pytest.mark.parametrize("role", ["translator", "outsider"])
def test_the_translator_cannot_set_the_credit_line(people, role):
    document = new_document(people)
    with pytest.raises(PermissionDenied):
        workflow.set_credit_line(getattr(people, role), document, "By me alone")
    document.refresh_from_db()
    assert document.credit_line == AUTOMATIC
    assert not Event.objects.filter(document=document, verb=Event.Verb.CREDIT).exists()


def test_the_credit_view_refuses_the_translator(client, people):
    document = new_document(people)
    client.force_login(people.translator)
    client.post(reverse("credit", args=[document.pk]), {"credit": "By me alone"})
    document.refresh_from_db()
    assert document.credit_override == ""


def test_a_blank_credit_line_restores_the_automatic_one(people):
    document = new_document(people)
    workflow.set_credit_line(people.manager, document, "By the desk")
    workflow.set_credit_line(people.manager, document, "   ")
    document.refresh_from_db()
    assert document.credit_override == ""
    assert document.credit_line == AUTOMATIC


def test_exports_end_with_the_credit_line(people):
    document = document_in(people, Stage.APPROVED)
    data, _, _ = export_document(document, "txt", people.editor)
    assert data.decode().rstrip().endswith(AUTOMATIC)
    workflow.set_credit_line(people.editor, document, "Translated and edited by the desk.")
    document.refresh_from_db()
    data, _, _ = export_document(document, "txt", people.editor)
    text = data.decode().rstrip()
    assert text.endswith("Translated and edited by the desk.")
    assert AUTOMATIC not in text


def test_the_editor_can_set_the_credit_line_of_an_approved_document(people):
    document = document_in(people, "approved")
    workflow.set_credit_line(people.editor, document, "By the desk")
    document.refresh_from_db()
    assert document.credit_line == "By the desk"


def test_the_manager_can_set_the_credit_line_of_an_approved_document(people):
    document = document_in(people, "approved")
    workflow.set_credit_line(people.manager, document, "By the desk")
    document.refresh_from_db()
    assert document.credit_line == "By the desk"


def test_comment_guard_counts_only_thread_starters(people, reviewing):
    # A reply never carries a severity, even when one is sent with it.
    row = reviewing.paragraphs.order_by("position").first()
    thread = comments.add_comment(people.editor, reviewing, "Note", paragraph=row)
    reply = comments.add_comment(
        people.translator,
        reviewing,
        "Answer",
        reply_to=thread,
        category="accuracy",
        severity="critical",
    )
    assert (reply.category, reply.severity) == ("", "")
    assert Comment.objects.filter(severity="critical").count() == 0
    assert workflow.refusal(people.editor, "approve", reviewing) is None


# --------------------------------------------------------------------------- one answer


@pytest.mark.parametrize(
    ("role", "stage", "allowed"),
    [
        ("translator", "translating", True),
        ("translator", "reviewing", False),
        ("editor", "translating", False),
        ("manager", "translating", False),
        ("outsider", "translating", False),
    ],
)
def test_only_the_translator_saves_directly_and_only_while_translating(
    people, role, stage, allowed
):
    """The page's Save/Propose label and editing's accept-at-once ask the same question."""
    document = document_in(people, stage)
    user = getattr(people, role)
    assert workflow.can(user, "save_directly", document) is allowed
    assert editing.accepts_directly(user, document, accept=False) is allowed


def test_the_page_says_save_exactly_when_a_save_is_accepted(client, people):
    document = document_in(people, Stage.TRANSLATING)
    row = document.paragraphs.first()
    for user, label in ((people.translator, "Save"), (people.editor, "Propose")):
        client.force_login(user)
        html = client.get(reverse("edit", args=[document.pk, row.pk])).content.decode()
        assert f"data-submit>{label}</button>" in html


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("manager", None),
        ("superuser", None),
        ("editor", "Only managers see the translators' report."),
        ("translator", "Only managers see the translators' report."),
    ],
)
def test_the_translators_report_is_for_managers(people, django_user_model, role, reason):
    assert workflow.refusal(person(people, role, django_user_model), "translator_report") == reason


def test_desk_actions_need_a_login():
    from django.contrib.auth.models import AnonymousUser

    assert workflow.refusal(AnonymousUser(), "upload") == "Log in first."
    assert workflow.refusal(AnonymousUser(), "translator_report") == "Log in first."


def test_upload_slots_follow_the_desk_roles(people, django_user_model):
    both = make_user("bo", Role.TRANSLATOR)
    both.groups.add(*people.editor.groups.all())
    assert workflow.upload_slots(people.translator) == [Role.TRANSLATOR]
    assert workflow.upload_slots(people.editor) == [Role.EDITOR]
    assert workflow.upload_slots(both) == [Role.TRANSLATOR, Role.EDITOR]
    assert workflow.upload_slots(django_user_model.objects.create_user("nobody")) == []


def test_a_manager_assigned_as_translator_sees_every_transition_a_manager_may_take(people):
    people.translator.groups.add(*people.manager.groups.all())
    document = document_in(people, Stage.APPROVED)
    actions = [t.action for t, _ in workflow.available_transitions(people.translator, document)]
    assert actions == ["publish", "reopen"]
    editor_actions = workflow.available_transitions(people.editor, document)
    assert editor_actions == []
