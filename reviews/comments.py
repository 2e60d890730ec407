"""Comments on a paragraph or on the whole document: threads, categories, mentions, resolution.

Comment bodies are plain text, kept as typed; templates escape them. Nothing is deleted:
resolving and reopening are recorded as events.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from reviews import workflow
from reviews.cleaning import clean_line, clean_text
from reviews.models import Comment, Event, Notification, Stage
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
    people = get_user_model().objects.filter(username__in=usernames, is_active=True)
    return [person for person in people if document.role_of(person) is not None]


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
    comment = Comment.objects.create(
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
    )
    notify(event, mentions, Notification.Reason.MENTION)
    if reply_to is not None:
        told = {person.pk for person in mentions}
        replies = reply_to.replies.select_related("author")
        thread_people = [reply_to.author] + [reply.author for reply in replies]
        notify(event, [p for p in thread_people if p.pk not in told], Notification.Reason.REPLY)
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
        return comment
    comment.resolved_by = user if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved_by", "resolved_at"])
    verb = Event.Verb.RESOLVED if resolved else Event.Verb.REOPENED_COMMENT
    Event.record(comment.document, user, verb, comment.paragraph, comment=comment.pk)
    return comment
