"""The review desk's records: documents, their paragraph rows, revisions, comments and events.

Revisions, comments and events are append-only history: their text never changes and no
code path deletes them (the foreign keys PROTECT them). The database enforces it too: triggers
made by the append-only migration (0002) refuse every DELETE of these rows and every UPDATE
except a proposal's decision and a thread's resolve/reopen (see SECURITY.md).
"""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Length, Lower
from django.urls import reverse
from django.utils import timezone

from reviews import plain_sql
from reviews.cleaning import clean_line, clean_text
from reviews.diffing import word_count


class Role(models.TextChoices):
    """A person's desk role; stored as membership of the Django group of the same name."""

    TRANSLATOR = "translator", "Translator"
    EDITOR = "editor", "Editor"
    MANAGER = "manager", "Manager"


class Stage(models.TextChoices):
    ALIGNING = "aligning", "Aligning"
    TRANSLATING = "translating", "Translating"
    REVIEWING = "reviewing", "Reviewing"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


def desk_roles(user):
    """The desk roles a person holds (their groups); cached on the user object for the
    request. Permission questions go to reviews.workflow, which asks this."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_workbench_groups"):
        user._workbench_groups = set(user.groups.values_list("name", flat=True))
    return user._workbench_groups


def is_manager(user):
    """Managers and superusers see every document."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Role.MANAGER in desk_roles(user)


class Priority(models.IntegerChoices):
    """How urgent a manager says a document is; higher sorts first among the same due date."""

    LOW = 0, "Low"
    NORMAL = 1, "Normal"
    HIGH = 2, "High"
    URGENT = 3, "Urgent"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule of visibility: assigned people, managers and superusers."""
        if not user.is_authenticated:
            return self.none()
        if is_manager(user):
            return self
        return self.filter(Q(translator=user) | Q(editor=user))


def visible_to_sql(user, alias):
    """visible_to's rule as a condition on the documents table `alias`, for the few plain SQL
    reads on every request (reviews/views/inbox.py); tests/test_fixed_cost.py checks that both
    forms agree. The user's pk is the one parameter."""
    if not user.is_authenticated:
        return "FALSE", {}
    if is_manager(user):
        return "TRUE", {}
    return f"({alias}.translator_id = %(user)s OR {alias}.editor_id = %(user)s)", {"user": user.pk}


TOUCH_SQL = "UPDATE reviews_document SET updated_at = %s WHERE id = %s"
TOUCH_BEFORE_INSERT_SQL = f"WITH touched AS ({TOUCH_SQL})"


class Document(models.Model):
    title = models.CharField(max_length=300)
    source_lang = models.CharField(max_length=10, default="ko")
    target_lang = models.CharField(max_length=10, default="en")
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.TRANSLATING)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translated_documents",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edited_documents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_documents"
    )
    source_filename = models.CharField(max_length=255, blank=True)
    target_filename = models.CharField(max_length=255, blank=True)
    # Blank means "built from the assigned people"; a manager may write their own.
    credit_override = models.CharField(max_length=300, blank=True)
    # Bumped by every pairing action (undo and re-align too); each action carries the version
    # its author saw, so one made on rows that have moved since is refused.
    pairing_version = models.PositiveIntegerField(default=0)
    # Document-wide check findings (consistency across rows), rewritten after any row change
    # under the document's lock; see reviews/findings.py.
    findings = models.JSONField(default=list, blank=True)
    # Set by a manager on the assign form; the desk's queue sorts by the due date.
    due_at = models.DateTimeField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.NORMAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by database triggers (migration 0014) on every write that can change what the
    # document's page shows; whatever the code writes here is ignored. The page cache's key
    # (reviews/page_cache.py) is built from it. The database's default lets code from before
    # the field (a server not yet deployed) still create documents.
    state_version = models.BigIntegerField(default=0, db_default=0, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        # The queue's two orders (reviews.queue.ORDERS), column for column, so a page of the
        # desk's 20,000 documents is the index's first entries, not a sort of them all. The
        # stage index answers the queue's per-stage filters and the waiting count.
        indexes = [
            models.Index(
                # Ascending is NULLS LAST in PostgreSQL, as the queue sorts (SQLite refuses
                # NULLS in an index's definition).
                F("due_at").asc(),
                F("priority").desc(),
                F("updated_at").desc(),
                F("id").desc(),
                name="queue_due",
            ),
            models.Index(F("updated_at").desc(), F("id").desc(), name="queue_activity"),
            models.Index(fields=["stage", "translator", "editor"], name="queue_stage"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document", args=[self.pk])

    @property
    def credit_line(self):
        if self.credit_override:
            return self.credit_override
        parts = []
        if self.translator_id:
            parts.append(f"Translated by {display_name(self.translator)}.")
        if self.editor_id:
            parts.append(f"Edited by {display_name(self.editor)}.")
        return " ".join(parts)

    @property
    def is_overdue(self):
        return (
            self.due_at is not None
            and self.stage not in (Stage.APPROVED, Stage.PUBLISHED)
            and self.due_at < timezone.now()
        )

    def touch(self):
        """Mark activity on the document, for the desk's queue order; not again when a write
        locked it by marking it (reviews.editing.locked_paragraph)."""
        if getattr(self, "touched", False):
            return
        # Plain SQL: on every event, the ORM's update cost more CPU to compile than to run.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(TOUCH_SQL, [now, self.pk])

    def people(self):
        """The assigned people, for notifications."""
        return [person for person in (self.translator, self.editor) if person is not None]

    def insiders(self):
        """Everyone who may see the document, as a queryset of active people: its translator
        and editor, managers and superusers (the rule of `visible_to`, seen from the document).
        Who may be mentioned, and whose presence may be shown, on it."""
        from django.contrib.auth import get_user_model

        assigned = [pk for pk in (self.translator_id, self.editor_id) if pk is not None]
        seeing = Q(pk__in=assigned) | Q(is_superuser=True) | Q(groups__name=Role.MANAGER)
        return get_user_model().objects.filter(seeing, is_active=True).distinct()

    def role_of(self, user):
        """The role a person acts in on this document, or None."""
        if user.pk is not None and user.pk == self.translator_id:
            return Role.TRANSLATOR
        if user.pk is not None and user.pk == self.editor_id:
            return Role.EDITOR
        if is_manager(user):
            return Role.MANAGER
        return None


def display_name(user):
    return user.get_full_name() or user.get_username()


# What str.strip() takes off: every character whose str.isspace() is true (a test holds this
# against Python's own). The database's trim takes off the same, so its lengths are Python's.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def stripped_length(column):
    """len(column.strip()) worked out by the database: trim(x, chars) and length() count
    characters alike on PostgreSQL and SQLite."""
    return models.GeneratedField(
        expression=Length(models.Func(F(column), models.Value(WHITESPACE), function="TRIM")),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
    )


class SourceWordsField(models.PositiveIntegerField):
    """The row's Korean word count, as the quality score counts words (SQL cannot), worked out
    from `source` on every write: save() and bulk_create() both call pre_save, so no writer can
    leave it stale (QuerySet.update and bulk_update do not, and nothing writes `source` through
    them: pairing replaces the rows). The queue sums it in SQL instead of tokenising rows."""

    def pre_save(self, model_instance, add):
        words = word_count(model_instance.source)
        setattr(model_instance, self.attname, words)
        return words


class Paragraph(models.Model):
    """One row of the side-by-side grid; a row may hold several paragraphs of either side."""

    class Status(models.TextChoices):
        TRANSLATED = "translated", "Translated"
        APPROVED = "approved", "Approved"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField()
    source = models.TextField(blank=True)
    source_words = SourceWordsField(default=0, editable=False)
    text = models.TextField(blank=True)
    # The translation as uploaded and paired, and the word diff from it to `text`, kept up to
    # date when a change is accepted so the changes report never diffs while rendering.
    original_text = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.TRANSLATED)
    # Increments on every accepted change; writers send the version they saw.
    version = models.PositiveIntegerField(default=1)
    alignment_confidence = models.FloatField(default=1.0)
    # Set when a person fixed this row's pairing; re-aligning keeps pinned rows.
    pinned = models.BooleanField(default=False)
    # The quality checks' findings on this row's current text, written with the text so a
    # page view never runs the checks; see reviews/findings.py.
    findings = models.JSONField(default=list, blank=True)
    # len(source.strip()) and len(text.strip()), stored by the database whenever a row is
    # written, however it is written: an accepted change's checks sum them over the document's
    # other rows (reviews/rechecking.py), and trimming 400 rows' texts on every write cost the
    # database 2 to 3 ms of CPU per write.
    source_length = stripped_length("source")
    text_length = stripped_length("text")

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="unique_row_position"),
        ]
        # The queue's counts for a page of documents come from this index alone (PostgreSQL's
        # index-only scan; SQLite ignores INCLUDE): rows, approved rows and words to review
        # from the columns, open proposals by joining the partial index open_proposals on id.
        indexes = [
            models.Index(
                fields=["document", "status"],
                include=["source_words", "id"],
                name="row_document_status_words",
            )
        ]

    def __str__(self):
        return f"{self.document_id}:{self.position}"

    @property
    def number(self):
        return self.position + 1

    @property
    def source_paragraphs(self):
        return [p for p in self.source.split("\n\n") if p]

    @property
    def target_paragraphs(self):
        return [p for p in self.text.split("\n\n") if p]


class Revision(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="revisions"
    )
    author_role = models.CharField(max_length=20, choices=Role)
    text = models.TextField(blank=True)
    # The paragraph version the author saw, and the text of that version: the diff's left side.
    base_version = models.PositiveIntegerField()
    base_text = models.TextField(blank=True)
    # Word-level diff ops [[op, text], ...] against base_text, computed once at creation.
    diff = models.JSONField(default=list)
    state = models.CharField(max_length=20, choices=State)
    # The paragraph version this revision's acceptance produced; None until accepted.
    version = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_revisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paragraph", "id"]
        indexes = [
            models.Index(
                fields=["paragraph"],
                condition=Q(state="proposed"),
                name="open_proposals",
            ),
        ]

    def __str__(self):
        return f"revision {self.pk} of {self.paragraph_id} ({self.state})"


class Comment(models.Model):
    class Category(models.TextChoices):
        ACCURACY = "accuracy", "Accuracy"
        MISTRANSLATION = "mistranslation", "Mistranslation"
        OMISSION = "omission", "Omission"
        ADDITION = "addition", "Addition"
        TERMINOLOGY = "terminology", "Terminology"
        FLUENCY = "fluency", "Fluency"
        STYLE = "style", "Style"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        MINOR = "minor", "Minor"
        MAJOR = "major", "Major"
        CRITICAL = "critical", "Critical"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="comments")
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField()
    quote = models.TextField(blank=True)
    quote_side = models.CharField(
        max_length=10, blank=True, choices=[("source", "Korean"), ("target", "English")]
    )
    category = models.CharField(max_length=20, choices=Category, blank=True)
    severity = models.CharField(max_length=10, choices=Severity, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolved_comments",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        # The queue's unresolved-thread counts and the waiting comments read only open
        # threads: a small share of the comments once documents are done.
        indexes = [
            models.Index(
                fields=["document"],
                include=["author", "id"],
                condition=Q(reply_to=None, resolved_at=None),
                name="unresolved_threads_authors",
            ),
        ]

    def __str__(self):
        return f"comment {self.pk} on {self.document_id}"


class Event(models.Model):
    """The audit log: written in the same transaction as the change it records."""

    class Verb(models.TextChoices):
        UPLOADED = "uploaded", "uploaded the document"
        EXPORTED = "exported", "exported"
        EDITED = "edited", "edited"
        PROPOSED = "proposed", "proposed an edit"
        ACCEPTED = "accepted", "accepted an edit"
        REJECTED = "rejected", "rejected an edit"
        WITHDRAWN = "withdrawn", "withdrew an edit"
        RESTORED = "restored", "restored a revision"
        APPROVED_PARAGRAPH = "approved_paragraph", "approved a paragraph"
        COMMENTED = "commented", "commented"
        RESOLVED = "resolved", "resolved a comment"
        REOPENED_COMMENT = "reopened_comment", "reopened a comment"
        ADDRESSED = "addressed", "marked a comment addressed"
        UNDONE = "undone", "undid a decision"
        TRANSITION = "transition", "moved the document"
        ASSIGNED = "assigned", "assigned people"
        CREDIT = "credit", "changed the credit line"
        REALIGNED = "realigned", "changed the pairing"
        DISMISSED_FINDING = "dismissed_finding", "dismissed a check finding"
        READ_BY_API = "read_by_api", "read through the API"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="events"
    )
    verb = models.CharField(max_length=30, choices=Verb)
    # PROTECT, like every other link to history: an event's columns never change (the
    # database's append-only triggers refuse it), so a paragraph with events is never deleted.
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["document", "id"]),
            # Each open thread's latest addressed/reopened event, found by the comment it names
            # (reviews.comments.waiting_thread_ids), however many events its document has.
            models.Index(
                Cast(KeyTextTransform("comment", "payload"), models.IntegerField()),
                F("id"),
                condition=Q(verb__in=["addressed", "reopened_comment"]),
                name="address_events",
            ),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_verb_display()} {self.document_id}"

    @classmethod
    def record(cls, document, actor, verb, paragraph=None, **payload):
        """Log what happened and mark the document as active, in the caller's transaction."""
        # Plain SQL (reviews/plain_sql.py): on every write, the ORM's insert cost more CPU to
        # compile than to run.
        event = cls(document=document, actor=actor, verb=verb, paragraph=paragraph, payload=payload)
        if connection.vendor == "postgresql" and not getattr(document, "touched", False):
            # The touch in the insert's statement: one round trip fewer (a comment's). The
            # same row lock as the touch on its own, taken in the same statement; the event's
            # key lock on the document is compatible with it (and held already by a write
            # that inserted a row pointing at the document before).
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            return plain_sql.insert(event, before=(TOUCH_BEFORE_INSERT_SQL, [now, document.pk]))
        plain_sql.insert(event)
        document.touch()
        return event


class Notification(models.Model):
    """An event brought to one person's attention inside the app."""

    class Reason(models.TextChoices):
        ASSIGNED = "assigned", "You were assigned"
        YOUR_TURN = "your_turn", "Your turn"
        STAGE = "stage", "The document moved"
        REPLY = "reply", "A reply to your comment"
        MENTION = "mention", "You were mentioned"
        DECIDED = "decided", "Your proposal"
        COMMENT = "comment", "A comment on your document"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at=None), name="unread_notifications"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.event}"


# --------------------------------------------------------------------------- glossary


class GlossaryTerm(models.Model):
    """A term of the desk's shared glossary: the approved English of a Korean term."""

    korean = models.CharField(max_length=200)
    english = models.CharField(max_length=300)
    # English renderings the desk has ruled out for this term ("North Korean regime", ...).
    forbidden = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="glossary_terms",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["korean", "english"]
        constraints = [
            # "North Korea" and "north Korea" are one term to the desk.
            models.UniqueConstraint(
                "korean",
                Lower("english"),
                name="unique_glossary_term",
                violation_error_message="This term is already in the glossary.",
            ),
        ]

    def __str__(self):
        return f"{self.korean} = {self.english}"

    def clean(self):
        # Cleaned as document text is (no zero-width or control characters, NFC), or a term
        # typed with a stray zero-width space would never match the text it is about.
        self.korean = clean_line(self.korean)
        self.english = clean_line(self.english)
        self.forbidden = [v for v in (clean_line(v) for v in self.forbidden) if v]
        self.note = clean_text(self.note).strip()
        if self.english.lower() in (variant.lower() for variant in self.forbidden):
            raise ValidationError({"forbidden": "The approved English cannot also be forbidden."})


class GlossaryChange(models.Model):
    """Who added, changed or removed which term: the glossary's own append-only log. It keeps
    a copy of the term rather than a foreign key, so a removed term's record stays whole."""

    class Action(models.TextChoices):
        ADDED = "added", "added"
        CHANGED = "changed", "changed"
        REMOVED = "removed", "removed"

    term_pk = models.BigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action)
    korean = models.CharField(max_length=200)
    english = models.CharField(max_length=300)
    # The fields that changed, {"field": [before, after]}, and how (form or CSV import).
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["term_pk", "id"])]

    def __str__(self):
        return f"{self.actor} {self.action} {self.korean} = {self.english}"


class MemoryUnit(models.Model):
    """A translation pair imported from another tool's memory (TMX), kept as the file said it:
    who made and changed it, when, and which file it came from."""

    source = models.TextField()
    target = models.TextField()
    source_lang = models.CharField(max_length=20)
    target_lang = models.CharField(max_length=20)
    creation_id = models.CharField(max_length=200, blank=True)
    creation_date = models.DateTimeField(null=True, blank=True)
    change_id = models.CharField(max_length=200, blank=True)
    change_date = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memory_units",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["source_lang", "target_lang"])]

    def __str__(self):
        return f"{self.source[:40]} → {self.target[:40]}"


class LearnedTerm(models.Model):
    """One association of the learned lexicon: a Korean stem and an English word that the
    desk's approved 1-1 rows put together far more often than chance (reviews/alignment/
    learning.py). `manage.py learn_lexicon` writes a whole new build and deletes the old
    one in one transaction; every process aligning reloads when the highest build changes
    (reviews/learned_lexicon.py)."""

    build = models.PositiveIntegerField()
    korean = models.CharField(max_length=100)
    english = models.CharField(max_length=100)
    # The Dice coefficient of the two words over the approved rows, in (0, 1].
    score = models.FloatField()

    class Meta:
        ordering = ["build", "korean", "english"]
        indexes = [models.Index(fields=["build"], name="learned_term_build")]

    def __str__(self):
        return f"{self.korean} = {self.english} ({self.score:.2f}, build {self.build})"


class MemoryRowKey(models.Model):
    """One MinHash band key of an approved row's Korean (reviews/memory_index.py). The key
    comes first in the primary key, so one btree finds a key's rows, and the document is
    beside it so a translator's look-up keeps to their documents without reading the rows."""

    pk = models.CompositePrimaryKey("key", "document_id", "paragraph_id")
    key = models.BigIntegerField()
    # The row's document, copied (rows never move between documents): no foreign key, so
    # deleting a document needs no index here; the row's own key cascades.
    document_id = models.BigIntegerField()
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.key} of row {self.paragraph_id}"


class MemoryUnitKey(models.Model):
    """One MinHash band key of an imported unit's Korean (reviews/memory_index.py)."""

    pk = models.CompositePrimaryKey("key", "unit_id")
    key = models.BigIntegerField()
    unit = models.ForeignKey(MemoryUnit, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.key} of unit {self.unit_id}"


class MemoryStopKey(models.Model):
    """A band key that at least memory_index.CAP owners of one source share (a row key or a
        unit key): boilerplate, which tells a near match from the rest no better than chance. The
        look-up leaves such keys out of its counting when enough rarer keys of the text remain
        (memory_index.searched_keys). Added when an approval or an import makes a key reach CAP,
    recomputed by memory_index.rebuild; rows taken out leave them (boilerplate stays so)."""

    class Source(models.TextChoices):
        ROW = "row"
        UNIT = "unit"

    pk = models.CompositePrimaryKey("key", "source")
    key = models.BigIntegerField()
    source = models.CharField(max_length=4, choices=Source.choices)

    def __str__(self):
        return f"stop key {self.key} of the {self.source}s"


class MemoryVersion(models.Model):
    """One row: the translation memory's version, raised by the database itself (migration
    0020) on every write to the key tables (a row approved or taken out, units imported or
    deleted, a rebuild) and on a change of a document's title or assignments (what a
    suggestion names, and who sees it). A look-up's result is cached under it
    (reviews/memory.py), so the next look-up from any app server after such a change
    computes afresh."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"memory version {self.version}"


class ApiToken(models.Model):
    """A person's key to the read API. Only a hash is stored: the token is shown once, when it
    is made, and can never be read back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    # SHA-256 of the token: tokens are 256 random bits, so a slow hash would add nothing.
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class DocumentView(models.Model):
    """Who opened a document: one row per person per day, not per request, so managers can see
    who read an article that names its sources. Written by reviews.readers.record_view."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_views"
    )
    # The desk's local day (TIME_ZONE), and when in it the person first opened the document.
    day = models.DateField()
    first_opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "first_opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user", "day"], name="one_view_per_person_per_day"
            )
        ]

    def __str__(self):
        return f"{self.user} opened {self.document_id} on {self.day}"


class Profile(models.Model):
    """A person's own settings; made on first save of the preferences page. No row means the
    defaults (the desk's TIME_ZONE)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # An IANA name ("Asia/Seoul", "Europe/London"); blank: the desk's TIME_ZONE.
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.user}: {self.time_zone or 'desk time zone'}"


class EditingPresence(models.Model):
    """Who has a row's editor open right now, for the "Daniel is editing" note: one row per
    person and paragraph, refreshed by the page's heartbeat (reviews/presence.py). This is
    state, not history: a row is overwritten by every heartbeat and deleted when the editor
    closes or goes quiet, so it is outside the append-only triggers and the archive."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["paragraph", "person"], name="one_presence_per_person_per_row"
            )
        ]
        indexes = [
            models.Index(fields=["document", "last_seen"]),
            models.Index(fields=["last_seen"]),
        ]

    def __str__(self):
        return f"{self.person} editing {self.paragraph_id}, seen {self.last_seen}"


class Session(AbstractBaseSession):
    """Django's database session with the user it holds, so that the one read of a signed-in
    request brings the person's row too (reviews/sessions.py), and a person's sessions are
    found without decoding every one. State, not history: sessions end and are deleted."""

    # Set on every save from the session's data (SessionStore.create_model_instance). No
    # database constraint: a session naming a user deleted meanwhile must still save (Django's
    # create() retries a failed insert with a new key, for ever); the read then finds no person
    # and the backend nobody. Deleting a user with the ORM still deletes their sessions.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from reviews.sessions import SessionStore  # it imports this module

        return SessionStore
