"""Bringing events to people's attention: in the app always, by email when a mailer is set up.

Only people who can see the document are ever told about it.
"""

import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse

from reviews import plain_sql
from reviews.models import Notification, Role, Stage, display_name, visible_to_sql

logger = logging.getLogger(__name__)

# Whose move it is in each stage: the role that must act next.
ACTS_IN = {
    Stage.ALIGNING: Role.TRANSLATOR,
    Stage.TRANSLATING: Role.TRANSLATOR,
    Stage.REVIEWING: Role.EDITOR,
    Stage.APPROVED: Role.MANAGER,
}


def notify(event, people, reason):
    """One notification per person who can see the document, never to the actor."""
    document = event.document
    told = set()
    notifications = []
    for person in people:
        if person is None or person.pk == event.actor_id or person.pk in told:
            continue
        if not person.is_active or document.role_of(person) is None:
            continue
        told.add(person.pk)
        notifications.append(Notification(recipient=person, event=event, reason=reason))
    # Plain SQL (reviews/plain_sql.py): on every write that tells someone, the ORM's insert
    # cost more CPU to compile than to run.
    plain_sql.insert_many(notifications)
    if settings.WORKBENCH_SEND_EMAIL:
        # After the commit: a rolled-back change sends nothing, and a slow mail server does
        # not hold the document's lock.
        for notification in notifications:
            transaction.on_commit(partial(email, notification))
    return notifications


def email(notification):
    recipient = notification.recipient
    if not recipient.email:
        return
    event = notification.event
    actor = display_name(event.actor) if event.actor else "Workbench"
    url = settings.WORKBENCH_BASE_URL.rstrip("/") + reverse("document", args=[event.document_id])
    try:
        send_mail(
            subject=f"[Workbench] {notification.get_reason_display()}: {event.document.title}",
            message=f"{actor} {event.get_verb_display()}.\n\n{note_of(event)}{url}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient.email],
        )
    except (OSError, smtplib.SMTPException):
        # The notification is in the app either way; a mail outage must not fail the change.
        logger.exception("Could not email notification %s", notification.pk)


def note_of(event):
    """The note a person left with a stage move, quoted for an email."""
    note = event.payload.get("note", "")
    return f"“{note}”\n\n" if note else ""


def whose_turn(document, stage, managers):
    """The people who must act on the document in `stage`."""
    acting = ACTS_IN.get(stage)
    if acting == Role.TRANSLATOR:
        return [person for person in [document.translator] if person]
    if acting == Role.EDITOR:
        return [person for person in [document.editor] if person]
    if acting == Role.MANAGER:
        return list(managers)
    return []


def notify_stage(event, managers):
    """After a transition: whoever must act now hears it's their turn; the others are told."""
    document = event.document
    turn = whose_turn(document, document.stage, managers)
    notify(event, turn, Notification.Reason.YOUR_TURN)
    others = [person for person in document.people() if person not in turn]
    notify(event, others, Notification.Reason.STAGE)


# The header's unread count: reviews.views.inbox.visible_notifications(user)
# .filter(read_at=None).count() in plain SQL, as in reviews/progress.py (the desk reads it with
# its page, reviews.queue.desk_summary_sql). Every page's header shows it, and the ORM's form
# (a join and the visibility subquery) costs about 1.4 ms of CPU to build and compile, this
# 0.1. Which documents count is visible_to's rule, in its SQL form (models.visible_to_sql).
UNREAD_SQL = """
SELECT COUNT(*) FROM reviews_notification n
JOIN reviews_event e ON e.id = n.event_id
JOIN reviews_document d ON d.id = e.document_id
WHERE n.recipient_id = %(recipient)s AND n.read_at IS NULL AND {visible}
"""


def unread_notifications(user):
    visible, params = visible_to_sql(user, "d")
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL.format(visible=visible), {"recipient": user.pk, **params})
        return cursor.fetchone()[0]
