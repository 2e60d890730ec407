"""Stages, transitions and who may do what: one table, one `can()`.

Every view asks `can(user, action, document)` (or `refusal()` for the reason) before it acts.
Visibility is the first rule of all: a person who may not see a document may do nothing with it.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from reviews.importing import start_history
from reviews.models import (
    Comment,
    Document,
    Event,
    Notification,
    Paragraph,
    Revision,
    Role,
    Stage,
    is_manager,
)
from reviews.notifications import notify, notify_stage

ASSIGNED = frozenset({Role.TRANSLATOR, Role.EDITOR, Role.MANAGER})
REVIEWERS = frozenset({Role.EDITOR, Role.MANAGER})
EDITABLE_STAGES = frozenset({Stage.TRANSLATING, Stage.REVIEWING})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: frozenset
    target: str
    roles: frozenset


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "confirm_pairing",
            "Confirm pairing",
            frozenset({Stage.ALIGNING}),
            Stage.TRANSLATING,
            ASSIGNED,
        ),
        Transition(
            "submit_for_review",
            "Submit for review",
            frozenset({Stage.ALIGNING, Stage.TRANSLATING}),
            Stage.REVIEWING,
            frozenset({Role.TRANSLATOR, Role.MANAGER}),
        ),
        Transition(
            "return_to_translator",
            "Return to translator",
            frozenset({Stage.REVIEWING}),
            Stage.TRANSLATING,
            REVIEWERS,
        ),
        Transition(
            "approve",
            "Approve document",
            frozenset({Stage.REVIEWING}),
            Stage.APPROVED,
            REVIEWERS,
        ),
        Transition(
            "publish",
            "Mark published",
            frozenset({Stage.APPROVED}),
            Stage.PUBLISHED,
            frozenset({Role.MANAGER}),
        ),
        Transition(
            "reopen",
            "Reopen for review",
            frozenset({Stage.APPROVED}),
            Stage.REVIEWING,
            frozenset({Role.MANAGER}),
        ),
    ]
}

# Actions on a document's content: which roles, in which stages.
ACTIONS = {
    "view": (ASSIGNED, frozenset(Stage)),
    "export": (ASSIGNED, frozenset(Stage)),
    "comment": (ASSIGNED, frozenset(Stage)),
    "align": (ASSIGNED, frozenset({Stage.ALIGNING})),
    "edit": (ASSIGNED, EDITABLE_STAGES),
    "decide": (REVIEWERS, EDITABLE_STAGES),
    "approve_paragraph": (REVIEWERS, EDITABLE_STAGES),
    "assign": (frozenset({Role.MANAGER}), frozenset(Stage)),
    "credit": (REVIEWERS, frozenset(Stage)),
    "resolve_comment": (REVIEWERS, frozenset(Stage)),
    # Grading (category and severity) is the reviewer's act; it feeds the quality score, so a
    # translator never grades her own work: her comments are questions and notes.
    "grade_comment": (REVIEWERS, frozenset(Stage)),
    # Who opened a document (reviews/readers.py) is the desk's audit, for managers only.
    "see_readers": (frozenset({Role.MANAGER}), frozenset(Stage)),
}


def refusal(user, action, document):
    """Why `user` may not take `action` on `document`, or None when they may."""
    if action == "upload":
        return None if user.is_authenticated else "Log in first."
    role = document.role_of(user) if user.is_authenticated else None
    if role is None:
        return "You cannot see this document."
    if action in TRANSITIONS:
        transition = TRANSITIONS[action]
        roles, stages = transition.roles, transition.source
    else:
        roles, stages = ACTIONS[action]
    # A manager assigned as translator still acts with a manager's rights.
    if role not in roles and not (is_manager(user) and Role.MANAGER in roles):
        return f"Your role here ({role.label.lower()}) cannot do this."
    if document.stage not in stages:
        return f"Not possible while the document is {document.get_stage_display().lower()}."
    if action == "approve":
        return approval_blocker(document)
    return None


def can(user, action, document=None):
    return refusal(user, action, document) is None


def approval_blocker(document):
    """What still stands between a document in review and its approval."""
    paragraphs = Paragraph.objects.filter(document=document)
    unapproved = paragraphs.exclude(status=Paragraph.Status.APPROVED).count()
    if unapproved:
        return f"{unapproved} paragraph{'s' if unapproved != 1 else ''} not yet approved."
    open_proposals = Revision.objects.filter(
        paragraph__document=document, state=Revision.State.PROPOSED
    ).count()
    if open_proposals:
        return f"{open_proposals} open proposal{'s' if open_proposals != 1 else ''}."
    critical = Comment.objects.filter(
        document=document,
        severity=Comment.Severity.CRITICAL,
        resolved_at__isnull=True,
        reply_to__isnull=True,
    ).count()
    if critical:
        return f"{critical} unresolved critical comment{'s' if critical != 1 else ''}."
    return None


def available_transitions(user, document):
    """(transition, refusal) for each transition from the current stage that the user's role
    could take, so a page can show the button and say why it is disabled."""
    role = document.role_of(user)
    result = []
    for transition in TRANSITIONS.values():
        if document.stage not in transition.source:
            continue
        if role not in transition.roles and not is_manager(user):
            continue
        result.append((transition, refusal(user, transition.action, document)))
    return result


@transaction.atomic
def take_transition(user, action, document):
    """Move the document along one transition, or raise PermissionDenied with the reason."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    reason = refusal(user, action, document)
    if reason:
        raise PermissionDenied(reason)
    transition = TRANSITIONS[action]
    source_stage = document.stage
    if source_stage == Stage.ALIGNING:
        start_history(document, user)
    document.stage = transition.target
    document.save(update_fields=["stage", "updated_at"])
    moved = {"action": action, "from": source_stage, "to": document.stage}
    event = Event.record(document, user, Event.Verb.TRANSITION, **moved)
    notify_stage(event, managers())
    return document


def managers():
    return get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER)


@transaction.atomic
def assign(user, document, *, translator, editor):
    """Managers assign and change the translator and the editor."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    reason = refusal(user, "assign", document)
    if reason:
        raise PermissionDenied(reason)
    before = {"translator": document.translator, "editor": document.editor}
    document.translator, document.editor = translator, editor
    document.save(update_fields=["translator", "editor", "updated_at"])
    changed = {
        role: person.username if person else None
        for role, person in (("translator", translator), ("editor", editor))
        if person != before[role]
    }
    if not changed:
        return document
    event = Event.record(document, user, Event.Verb.ASSIGNED, **changed)
    newcomers = [
        person
        for role, person in (("translator", translator), ("editor", editor))
        if role in changed
    ]
    notify(event, newcomers, Notification.Reason.ASSIGNED)
    return document


@transaction.atomic
def set_credit_line(user, document, credit):
    """A hand-written credit line; blank goes back to the one built from the people."""
    reason = refusal(user, "credit", document)
    if reason:
        raise PermissionDenied(reason)
    credit = " ".join(credit.split())[:300]
    if credit == document.credit_override:
        return document
    document.credit_override = credit
    document.save(update_fields=["credit_override", "updated_at"])
    Event.record(document, user, Event.Verb.CREDIT, credit=credit)
    return document
