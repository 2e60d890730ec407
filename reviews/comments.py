"""Comments on a paragraph or on the whole document: threads, categories, mentions, resolution.

Comment bodies are plain text, kept as typed; templates escape them. Nothing is deleted:
resolving and reopening are recorded as events.
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from reviews import plain_sql, workflow
from reviews.cleaning import clean_line, clean_text
from reviews.editing import excerpt
from reviews.models import Comment, Event, Notification, Role, Stage, display_name
from reviews.notifications import notify

MAX_COMMENT_CHARS = 5_000
MAX_QUOTE_CHARS = 1_000
GRADING_IS_FOR_REVIEWERS = (
    "Only the editor or a manager grades a comment (category and severity): "
    "leave both empty to ask a question or leave a note."
)
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]*\w)")


class CommentRefused(Exception):
    """A comment that cannot be saved, with a message for its author."""


def mentioned_people(document, body):
    """People named as @username who can see the document; others are ignored silently, so a
    mention never reveals that a document exists."""
    usernames = set(MENTION.findall(body))
    if not usernames:
        return []
    return list(document.insiders().filter(username__in=usernames))


def mention_candidates(document, asking):
    """Whom `asking` may mention on the document, for the completion of "@": everyone who may
    see it but themselves, assigned people first. One query."""
    people = document.insiders().exclude(pk=asking.pk).order_by("first_name", "username")
    roles = {document.translator_id: Role.TRANSLATOR, document.editor_id: Role.EDITOR}
    candidates = [
        {
            "username": person.username,
            "name": display_name(person),
            # Everyone else who sees the document sees it as a manager (see Document.role_of).
            "role": roles.get(person.pk, Role.MANAGER).label,
        }
        for person in people
    ]
    order = [Role.TRANSLATOR.label, Role.EDITOR.label, Role.MANAGER.label]
    return sorted(candidates, key=lambda candidate: order.index(candidate["role"]))


def clean_quote(paragraph, quote, side):
    quote = clean_line(quote)[:MAX_QUOTE_CHARS]
    if not quote:
        return "", ""
    if paragraph is None or side not in ("source", "target"):
        raise CommentRefused("A quote must come from one side of a paragraph.")
    text = " ".join((paragraph.source if side == "source" else paragraph.text).split())
    if quote not in text:
        raise CommentRefused("The quoted words are no longer in the paragraph.")
    return quote, side


@transaction.atomic
def add_comment(
    user,
    document,
    body,
    *,
    paragraph=None,
    reply_to=None,
    quote="",
    quote_side="",
    category="",
    severity="",
):
    if not workflow.can(user, "comment", document):
        raise PermissionDenied(workflow.refusal(user, "comment", document))
    body = clean_text(body).strip()
    if not body:
        raise CommentRefused("Write something first.")
    if len(body) > MAX_COMMENT_CHARS:
        raise CommentRefused(f"A comment may be {MAX_COMMENT_CHARS:,} characters at most.")
    if reply_to is not None:
        if reply_to.document_id != document.pk:
            raise CommentRefused("That comment belongs to another document.")
        reply_to = reply_to.reply_to or reply_to  # threads are one level deep
        paragraph = reply_to.paragraph
        # A reply answers; the thread's first comment carries the category and severity.
        category = severity = quote = quote_side = ""
    if paragraph is not None and paragraph.document_id != document.pk:
        raise CommentRefused("That paragraph belongs to another document.")
    if paragraph is not None and document.stage == Stage.ALIGNING:
        # Rows are rebuilt while the pairing is fixed; a comment would lose its paragraph.
        raise CommentRefused(
            "Comment on paragraphs once the pairing is confirmed; until then, on the document."
        )
    if (category or severity) and not workflow.can(user, "grade_comment", document):
        raise CommentRefused(GRADING_IS_FOR_REVIEWERS)
    if category and category not in Comment.Category.values:
        raise CommentRefused("Choose a category from the list.")
    if severity and severity not in Comment.Severity.values:
        raise CommentRefused("Choose a severity from the list.")
    if severity and not category:
        raise CommentRefused("A severity needs a category.")
    quote, quote_side = clean_quote(paragraph, quote, quote_side)
    # Plain SQL (reviews/plain_sql.py): the ORM's insert cost more CPU to compile than to run.
    comment = plain_sql.insert(
        Comment(
            document=document,
            paragraph=paragraph,
            reply_to=reply_to,
            author=user,
            body=body,
            quote=quote,
            quote_side=quote_side,
            category=category,
            severity=severity,
        )
    )
    mentions = mentioned_people(document, body)
    event = Event.record(
        document,
        user,
        Event.Verb.COMMENTED,
        paragraph,
        comment=comment.pk,
        reply_to=reply_to.pk if reply_to else None,
        category=category,
        severity=severity,
        mentions=[person.username for person in mentions],
        excerpt=excerpt(body),
    )
    # Each person is told once, for the most particular reason: mentioned, then a reply in
    # their thread, then a comment on a document they work on. notify() leaves out the actor
    # and anyone who cannot see the document.
    told = {n.recipient_id for n in notify(event, mentions, Notification.Reason.MENTION)}
    if reply_to is not None:
        replies = reply_to.replies.select_related("author")
        thread_people = [reply_to.author] + [reply.author for reply in replies]
        replied = notify(
            event, [p for p in thread_people if p.pk not in told], Notification.Reason.REPLY
        )
        told |= {n.recipient_id for n in replied}
    workers = [person for person in document.people() if person.pk not in told]
    notify(event, workers, Notification.Reason.COMMENT)
    return comment


def may_resolve(user, comment, document):
    """Editors, managers and the thread's author resolve and reopen it."""
    return comment.author_id == user.pk or workflow.can(user, "resolve_comment", document)


@transaction.atomic
def set_resolved(user, comment, resolved):
    """Resolve or reopen a thread; the thread's first comment holds the state."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.reply_to_id:
        raise CommentRefused("Resolve the thread, not a reply.")
    document = comment.document
    if not workflow.can(user, "comment", document) or not may_resolve(user, comment, document):
        raise PermissionDenied("Only the editor, a manager or the comment's author can do this.")
    if resolved == (comment.resolved_at is not None):
        if resolved or not is_addressed(comment):
            return comment
        # Reopening a thread marked addressed but never resolved sends it back to the
        # translator: an event only, the comment's columns do not change.
        Event.record(
            document, user, Event.Verb.REOPENED_COMMENT, comment.paragraph, comment=comment.pk
        )
        return comment
    comment.resolved_by = user if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved_by", "resolved_at"])
    verb = Event.Verb.RESOLVED if resolved else Event.Verb.REOPENED_COMMENT
    Event.record(comment.document, user, verb, comment.paragraph, comment=comment.pk)
    return comment


# "Addressed" is derived from events rather than stored on the comment: the comment row stays
# append-only with the one trigger-checked move it had (resolve/reopen), and the history of who
# said it was addressed, and when, is kept whole. The latest of "addressed" and "reopened" wins;
# a resolved thread is resolved whatever came before.
ADDRESS_VERBS = (Event.Verb.ADDRESSED, Event.Verb.REOPENED_COMMENT)


# Plain SQL, as in reviews/progress.py: read on every thread panel, and the ORM's form cost
# more CPU to compile than to run (bench/fixed_cost.py).
ADDRESS_EVENTS_SQL = (
    "SELECT id, verb, payload FROM reviews_event"
    " WHERE document_id = %s AND verb IN (%s, %s) ORDER BY id"
)


def addressed_ids(comment_ids, document_id):
    """Of the threads `comment_ids` of the document `document_id`, those whose latest
    addressed/reopened event is "addressed". One query."""
    wanted = set(comment_ids)
    if not wanted:
        return set()
    # A cursor rather than Event.objects.raw(): the events are only read here, and building
    # a model per event cost more than the query (bench/fixed_cost.py). The payload is decoded
    # as the model's field decodes it.
    payload_field = Event._meta.get_field("payload")
    with connection.cursor() as cursor:
        cursor.execute(ADDRESS_EVENTS_SQL, [document_id, *ADDRESS_VERBS])
        events = cursor.fetchall()
    latest = {}
    for _pk, verb, payload in events:
        comment = payload_field.from_db_value(payload, None, connection).get("comment")
        if comment in wanted:
            latest[comment] = verb
    return {pk for pk, verb in latest.items() if verb == Event.Verb.ADDRESSED}


def is_addressed(comment):
    return comment.pk in addressed_ids([comment.pk], comment.document_id)


def may_address(user, comment, document):
    return (
        comment.reply_to_id is None
        and comment.resolved_at is None
        and comment.author_id != user.pk
        and workflow.can(user, "address_comment", document)
    )


@transaction.atomic
def mark_addressed(user, comment):
    """The translator says she has dealt with a thread; the editor then resolves or reopens it."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    document = comment.document
    if comment.reply_to_id:
        raise CommentRefused("Mark the thread addressed, not a reply.")
    if not workflow.can(user, "address_comment", document):
        raise PermissionDenied(workflow.refusal(user, "address_comment", document))
    if comment.resolved_at is not None:
        raise CommentRefused("This thread is already resolved.")
    if comment.author_id == user.pk:
        raise CommentRefused("Resolve your own comment instead of marking it addressed.")
    if is_addressed(comment):
        return comment
    event = Event.record(
        document,
        user,
        Event.Verb.ADDRESSED,
        comment.paragraph,
        comment=comment.pk,
        excerpt=excerpt(comment.body),
    )
    notify(event, [comment.author], Notification.Reason.REPLY)
    return comment


def waiting_thread_ids(user):
    """The ids of the open threads waiting for this person's answer, on documents they work
    on, oldest first: for the translator, threads others started that she has not marked
    addressed and where the last word is not hers; for the editor, threads marked addressed
    (to resolve or reopen) and threads where the last word is someone else's. One query: the
    database finds each thread's last word and latest addressed/reopened event (an editor at
    scale L has over a thousand open threads; only their ids come back)."""
    if not user.is_authenticated:
        return []
    last_word = Comment.objects.filter(reply_to=OuterRef("pk")).order_by("-pk").values("author")
    # The payload's comment id as a number on both databases (PostgreSQL's jsonb is not
    # comparable with an id; every event that names a comment names it by its id), as the
    # index address_events holds it.
    payload_comment = Cast(KeyTextTransform("comment", "payload"), IntegerField())
    latest_address = (
        Event.objects.filter(verb__in=ADDRESS_VERBS)
        .alias(comment=payload_comment)
        .filter(comment=OuterRef("pk"))
        .order_by("-pk")
        .values("verb")
    )
    threads = Comment.objects.filter(
        Q(document__translator=user) | Q(document__editor=user), reply_to=None, resolved_at=None
    ).annotate(
        last_author=Coalesce(Subquery(last_word[:1]), F("author"), output_field=IntegerField()),
        address=Subquery(latest_address[:1]),
    )
    addressed = Q(address=Event.Verb.ADDRESSED)
    others_word = ~Q(last_author=user.pk)
    as_editor = Q(document__editor=user) & (addressed | others_word)
    as_translator = (
        Q(document__translator=user)
        & ~Q(author=user)
        & (Q(address=None) | Q(address=Event.Verb.REOPENED_COMMENT))
        & others_word
    )
    return list(
        threads.filter(as_editor | as_translator).order_by("pk").values_list("pk", flat=True)
    )


def threads_by_ids(ids):
    """The threads `ids` with their documents and rows, in that order. One query."""
    if not ids:
        return []
    return list(
        Comment.objects.filter(pk__in=ids).select_related("document", "paragraph").order_by("pk")
    )


def waiting_threads(user):
    """The open threads waiting for this person's answer (waiting_thread_ids), as comments.
    Two queries, however many."""
    return threads_by_ids(waiting_thread_ids(user))
