"""The desk queue's page and count in plain SQL: desk_queue's documents (reviews/queue.py, the
ORM's form and the reference), read on every view of the desk.

Building and compiling the ORM's query was about a third of a repeat view's CPU (bench/queue.md),
for a query PostgreSQL answers in a millisecond from the index in the queue's order. Here the
SQL is written once per shape of the request (the person a manager or not, the tab, which
filters are set, the order) and only the parameters change. The page reads the columns the
queue's row and its cache key use, not the documents' findings (JSON, decoded per row) or
filenames. tests/test_queue_page.py checks that both forms give the same documents, in the same
order, and the same count, for every shape.
"""

from collections import namedtuple
from functools import cache

from django.core.paginator import Paginator
from django.db import connection

from reviews import plain_sql
from reviews.models import Document, Stage, is_manager, visible_to_sql

# What a row of the queue shows, and its key in the rows cache (reviews.queue.queue_row_key):
# the other columns are deferred, so a template that read one would cost a query per row (the
# query-count tests would see it).
ROW_COLUMNS = (
    "id",
    "title",
    "stage",
    "translator_id",
    "editor_id",
    "due_at",
    "priority",
    "created_at",
    "updated_at",
    "state_version",
)

# reviews.queue.ORDERS, as SQL (NULLS LAST: PostgreSQL and SQLite 3.30 or later).
ORDER_SQL = {
    "due": "due_at ASC NULLS LAST, priority DESC, updated_at DESC, id DESC",
    "activity": "updated_at DESC, id DESC",
}

# reviews.queue.waiting_for, as SQL; a manager also waits on every approved document.
WAITING_SQL = (
    "((stage IN (%(aligning)s, %(translating)s) AND translator_id = %(user)s)"
    " OR (stage = %(reviewing)s AND editor_id = %(user)s){approved})"
)
STAGES = {
    "aligning": Stage.ALIGNING.value,
    "translating": Stage.TRANSLATING.value,
    "reviewing": Stage.REVIEWING.value,
    "approved": Stage.APPROVED.value,
}


@cache
def _where(vendor, visible, manager, waiting, stage, person, search):
    """The WHERE clause for one shape of the request ("" when nothing is filtered)."""
    conditions = [] if visible == "TRUE" else [visible]
    if waiting:
        approved = " OR stage = %(approved)s" if manager else ""
        conditions.append(WAITING_SQL.format(approved=approved))
    if stage:
        conditions.append("stage = %(stage)s")
    if person:
        conditions.append("(translator_id = %(person)s OR editor_id = %(person)s)")
    if search:
        # title__icontains as the ORM writes it for this database.
        column = connection.ops.lookup_cast("icontains", "CharField") % "title"
        conditions.append(column + " " + connection.operators["icontains"] % "%(search)s")
    return " WHERE " + " AND ".join(conditions) if conditions else ""


@cache
def _select_sql(vendor, where, order, extra=""):
    select = plain_sql.columns(Document, only=ROW_COLUMNS) + (", " + extra if extra else "")
    return f"SELECT {select} FROM reviews_document{where} ORDER BY {ORDER_SQL[order]}"  # noqa: S608 - no value is in the text


class QueueDocuments:
    """desk_queue's documents as a Paginator reads them: count() and a slice, one query each."""

    def __init__(self, user, *, waiting=False, stage="", person=None, search="", order="due"):
        if not user.is_authenticated:
            raise ValueError("the desk queue is for a signed-in person")
        # The one rule of visibility, in its plain form (tested against visible_to): its text
        # is the same for every person of a kind, their pk its one parameter.
        visible, params = visible_to_sql(user, "reviews_document")
        shape = (bool(waiting), bool(stage), person is not None, bool(search))
        self.where = _where(connection.vendor, visible, is_manager(user), *shape)
        self.order = order
        self.params = {**params, "user": user.pk, **STAGES}
        if stage:
            self.params["stage"] = stage
        if person is not None:
            self.params["person"] = person.pk
        if search:
            self.params["search"] = f"%{connection.ops.prep_for_like_query(search)}%"

    def count_sql(self):
        """The count's statement and its parameters (reviews.queue.desk_summary reads it with
        the desk's other small reads)."""
        return "SELECT COUNT(*) FROM reviews_document" + self.where, self.params  # noqa: S608 - no value is in the text

    def count(self):
        with connection.cursor() as cursor:
            cursor.execute(*self.count_sql())
            return cursor.fetchone()[0]

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("the queue is read a page at a time")
        start, stop = int(window.start or 0), int(window.stop)
        sql = _select_sql(connection.vendor, self.where, self.order)
        sql += f" LIMIT {stop - start:d} OFFSET {start:d}"
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            return entries(cursor.fetchall())

    def page_with(self, select, params, number, per_page):
        """Page `number` (from 1) of `per_page` documents, each row with `select` (a select list
        of uncorrelated scalar subqueries, which the database works out once) after its
        columns: (entries, the values of `select`), or ([], None) when the page is empty, where
        the caller reads them on their own."""
        sql = _select_sql(connection.vendor, self.where, self.order, select)
        sql += f" LIMIT {per_page:d} OFFSET {(number - 1) * per_page:d}"
        width = len(ROW_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, **self.params})
            fetched = cursor.fetchall()
        return entries(row[:width] for row in fetched), (fetched[0][width:] if fetched else None)


def entries(rows):
    """QueueEntry of each row of ROW_COLUMNS, with the model's converters applied."""
    return [QueueEntry(*plain_sql.converted(Document, row, ROW_COLUMNS)) for row in rows]


class QueueEntry(namedtuple("QueueEntry", plain_sql.attnames(Document, ROW_COLUMNS))):
    """A document of the queue's page as its columns: a stored row needs nothing more than its
    cache key (reviews.queue.queue_row_key), and making 25 model instances was most of the
    page query's CPU; document() makes the instance for a row that must be rendered."""

    __slots__ = ()

    @property
    def pk(self):
        return self.id

    # The one definition of overdue, read from these columns.
    is_overdue = Document.is_overdue

    def document(self):
        """The Document, the other columns deferred (a template reading one would cost a query)."""
        return Document.from_db(connection.alias, self._fields, list(self))


def queue_paginator(user, per_page, **filters):
    """A Paginator over the desk queue of `user` with desk_queue's filters."""
    return Paginator(QueueDocuments(user, **filters), per_page)
