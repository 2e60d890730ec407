"""The desk's queue: the documents a person may see, what waits for them, and the counts."""

from functools import cache
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import FETCH_PEERS, Count, F, Q, Sum, prefetch_related_objects
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reviews.comments import threads_by_ids, waiting_thread_ids
from reviews.models import (
    Comment,
    Document,
    Paragraph,
    Revision,
    Stage,
    display_name,
    is_manager,
    visible_to_sql,
)
from reviews.notifications import UNREAD_SQL  # the header's count, as every other page reads it
from reviews.queue_page import STAGES
from reviews.row_cache import code_version, digest, row_cache

# The queue's orders: by due date (the desk's deadlines first, then the priority a manager set),
# or by the last activity.
ORDERS = {
    "due": (F("due_at").asc(nulls_last=True), "-priority", "-updated_at", "-pk"),
    "activity": ("-updated_at", "-pk"),
}


def waiting_for(user):
    """Documents whose stage asks this person to act now."""
    mine = Q(stage__in=[Stage.ALIGNING, Stage.TRANSLATING], translator=user) | Q(
        stage=Stage.REVIEWING, editor=user
    )
    if is_manager(user):
        mine |= Q(stage=Stage.APPROVED)
    return mine


# waiting_for's documents counted, in plain SQL: the tab's count is read on every view of the
# desk. Its branches ask for different stages, so they never count a document twice, and each
# is a range of the index queue_stage (stage, translator, editor): PostgreSQL reads the few
# entries it counts, where the ORM's one OR filtered all 20,000 (bench/queue.md). Every
# branch names the person (or, for a manager, sees every document), so visibility needs no
# condition of its own. tests/test_desk_queue.py checks that both forms agree.
WAITING_COUNT_SQL = (
    "SELECT (SELECT COUNT(*) FROM reviews_document"
    " WHERE stage IN (%(aligning)s, %(translating)s) AND translator_id = %(user)s)"
    " + (SELECT COUNT(*) FROM reviews_document"
    " WHERE stage = %(reviewing)s AND editor_id = %(user)s)"
)
APPROVED_COUNT_SQL = " + (SELECT COUNT(*) FROM reviews_document WHERE stage = %(approved)s)"


def waiting_count(user):
    """How many documents wait for `user` (waiting_for's, counted)."""
    if not user.is_authenticated:
        return 0
    sql = WAITING_COUNT_SQL + (APPROVED_COUNT_SQL if is_manager(user) else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user.pk, **STAGES})
        return cursor.fetchone()[0]


def desk_queue(user, *, waiting=False, stage="", person=None, search="", order="due"):
    """The documents, sorted (the indexes queue_due and queue_activity give the sort, so a page
    is the index's first entries). Only the documents' own columns: a page's rows come from the
    rows cache while their documents are unchanged (queue_rows), and what a row shows beyond
    them (its people, its counts) is read for the rows not stored alone: the people through
    FETCH_PEERS (one query each for the page's translators and editors), the counts by
    count_rows. The desk's view reads the same documents in plain SQL
    (reviews/queue_page.py, tested against this form)."""
    documents = Document.objects.visible_to(user)
    if waiting:
        documents = documents.filter(waiting_for(user))
    if stage:
        documents = documents.filter(stage=stage)
    if person is not None:
        documents = documents.filter(Q(translator=person) | Q(editor=person))
    if search:
        documents = documents.filter(title__icontains=search)
    return documents.fetch_mode(FETCH_PEERS).order_by(*ORDERS[order])


def count_rows(documents):
    """Set `rows`, `approved_rows`, `words_to_review` (the Korean words of the rows not yet
    approved, as the quality score counts them), `open_proposals` and `unresolved_comments` (open
    threads) on each of `documents`, a page of the queue: three grouped queries over those
    documents alone, read from the index row_document_status_words and the partial indexes
    open_proposals and unresolved_threads_authors."""
    pks = [document.pk for document in documents]
    approved = Q(status=Paragraph.Status.APPROVED)
    rows = {
        counts["document"]: counts
        for counts in Paragraph.objects.filter(document__in=pks)
        .order_by()
        .values("document")
        .annotate(
            rows=Count("pk"),
            approved_rows=Count("pk", filter=approved),
            words_to_review=Sum("source_words", filter=~approved, default=0),
        )
    }
    proposals = dict(
        Revision.objects.filter(state=Revision.State.PROPOSED, paragraph__document__in=pks)
        .order_by()
        .values_list("paragraph__document")
        .annotate(n=Count("*"))
    )
    threads = dict(
        Comment.objects.filter(reply_to=None, resolved_at=None, document__in=pks)
        .order_by()
        .values_list("document")
        .annotate(n=Count("*"))
    )
    for document in documents:
        counts = rows.get(document.pk, {})
        document.rows = counts.get("rows", 0)
        document.approved_rows = counts.get("approved_rows", 0)
        document.words_to_review = counts.get("words_to_review", 0)
        document.open_proposals = proposals.get(document.pk, 0)
        document.unresolved_comments = threads.get(document.pk, 0)
    return documents


def queue_row_key(document, shared=None):
    """The cache key of a document's row in the queue (`document` a Document or a QueueEntry):
    a hash of

    - the code version (every template and app module, Django's version), the URL prefix, the
      active language and time zone (the row's times are shown in it): queue_row_shared, the
      same for every row of a page;
    - the document's pk, created_at (a cache can outlive a database restored or reset, where
      the same pk is another document) and state_version, which database triggers raise on
      every write to the document's row (title, stage, assignees, due date, priority, last
      activity), its paragraphs (rows, approved rows, words to review), revisions (open
      proposals) and comments (open threads), and on any change to people's names
      (migration 0016);
    - whether it is overdue now, the one thing the row shows that time alone changes.

    Whatever the row adds that lives outside these must be added here."""
    parts = (*(shared or queue_row_shared()), *queue_row_identity(document))
    return f"queue-row:{document.pk}:{digest(parts)}"


def queue_row_identity(document):
    """A row's own parts of its key (queue_row_key)."""
    return document.pk, document.created_at, document.state_version, document.is_overdue


def queue_row_shared():
    """What every row's key of one page shares (see queue_row_key), worked out once a page."""
    return (
        code_version(),
        get_script_prefix(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )


def queue_rows(entries):
    """The rows of `entries` (a page of the desk's queue, reviews.queue_page.QueueEntry) as
    HTML, in order: the whole page from the rows cache (settings.CACHES["rows"]) while none of
    its documents changed, else each row from it while its document is unchanged, the others
    made into documents, counted (count_rows, three queries for all of them) and rendered
    once, then stored. Nothing is invalidated: a write raises the document's state version, so
    its old row is never asked for again, in any app server, and ages out of the bounded
    cache."""
    shared = queue_row_shared()
    # The whole page's rows under one key made of every row's key parts (so equal exactly when
    # each row's key is): an unchanged page is one look-up, not one per row.
    page_key = "queue-page:" + digest((shared, [queue_row_identity(entry) for entry in entries]))
    kept = row_cache().get(page_key)
    if kept is not None:
        return [mark_safe(row) for row in kept]  # noqa: S308 - rendered, escaped, below
    keyed = [(entry, queue_row_key(entry, shared)) for entry in entries]
    stored = row_cache().get_many([key for _, key in keyed]) if keyed else {}
    missing = [(entry.document(), key) for entry, key in keyed if key not in stored]
    if missing:
        # Their people in one query each (the page's documents come from plain SQL,
        # reviews/queue_page.py, with no queryset to fetch them as peers).
        prefetch_related_objects([document for document, _ in missing], "translator", "editor")
        count_rows([document for document, _ in missing])
        template = get_template("reviews/dashboard.html#queue-row")
        fresh = {key: template.render({"document": document}) for document, key in missing}
        row_cache().set_many(fresh)
        stored.update(fresh)
    rows = [str.__str__(stored[key]) for _, key in keyed]
    row_cache().set(page_key, rows)
    return [mark_safe(row) for row in rows]  # noqa: S308 - rendered, escaped, above


def rows_html(rows):
    """The queue's rows (queue_rows) as the table's body, joined here rather than by a loop in
    the template (a tenth of the page's rendering), spaced as that loop spaced them."""
    return mark_safe("".join(f"\n          {row}\n        " for row in rows))  # noqa: S308 - rendered rows


@cache
def _stage_options(selected, language):
    return "".join(
        format_html(
            '<option value="{}"{}>{}</option>',
            value,
            " selected" if value == selected else "",
            label,
        )
        for value, label in Stage.choices
    )


def stage_options(selected):
    """The filter's <option>s of stages, `selected` (a stage's value or "") marked: the same for
    every view, so made once per choice and language."""
    return mark_safe(_stage_options(selected, translation.get_language()))  # noqa: S308 - format_html


# The person's documents and their state versions, as one digest: the waiting comments read
# only those documents' comments and events, and every write to a document, its comments and
# its events raises its state version (migration 0016), as does assigning it to someone else,
# so the digest changes whenever the answer may. PostgreSQL hashes the list itself, in the
# order it reads the rows (sorting them first tripled the query's time at scale L): another
# order is another digest, so at worst the answer is looked up again, never stale. SQLite has
# no md5: it sends the list as one text, which the rows cache's key hashes.
MY_DOCUMENTS = "FROM reviews_document WHERE translator_id = %(user)s OR editor_id = %(user)s"
MY_DOCUMENTS_DIGEST_SQL = {
    "postgresql": f"(SELECT md5(string_agg(id || ':' || state_version, ',')) {MY_DOCUMENTS})",
    "sqlite": "(SELECT group_concat(id || ':' || state_version, ',') FROM"  # noqa: S608 - no value is in the text
    f" (SELECT id, state_version {MY_DOCUMENTS} ORDER BY id))",
}

# The people of the filter's list: active members of any group, by first name then username
# (usernames are unique, so the order is total).
FILTER_PEOPLE = (
    "FROM auth_user u WHERE u.is_active"
    " AND EXISTS (SELECT 1 FROM auth_user_groups m WHERE m.user_id = u.id)"
)
# What the list shows of them, as one digest: every column the options show, as JSON (no
# separator a name could hold), in the list's order. Names can change back, so this digest,
# unlike the documents', can recur: the HTML kept under it is rendered from the people read in
# the same statement as it (FILTER_PEOPLE_SQL), never from a later read.
PEOPLE_DIGEST_SQL = {
    "postgresql": "(SELECT md5(json_agg(json_build_array(u.id, u.first_name, u.last_name,"
    f" u.username) ORDER BY u.first_name, u.username)::text) {FILTER_PEOPLE})",
    "sqlite": "(SELECT json_group_array(json_array(id, first_name, last_name, username)) FROM"  # noqa: S608 - no value is in the text
    f" (SELECT u.id, u.first_name, u.last_name, u.username {FILTER_PEOPLE}"
    " ORDER BY u.first_name, u.username))",
}
FILTER_PEOPLE_SQL = {
    vendor: f"SELECT u.id, u.first_name, u.last_name, u.username, {people} {FILTER_PEOPLE}"
    " ORDER BY u.first_name, u.username"
    for vendor, people in PEOPLE_DIGEST_SQL.items()
}


class DeskSummary(NamedTuple):
    waiting: int  # waiting_count's
    documents_digest: str | None  # of the person's documents (waiting_comments' key)
    people_digest: str | None  # of the filter's people (person_options' key)
    unread_notifications: int  # the header's count
    count: int | None  # the page's documents counted (`documents.count()`), when asked


def desk_summary_sql(user, documents=None):
    """desk_summary's select list (scalar subqueries, in DeskSummary's order) and parameters."""
    vendor = connection.vendor
    visible, visible_params = visible_to_sql(user, "d")
    parts = [
        "(" + WAITING_COUNT_SQL + (APPROVED_COUNT_SQL if is_manager(user) else "") + ")",
        MY_DOCUMENTS_DIGEST_SQL[vendor],
        PEOPLE_DIGEST_SQL[vendor],
        "(" + UNREAD_SQL.format(visible=visible) + ")",
    ]
    params = {"user": user.pk, "recipient": user.pk, **STAGES, **visible_params}
    if documents is not None:
        count_sql, count_params = documents.count_sql()
        parts.append("(" + count_sql + ")")
        params.update(count_params)
    return ", ".join(parts), params


def as_summary(values):
    """A DeskSummary from desk_summary_sql's columns (the count None when not asked)."""
    return DeskSummary(*values, *((None,) * (len(DeskSummary._fields) - len(values))))


def desk_summary(user, documents=None):
    """What a view of the desk reads besides its page, in one statement: each part was a query
    of its own (a round trip and a statement's fixed cost, several times the cost of these
    small reads), and each is the same SQL as before, as a scalar subquery. With `documents`
    (a QueueDocuments), their count too, for the paginator. The desk's view reads it with its
    page (QueueDocuments.page_with)."""
    select, params = desk_summary_sql(user, documents)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + select, params)
        return as_summary(cursor.fetchone())


def waiting_comments(user, documents_digest):
    """(how many, HTML): the open threads waiting for `user`'s answer
    (reviews.comments.waiting_thread_ids), counted, the first ten listed as the desk shows
    them. Kept in the rows cache under a key of the code version, URL prefix, language, the
    person's pk and the digest of their documents (desk_summary's), so the threads' own query,
    the largest of the desk's page at scale L (bench/queue.md), runs once per change to the
    person's documents, and a change on any app server shows on the next view."""
    if not user.is_authenticated:
        return 0, ""
    parts = (
        code_version(),
        get_script_prefix(),
        translation.get_language(),
        user.pk,
        documents_digest,
    )
    key = "waiting-comments:" + digest(parts)
    stored = row_cache().get(key)
    if stored is None:
        waiting = waiting_thread_ids(user)
        shown = {
            "waiting_comments": threads_by_ids(waiting[:10]),
            "waiting_comment_count": len(waiting),
        }
        html = get_template("reviews/dashboard.html#waiting-comments").render(shown)
        stored = (len(waiting), str.__str__(html))
        row_cache().set(key, stored)
    count, html = stored
    return count, mark_safe(html)  # noqa: S308 - rendered, escaped, above


def person_options(selected, people_digest):
    """The filter's <option>s of people, `selected` (a person or None) marked: rendered once
    per state of the list and kept in the rows cache under the digest of the people
    (desk_summary's), so a renamed, added or removed person shows on the next view. Not stored,
    they are read with their digest in one statement and kept under that one."""
    selected_pk = selected.pk if selected is not None else None
    html = row_cache().get(person_options_key(people_digest, selected_pk))
    if html is None:
        with connection.cursor() as cursor:
            cursor.execute(FILTER_PEOPLE_SQL[connection.vendor])
            people = cursor.fetchall()
        user = get_user_model()
        options = [
            (pk, display_name(user(first_name=first, last_name=last, username=username)))
            for pk, first, last, username, _ in people
        ]
        template = get_template("reviews/dashboard.html#person-options")
        html = str.__str__(template.render({"options": options, "selected": selected_pk}))
        if people:
            row_cache().set(person_options_key(people[0][4], selected_pk), html)
    return mark_safe(html)  # noqa: S308 - rendered, escaped, above


def person_options_key(people_digest, selected_pk):
    return "person-options:" + digest((code_version(), people_digest, selected_pk))
