"""Stages, transitions and who may do what: one table, one `can()`.

Every view asks `can(user, action, document)` (or `refusal()` for the reason) before it acts.
Visibility is the first rule of all: a person who may not see a document may do nothing with it.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from reviews.cleaning import clean_line, clean_text
from reviews.findings import undismissed_errors
from reviews.importing import start_history
from reviews.models import (
    Document,
    Event,
    Notification,
    Priority,
    Role,
    Stage,
    desk_roles,
    is_manager,
)
from reviews.notifications import ACTS_IN, notify, notify_stage
from reviews.progress import document_counts

ASSIGNED = frozenset({Role.TRANSLATOR, Role.EDITOR, Role.MANAGER})
REVIEWERS = frozenset({Role.EDITOR, Role.MANAGER})
EDITABLE_STAGES = frozenset({Stage.TRANSLATING, Stage.REVIEWING})
MAX_NOTE_CHARS = 1_000
# Document.credit_override holds 300 characters; a longer line is refused, not cut.
MAX_CREDIT_CHARS = 300


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: frozenset
    target: str
    roles: frozenset

    @property
    def hands_over(self):
        """Whether the move gives the work to other people (or ends it): such a move asks for
        confirmation and takes a note for them."""
        return any(ACTS_IN.get(stage) != ACTS_IN.get(self.target) for stage in self.source)


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
        # Not from aligning: the pairing is confirmed first, as a step of its own, so one
        # click never skips both the pairing's confirmation and the translating stage.
        Transition(
            "submit_for_review",
            "Submit for review",
            frozenset({Stage.TRANSLATING}),
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
    # A save accepted at once, not proposed: the translator's own, while translating.
    "save_directly": (frozenset({Role.TRANSLATOR}), frozenset({Stage.TRANSLATING})),
    "decide": (REVIEWERS, EDITABLE_STAGES),
    # Taking back an accept or a reject: whoever may decide, while decisions can be made.
    "undo_decision": (REVIEWERS, EDITABLE_STAGES),
    "approve_paragraph": (REVIEWERS, EDITABLE_STAGES),
    "assign": (frozenset({Role.MANAGER}), frozenset(Stage)),
    "credit": (REVIEWERS, frozenset(Stage)),
    "resolve_comment": (REVIEWERS, frozenset(Stage)),
    # The translator answers a comment by marking it addressed; the editor then resolves it
    # or reopens it (reviews/comments.py).
    "address_comment": (frozenset({Role.TRANSLATOR, Role.MANAGER}), frozenset(Stage)),
    # Grading (category and severity) is the reviewer's act; it feeds the quality score, so a
    # translator never grades her own work: her comments are questions and notes.
    "grade_comment": (REVIEWERS, frozenset(Stage)),
    "dismiss_finding": (REVIEWERS, EDITABLE_STAGES),
    # Who opened a document (reviews/readers.py) is the desk's audit, for managers only.
    "see_readers": (frozenset({Role.MANAGER}), frozenset(Stage)),
}


# Actions on no document in particular (the upload page, the report, the desk's glossary): who
# may take them.
DESK_ACTIONS = {
    "upload": lambda user: True,
    "translator_report": is_manager,
    "read_glossary": lambda user: True,
    "edit_glossary": lambda user: is_manager(user) or bool(desk_roles(user) & REVIEWERS),
    "lift_lockouts": is_manager,
}
DESK_REFUSALS = {
    "translator_report": "Only managers see the translators' report.",
    "edit_glossary": "Only editors and managers can change the glossary.",
    "lift_lockouts": "Only managers see and lift login lock-outs.",
}


def desk_refusal(user, action):
    if not user.is_authenticated:
        return "Log in first."
    if DESK_ACTIONS[action](user):
        return None
    return DESK_REFUSALS.get(action, "You cannot do this.")


def acts_as(user, document, roles):
    """Whether the person's role on the document is one of `roles`. A manager assigned as
    translator still acts with a manager's rights."""
    role = document.role_of(user) if user.is_authenticated else None
    return role in roles or (Role.MANAGER in roles and is_manager(user))


def refusal(user, action, document=None, *, counts=None):
    """Why `user` may not take `action` on `document`, or None when they may. `counts`, the
    document's reviews.progress.document_counts when the caller has them already."""
    if action in DESK_ACTIONS:
        return desk_refusal(user, action)
    role = document.role_of(user) if user.is_authenticated else None
    if role is None:
        return "You cannot see this document."
    if action in TRANSITIONS:
        transition = TRANSITIONS[action]
        roles, stages = transition.roles, transition.source
    else:
        roles, stages = ACTIONS[action]
    if not acts_as(user, document, roles):
        return f"Your role here ({role.label.lower()}) cannot do this."
    if document.stage not in stages:
        return f"Not possible while the document is {document.get_stage_display().lower()}."
    if action == "approve":
        return approval_blocker(document, counts)
    return None


def can(user, action, document=None):
    return refusal(user, action, document) is None


def approval_blocker(document, counts=None):
    """What still stands between a document in review and its approval. `counts`: as
    reviews.progress.document_counts gives them (asked here when not given)."""
    counts = counts or document_counts(document)
    unapproved = counts["total"] - counts["approved"]
    if unapproved:
        return f"{unapproved} paragraph{'s' if unapproved != 1 else ''} not yet approved."
    open_proposals = counts["open_proposals"]
    if open_proposals:
        return f"{open_proposals} open proposal{'s' if open_proposals != 1 else ''}."
    critical = counts["critical"]
    if critical:
        return f"{critical} unresolved critical comment{'s' if critical != 1 else ''}."
    errors = undismissed_errors(document)
    if errors:
        return f"{errors} check error{'s' if errors != 1 else ''} to fix or dismiss."
    return None


def available_transitions(user, document, counts=None):
    """(transition, refusal) for each transition from the current stage that the user's role
    could take, so a page can show the button and say why it is disabled."""
    return [
        (transition, refusal(user, transition.action, document, counts=counts))
        for transition in TRANSITIONS.values()
        if document.stage in transition.source and acts_as(user, document, transition.roles)
    ]


def upload_slots(user):
    """The roles an uploader can take on a new document to keep seeing it, in order of
    preference: translator and editor, those they hold."""
    held = desk_roles(user)
    return [role for role in (Role.TRANSLATOR, Role.EDITOR) if role in held]


def clean_note(note):
    """A stage move's note as kept: cleaned as every text a person enters, edges trimmed."""
    return clean_text(note).strip()


@transaction.atomic
def take_transition(user, action, document, note="", *, seen_pairing=None):
    """Move the document along one transition, or raise PermissionDenied with the reason. The
    note, if any, is for the people the work goes to: it is kept in the event they are told
    about. `seen_pairing`, the pairing version of the page the move came from: confirming a
    pairing that changed since would confirm rows nobody looked at."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    reason = refusal(user, action, document)
    if reason:
        raise PermissionDenied(reason)
    if seen_pairing is not None and seen_pairing != document.pairing_version:
        raise PermissionDenied("The pairing changed since you loaded it: check it again.")
    transition = TRANSITIONS[action]
    source_stage = document.stage
    if source_stage == Stage.ALIGNING:
        start_history(document, user)
    document.stage = transition.target
    document.save(update_fields=["stage", "updated_at"])
    moved = {"action": action, "from": source_stage, "to": document.stage}
    note = clean_note(note)[:MAX_NOTE_CHARS]
    if note:
        moved["note"] = note
    event = Event.record(document, user, Event.Verb.TRANSITION, **moved)
    notify_stage(event, managers())
    return document


def managers():
    return get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER)


KEEP = object()


@transaction.atomic
def assign(user, document, *, translator, editor, due_at=KEEP, priority=KEEP):
    """Managers assign and change the translator and the editor, and set the due date and the
    priority the desk's queue sorts by (KEEP leaves one as it is; due_at None clears it)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    reason = refusal(user, "assign", document)
    if reason:
        raise PermissionDenied(reason)
    before = {"translator": document.translator, "editor": document.editor}
    document.translator, document.editor = translator, editor
    changed = {
        role: person.username if person else None
        for role, person in (("translator", translator), ("editor", editor))
        if person != before[role]
    }
    if due_at is not KEEP and due_at != document.due_at:
        document.due_at = due_at
        changed["due_at"] = due_at.isoformat() if due_at else None
    if priority is not KEEP and priority != document.priority:
        document.priority = priority
        changed["priority"] = Priority(priority).label
    if not changed:
        return document
    document.save(update_fields=["translator", "editor", "due_at", "priority", "updated_at"])
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
    credit = clean_line(credit)
    if len(credit) > MAX_CREDIT_CHARS:
        raise ValidationError(
            f"The credit line is {len(credit):,} characters long; the limit is {MAX_CREDIT_CHARS}."
        )
    if credit == document.credit_override:
        return document
    document.credit_override = credit
    document.save(update_fields=["credit_override", "updated_at"])
    Event.record(document, user, Event.Verb.CREDIT, credit=credit)
    return document
