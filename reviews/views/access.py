"""The one place a view gets a document: visibility first (404), then the action (403)."""

import re
from functools import cache

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from reviews import plain_sql, workflow
from reviews.models import Document, Paragraph, visible_to_sql


@cache
def document_sql(condition):
    """The document with its translator and editor (as select_related reads them), where
    `condition` (visible_to_sql's, on the alias d) holds."""
    User = get_user_model()
    users = User._meta.db_table
    selected = ", ".join(
        [
            plain_sql.columns(Document, "d"),
            plain_sql.columns(User, "t"),
            plain_sql.columns(User, "e"),
        ]
    )
    joins = (
        f"LEFT JOIN {users} t ON t.id = d.translator_id LEFT JOIN {users} e ON e.id = d.editor_id"
    )
    return f"SELECT {selected} FROM reviews_document d {joins} WHERE d.id = %(pk)s AND {condition}"  # noqa: S608 - names from the models


def visible_document(user, pk):
    """Document.objects.visible_to(user).select_related("translator", "editor").get(pk=pk),
    in plain SQL (see reviews/plain_sql.py), or None."""
    low, high = connection.ops.integer_field_range(Document._meta.pk.get_internal_type())
    if not low <= int(pk) <= high:
        return None  # no such id, as the ORM answers for an id past the column's range
    condition, params = visible_to_sql(user, "d")
    User = get_user_model()
    found = plain_sql.rows(document_sql(condition), {**params, "pk": pk}, Document, User, User)
    if not found:
        return None
    document, translator, editor = found[0]
    Document.translator.field.set_cached_value(document, translator)
    Document.editor.field.set_cached_value(document, editor)
    return document


def document_for(request, pk, action="view"):
    """The document if the user may see it (else 404) and may take `action` (else 403)."""
    document = visible_document(request.user, pk)
    if document is None:
        raise Http404("No Document matches the given query.")
    if action != "view":
        reason = workflow.refusal(request.user, action, document)
        if reason:
            raise PermissionDenied(reason)
    return document


def number_or_404(value):
    """An id from a form or query string; anything else is a page that does not exist."""
    if not re.fullmatch(r"[0-9]{1,18}", str(value)):
        raise Http404("Not an id")
    return int(value)


# Plain SQL on purpose (reviews/plain_sql.py): the ORM's form costs several times more CPU to
# compile than to run, on every write that re-renders a row (bench/fixed_cost.py).
PARAGRAPH_SQL = "SELECT {columns} FROM reviews_paragraph WHERE id = %s AND document_id = %s"


def paragraph_or_404(document, paragraph_pk):
    """The row `paragraph_pk` of `document` (one the view got from document_for), else 404."""
    sql = PARAGRAPH_SQL.format(columns=plain_sql.columns(Paragraph))
    found = plain_sql.rows(sql, [paragraph_pk, document.pk], Paragraph)
    if not found:
        raise Http404("No such paragraph in this document")
    found = found[0]
    found.document = document
    return found
