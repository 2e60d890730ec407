"""Propose, accept, reject, withdraw, restore and approve: the only code that changes a
paragraph's English.

Every write names the paragraph version its author saw. Inside one transaction the paragraph
row is locked and its text is changed by an update conditional on that version, so two app
processes cannot both win. A write based on an older version is rebased only when it and the
changes since touch separate ranges of the base text; otherwise the author gets a Conflict
that carries their text intact.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from reviews import memory_index, plain_sql, workflow
from reviews.cleaning import clean_text
from reviews.diffing import TextTooLong, check_length, diff_words, rebase
from reviews.models import (
    Comment,
    Document,
    Event,
    Notification,
    Paragraph,
    Revision,
    display_name,
)
from reviews.notifications import notify
from reviews.rechecking import findings_after_change, store_findings
from reviews.timestamps import moment

MAX_REASON_CHARS = 500  # Revision.note's length
EXCERPT_CHARS = 100


class EditRefused(Exception):
    """A change that cannot be made, with a message for the person who tried."""


class Conflict(EditRefused):
    """The paragraph changed since the author saw it, in the same place as their change."""

    def __init__(self, paragraph, mine, seen_version):
        self.paragraph = paragraph
        self.current = paragraph.text
        self.version = paragraph.version
        self.mine = mine
        self.diff = diff_words(paragraph.text, mine)
        changes = changes_since(paragraph, seen_version, paragraph.version)
        by = " and ".join(f"{display_name(r.author)} at {moment(changed_at(r))}" for r in changes)
        super().__init__(
            f"This paragraph was changed by {by or 'someone'} while you were editing, in the "
            "same place as your change. Your text is kept below: re-apply it or discard it."
        )


def changed_at(revision):
    """When an accepted revision became the paragraph's text."""
    return revision.decided_at or revision.created_at


def changes_since(paragraph, seen_version, up_to_version):
    """The accepted revisions that moved the paragraph from `seen_version` to `up_to_version`,
    oldest first: whose work a stale edit met."""
    return list(
        Revision.objects.filter(
            paragraph=paragraph, version__gt=seen_version, version__lte=up_to_version
        )
        .select_related("author")
        .order_by("version")
    )


def merge_notice(revision, seen_version):
    """What to tell the author of `revision` when it was merged onto changes made since the
    version they saw, or None when it was not."""
    if revision.base_version == seen_version:
        return None
    changes = changes_since(revision.paragraph, seen_version, revision.base_version)
    made = " and ".join(
        f"{display_name(r.author)}'s change made at {moment(changed_at(r))}" for r in changes
    )
    return f"Merged with {made or 'a newer change'}."


def normalise(text):
    """What a person typed, cleaned like every text the app takes in, trailing spaces off."""
    lines = clean_text(text).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


# The locks in plain SQL, as in reviews/progress.py: compiling the ORM's form of these two
# small queries cost about 2 ms of CPU on every write (bench/fixed_cost.py). SQLite has no
# row locks (it takes one writer at a time), so there they are plain reads, as the ORM's
# select_for_update is.
LOCK_DOCUMENT_SQL = (
    "SELECT {columns} FROM reviews_document"
    " WHERE id = (SELECT document_id FROM reviews_paragraph WHERE id = %s)"
)
# A write locks the document by marking its activity (for the desk's queue order): the UPDATE
# takes the no-key row lock the SELECT would, and spares the write's own touch afterwards
# (Document.touch). A write refused after it rolls it back with the rest.
TOUCH_DOCUMENT_SQL = (
    "UPDATE reviews_document SET updated_at = %s"
    " WHERE id = (SELECT document_id FROM reviews_paragraph WHERE id = %s)"
)
LOCK_PARAGRAPH_SQL = "SELECT {columns} FROM reviews_paragraph WHERE id = %s"
# PostgreSQL: the touch and the paragraph's lock in one statement, one round trip fewer on
# every write (0.86 -> 0.56 ms of CPU in-process). The paragraph's row is locked (LockRows)
# only once the join has the document's row, that is after the UPDATE locked the document:
# the same order as the two statements. "{where}" is TOUCH_DOCUMENT_SQL's condition.
TOUCH_AND_LOCK_SQL = (
    "WITH d AS (UPDATE reviews_document SET updated_at = %s"
    " WHERE id = (SELECT document_id FROM reviews_paragraph WHERE id = %s){where}"
    " RETURNING {returned})"
    " SELECT {document}, {paragraph} FROM d JOIN reviews_paragraph p ON p.id = %s"
    " FOR UPDATE OF p"
)


def locked(model, sql, params, *, no_key=False):
    """The one row `sql` reads, locked where the database has row locks (a no-key lock with
    `no_key`); else model.DoesNotExist. Only inside a transaction, as select_for_update."""
    features = connection.features
    if features.has_select_for_update:
        no_key = no_key and features.has_select_for_no_key_update
        sql = f"{sql} FOR NO KEY UPDATE" if no_key else f"{sql} FOR UPDATE"
    return one_row(model, sql, params)


def one_row(model, sql, params):
    if not connection.in_atomic_block:
        raise TransactionManagementError("A row lock outside a transaction is no lock.")
    # "{columns}" in `sql` stands for the model's columns (reviews/plain_sql.py).
    found = plain_sql.rows(sql.format(columns=plain_sql.columns(model)), params, model)
    if not found:
        raise model.DoesNotExist(f"No {model._meta.model_name} matches the given query.")
    return found[0]


def locked_paragraph(paragraph_id, document_id=None, *, touch=True):
    """The paragraph, locked, with its document locked first (always in that order). The
    document lock is what makes a stage change (approval) and an edit take turns; it is a
    no-key lock, so it does not block the rows that point at the document. With `touch` (a
    write that records an event) the document is locked by marking its activity. With
    `document_id`, a paragraph of another document raises Document.DoesNotExist (a view's
    404) instead of being locked."""
    if touch and connection.vendor == "postgresql":
        return touched_and_locked(paragraph_id, document_id)
    params = [paragraph_id]
    if touch:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql, params = TOUCH_DOCUMENT_SQL, [now, paragraph_id]
    else:
        sql = LOCK_DOCUMENT_SQL
    if document_id is not None:
        sql, params = f"{sql} AND id = %s", [*params, document_id]
    if touch:
        document = one_row(Document, f"{sql} RETURNING {{columns}}", params)
        document.touched = True
    else:
        document = locked(Document, sql, params, no_key=True)
    paragraph = locked(Paragraph, LOCK_PARAGRAPH_SQL, [paragraph_id])
    paragraph.document = document
    return paragraph


@cache
def touch_and_lock_sql(of_document):
    return TOUCH_AND_LOCK_SQL.format(
        where=" AND id = %s" if of_document else "",
        returned=plain_sql.columns(Document),
        document=plain_sql.columns(Document, "d"),
        paragraph=plain_sql.columns(Paragraph, "p"),
    )


def touched_and_locked(paragraph_id, document_id):
    """locked_paragraph with `touch`, on PostgreSQL: TOUCH_AND_LOCK_SQL."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("A row lock outside a transaction is no lock.")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [now, paragraph_id]
    if document_id is not None:
        params.append(document_id)
    found = plain_sql.rows(
        touch_and_lock_sql(document_id is not None), [*params, paragraph_id], Document, Paragraph
    )
    if not found:
        # No such paragraph, or one of another document: as the touch alone would say.
        raise Document.DoesNotExist("No document matches the given query.")
    document, paragraph = found[0]
    document.touched = True
    paragraph.document = document
    return paragraph


def checked_length(text):
    try:
        check_length(text)
    except TextTooLong as too_long:
        raise EditRefused(str(too_long)) from too_long
    return text


def require(user, action, document):
    reason = workflow.refusal(user, action, document)
    if reason:
        raise PermissionDenied(reason)


def text_at(paragraph, version):
    """The paragraph's accepted text at `version`."""
    if version == paragraph.version:
        return paragraph.text
    revision = Revision.objects.filter(paragraph=paragraph, version=version).order_by("-id").first()
    if revision is None:
        raise EditRefused(f"Version {version} of this paragraph does not exist.")
    return revision.text


def apply_text(paragraph, text, revision):
    """Make `text` the paragraph's accepted text, conditional on the version we locked."""
    new_version = paragraph.version + 1
    changes = diff_words(paragraph.original_text, text)
    seen_version, old_text = paragraph.version, paragraph.text
    was_approved = paragraph.status == Paragraph.Status.APPROVED
    paragraph.text, paragraph.version, paragraph.changes = text, new_version, changes
    paragraph.status = Paragraph.Status.TRANSLATED
    # The checks judge the new text before it is written, so one UPDATE stores both.
    rechecked = findings_after_change(paragraph, old_text)
    paragraph.findings = rechecked.row
    written = ["text", "version", "status", "changes", "findings"]
    updated = plain_sql.update(paragraph, written, where={"version": seen_version})
    if updated != 1:
        # Unreachable while the row lock holds; kept so a lost update can never pass silently.
        raise EditRefused("This paragraph changed at the same moment; try again.")
    if was_approved:
        memory_index.forget_rows([paragraph.pk])
    store_findings(paragraph.document, rechecked)
    revision.version = new_version


def accepts_directly(user, document, accept):
    """Translator's own saves while translating are accepted at once; an editor or manager
    may edit and accept in one step; everything else is a proposal."""
    if accept:
        require(user, "decide", document)
        return True
    return workflow.can(user, "save_directly", document)


@transaction.atomic
def save_edit(
    user, paragraph_id, text, base_version, *, accept=False, restored_from=None, document_id=None
):
    """Save a person's text for a paragraph as a revision; returns the revision, with
    `unapproved` set when the change took the paragraph's approval away. With `document_id`
    a paragraph of another document raises Document.DoesNotExist (see locked_paragraph)."""
    paragraph = locked_paragraph(paragraph_id, document_id)
    document = paragraph.document
    require(user, "edit", document)
    text = checked_length(normalise(text))
    if base_version != paragraph.version:
        merged = rebase(text_at(paragraph, base_version), text, paragraph.text)
        if merged is None:
            raise Conflict(paragraph, text, base_version)
        # Two changes each under the cap can merge into a paragraph over it.
        text = checked_length(merged)
    if text == paragraph.text:
        raise EditRefused("Nothing changed.")
    direct = accepts_directly(user, document, accept)
    # An approved paragraph with a change on it is not finished: a proposal takes the approval
    # away until someone decides it and approves again (an accepted change does so in apply_text).
    unapproved = paragraph.status == Paragraph.Status.APPROVED
    if unapproved and not direct:
        Paragraph.objects.filter(pk=paragraph.pk).update(status=Paragraph.Status.TRANSLATED)
        paragraph.status = Paragraph.Status.TRANSLATED
        memory_index.forget_rows([paragraph.pk])
    revision = Revision(
        paragraph=paragraph,
        author=user,
        author_role=document.role_of(user),
        text=text,
        base_version=paragraph.version,
        base_text=paragraph.text,
        diff=diff_words(paragraph.text, text),
        state=Revision.State.ACCEPTED if direct else Revision.State.PROPOSED,
        note=f"restored from revision #{restored_from}" if restored_from else "",
    )
    if direct:
        revision.decided_by, revision.decided_at = user, timezone.now()
        apply_text(paragraph, text, revision)
    plain_sql.insert(revision)
    revision.unapproved = unapproved
    verb = Event.Verb.EDITED if direct else Event.Verb.PROPOSED
    if restored_from:
        verb = Event.Verb.RESTORED
    payload = {"revision": revision.pk, "state": revision.state}
    if unapproved:
        payload["unapproved"] = True
    if base_version != revision.base_version:
        payload["merged_from_version"] = base_version
    Event.record(document, user, verb, paragraph, **payload)
    return revision


LOCK_REVISION_SQL = "SELECT {columns} FROM reviews_revision WHERE id = %s"
OF_DOCUMENT_SQL = " AND paragraph_id IN (SELECT id FROM reviews_paragraph WHERE document_id = %s)"


def locked_proposal(revision_id, document_id=None):
    """The revision and its paragraph, locked. With `document_id`, a revision of another
    document raises Revision.DoesNotExist (a view's 404)."""
    sql, params = LOCK_REVISION_SQL, [revision_id]
    if document_id is not None:
        sql, params = sql + OF_DOCUMENT_SQL, [revision_id, document_id]
    revision = locked(Revision, sql, params)
    paragraph = locked_paragraph(revision.paragraph_id)
    revision.paragraph = paragraph
    if revision.state != Revision.State.PROPOSED:
        raise EditRefused(f"This proposal was already {revision.get_state_display().lower()}.")
    return revision, paragraph


@transaction.atomic
def accept_proposal(user, revision_id, *, document_id=None, people=()):
    """Accept an open proposal. If the paragraph moved on since it was proposed, the proposal is
    merged onto the current text when the changes are apart, and refused when they overlap, so
    two accepts of rival proposals can never both win silently. `people`: users the caller has
    at hand (the document's translator and editor), so that telling the author reads no one."""
    revision, paragraph = locked_proposal(revision_id, document_id)
    document = paragraph.document
    require(user, "decide", document)
    now = timezone.now()
    revision.state, revision.decided_by, revision.decided_at = Revision.State.ACCEPTED, user, now
    if revision.base_version == paragraph.version:
        apply_text(paragraph, revision.text, revision)
        plain_sql.update(revision, ["state", "decided_by", "decided_at", "version"])
        event = Event.record(
            document,
            user,
            Event.Verb.ACCEPTED,
            paragraph,
            revision=revision.pk,
            excerpt=excerpt(revision.text),
        )
        tell_author(event, revision, people)
        return revision
    merged = rebase(revision.base_text, revision.text, paragraph.text)
    if merged is None:
        raise Conflict(paragraph, revision.text, revision.base_version)
    checked_length(merged)
    # The proposal's own text never changes: the merge is a revision of its own.
    revision.save(update_fields=["state", "decided_by", "decided_at"])
    merge = Revision(
        paragraph=paragraph,
        author_id=revision.author_id,
        author_role=revision.author_role,
        text=merged,
        base_version=paragraph.version,
        base_text=paragraph.text,
        diff=diff_words(paragraph.text, merged),
        state=Revision.State.ACCEPTED,
        decided_by=user,
        decided_at=now,
        note=f"proposal #{revision.pk} merged onto version {paragraph.version}",
    )
    apply_text(paragraph, merged, merge)
    merge.save()
    event = Event.record(
        document,
        user,
        Event.Verb.ACCEPTED,
        paragraph,
        revision=revision.pk,
        merged=merge.pk,
        excerpt=excerpt(merged),
    )
    tell_author(event, revision, people)
    return merge


def clean_reason(reason):
    """A rejection's reason as kept: one cleaned line, within the note's column."""
    return " ".join(clean_text(reason).split())[:MAX_REASON_CHARS]


@transaction.atomic
def reject_proposal(user, revision_id, note="", *, document_id=None, people=()):
    """Reject an open proposal, with an optional reason for its author. The reason is written
    in the same update as the decision: the append-only trigger lets a revision's note change
    only in the one update that decides it. `people` as for accept_proposal."""
    revision, paragraph = locked_proposal(revision_id, document_id)
    require(user, "decide", paragraph.document)
    reason = clean_reason(note)
    revision.state = Revision.State.REJECTED
    revision.decided_by, revision.decided_at = user, timezone.now()
    revision.note = reason
    revision.save(update_fields=["state", "decided_by", "decided_at", "note"])
    payload = {"revision": revision.pk, "excerpt": excerpt(revision.text)}
    if reason:
        payload["note"] = reason
    event = Event.record(paragraph.document, user, Event.Verb.REJECTED, paragraph, **payload)
    tell_author(event, revision, people)
    return revision


def excerpt(text):
    """The first words of a text for a notification; templates escape it."""
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def tell_author(event, revision, people=()):
    """The proposal's author hears of the decision (notify skips them when they decided)."""
    if revision.author_id == event.actor_id:
        return  # no one to tell, and no need to read the author
    notify(event, [author_of(revision, people)], Notification.Reason.DECIDED)


def author_of(revision, people=()):
    """revision.author: one of `people` when it is one of them (nearly always: the document's
    translator or editor), else read in plain SQL (see reviews/plain_sql.py)."""
    field = Revision.author.field
    known = next((person for person in people if person and person.pk == revision.author_id), None)
    if known is not None:
        field.set_cached_value(revision, known)
    if not field.is_cached(revision):
        User = get_user_model()
        sql = f"SELECT {plain_sql.columns(User)} FROM {User._meta.db_table} WHERE id = %s"  # noqa: S608 - names from the model
        found = plain_sql.rows(sql, [revision.author_id], User)
        field.set_cached_value(revision, found[0] if found else None)
    return revision.author


@transaction.atomic
def withdraw_proposal(user, revision_id, *, document_id=None):
    revision, paragraph = locked_proposal(revision_id, document_id)
    require(user, "view", paragraph.document)
    if revision.author_id != user.pk:
        raise PermissionDenied("Only the author can withdraw a proposal.")
    revision.state = Revision.State.WITHDRAWN
    revision.decided_by, revision.decided_at = user, timezone.now()
    revision.save(update_fields=["state", "decided_by", "decided_at"])
    Event.record(paragraph.document, user, Event.Verb.WITHDRAWN, paragraph, revision=revision.pk)
    return revision


def decide_all(user, document, author, accept):
    """Accept or reject every open proposal of `author` on the document, oldest first.
    Returns (decided, conflicts): proposals that now overlap an accepted one stay open."""
    decide = accept_proposal if accept else reject_proposal
    ids = Revision.objects.filter(
        paragraph__document=document, author=author, state=Revision.State.PROPOSED
    ).values_list("pk", flat=True)
    decided, conflicts = 0, 0
    for revision_id in list(ids.order_by("pk")):
        try:
            decide(user, revision_id)
            decided += 1
        except EditRefused:
            # A conflict, a merge over the length cap, or decided by someone else meanwhile.
            conflicts += 1
    return decided, conflicts


def restore_revision(user, revision, version, *, accept=False):
    """Bring back an earlier revision's text as a new revision; nothing is deleted."""
    return save_edit(
        user,
        revision.paragraph_id,
        revision.text,
        version,
        accept=accept,
        restored_from=revision.pk,
    )


@transaction.atomic
def approve_paragraph(user, paragraph_id):
    # Not touched by the lock: approving an approved row records nothing.
    paragraph = locked_paragraph(paragraph_id, touch=False)
    require(user, "approve_paragraph", paragraph.document)
    if paragraph.revisions.filter(state=Revision.State.PROPOSED).exists():
        raise EditRefused("Decide the open proposals of this paragraph before approving it.")
    critical = paragraph.comments.filter(
        reply_to=None, severity=Comment.Severity.CRITICAL, resolved_at__isnull=True
    )
    if critical.exists():
        raise EditRefused(
            "This paragraph has an unresolved critical comment: resolve it before approving."
        )
    if paragraph.status == Paragraph.Status.APPROVED:
        return paragraph
    Paragraph.objects.filter(pk=paragraph.pk).update(status=Paragraph.Status.APPROVED)
    paragraph.status = Paragraph.Status.APPROVED
    memory_index.index_rows([paragraph.pk])
    Event.record(paragraph.document, user, Event.Verb.APPROVED_PARAGRAPH, paragraph)
    return paragraph


def undo_of(revision_pk):
    """The event that undid the decision on revision `revision_pk`, or None."""
    return Event.objects.filter(verb=Event.Verb.UNDONE, payload__undoes=revision_pk).first()


@transaction.atomic
def undo_decision(user, revision_id, seen_version):
    """Take back an accept or a reject, as new history: nothing decided is ever rewritten.

    Undoing an accept adds an accepted revision that brings back the text before it; undoing a
    reject adds a new proposal with the same text by the same author, noted as reopening it.
    Refused when the row changed since the person saw it (`seen_version`), as edits are."""
    revision = Revision.objects.select_related("author").get(pk=revision_id)
    paragraph = locked_paragraph(revision.paragraph_id)
    document = paragraph.document
    require(user, "undo_decision", document)
    decisions = Event.objects.filter(
        paragraph=paragraph, verb__in=(Event.Verb.ACCEPTED, Event.Verb.REJECTED)
    ).filter(Q(payload__revision=revision.pk) | Q(payload__merged=revision.pk))
    if not decisions.exists():
        # A direct save or a restore is no decision: the history page restores those.
        raise EditRefused("Only an accepted or rejected proposal can be undone.")
    if undo_of(revision.pk) is not None:
        raise EditRefused("This decision was already undone.")
    changed = seen_version != paragraph.version
    if revision.state == Revision.State.ACCEPTED and revision.version != paragraph.version:
        changed = True
    if changed:
        raise EditRefused("The paragraph changed since this decision: it can no longer be undone.")
    if revision.state == Revision.State.ACCEPTED:
        undo = Revision(
            paragraph=paragraph,
            author=user,
            author_role=document.role_of(user),
            text=revision.base_text,
            base_version=paragraph.version,
            base_text=paragraph.text,
            diff=diff_words(paragraph.text, revision.base_text),
            state=Revision.State.ACCEPTED,
            decided_by=user,
            decided_at=timezone.now(),
            note=f"undoes the acceptance of #{revision.pk}",
        )
        apply_text(paragraph, revision.base_text, undo)
    else:
        undo = Revision(
            paragraph=paragraph,
            author=revision.author,
            author_role=revision.author_role,
            text=revision.text,
            base_version=revision.base_version,
            base_text=revision.base_text,
            diff=revision.diff,
            state=Revision.State.PROPOSED,
            note=f"reopens #{revision.pk}",
        )
        if paragraph.status == Paragraph.Status.APPROVED:
            # An open proposal keeps a paragraph unapproved, as a new one does in save_edit.
            Paragraph.objects.filter(pk=paragraph.pk).update(status=Paragraph.Status.TRANSLATED)
            paragraph.status = Paragraph.Status.TRANSLATED
            memory_index.forget_rows([paragraph.pk])
    undo.save()
    Event.record(
        document,
        user,
        Event.Verb.UNDONE,
        paragraph,
        undoes=revision.pk,
        decision=revision.state,
        revision=undo.pk,
    )
    return undo
