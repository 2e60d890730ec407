"""GET /api/documents/ and /api/documents/<id>/ for the publishing system, token only.

Visibility is the pages' rule (Document.objects.visible_to): a document the token's person may
not see is 404, like any id that does not exist. Every read is an Event.
"""

import functools
import re
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from reviews.api.tokens import user_for_token
from reviews.models import Document, Event, Paragraph, Stage, display_name

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
FINAL_STAGES = (Stage.APPROVED, Stage.PUBLISHED)


class BearerToken(HttpBearer):
    def __call__(self, request):
        # Read the header here rather than in HttpBearer, which logs a header it does not
        # expect, credentials and all, when DEBUG is on.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        return user_for_token(token)


api = NinjaAPI(
    title="Workbench read API",
    version="1",
    description="Approved and in-progress translations, as the desk's pages show them.",
    auth=BearerToken(),
    openapi_url="/schema/",
    # The interactive docs page loads scripts from a CDN, which the CSP forbids.
    docs_url=None,
    urls_namespace="api",
)


class Refusal(Schema):
    """The same few words for every refusal: nothing tells a missing document from a hidden
    one, or a wrong token from a revoked one."""

    detail: str


UNAUTHORIZED = {401: Refusal}


class DocumentOut(Schema):
    id: int
    title: str
    stage: Stage
    translator: str | None
    editor: str | None
    credit_line: str
    paragraphs: list[str]
    source_paragraphs: list[str]
    updated_at: datetime
    approved_at: datetime | None


def _pieces(text):
    """A row's text as paragraphs, split where the exports split them."""
    return [" ".join(piece.split()) for piece in _BLANK_LINE.split(text or "") if piece.strip()]


def _documents(user):
    approvals = Event.objects.filter(
        document=OuterRef("pk"), verb=Event.Verb.TRANSITION, payload__to=Stage.APPROVED
    ).order_by("-pk")
    return (
        Document.objects.visible_to(user)
        .select_related("translator", "editor")
        .annotate(last_approved_at=Subquery(approvals.values("created_at")[:1]))
        .order_by("-updated_at", "-pk")
    )


def _out_all(documents):
    """The answers for `documents`, their rows read in one query. The rows come as plain
    tuples, 500 at a time, and only their pieces are kept: prefetched as models, a page of
    twenty long documents (13 MB of JSON) peaked at 58 MB of Python objects, now at 39 MB
    (bench/worker_memory.md)."""
    pieces = {document.pk: ([], []) for document in documents}
    rows = (
        Paragraph.objects.filter(document__in=list(pieces))
        .order_by("document_id", "position")
        .values_list("document_id", "source", "text")
    )
    for document_id, source, text in rows.iterator(chunk_size=500):
        english, korean = pieces[document_id]
        english.extend(_pieces(text))
        korean.extend(_pieces(source))
    return [_out(document, *pieces[document.pk]) for document in documents]


def _out(document, paragraphs, source_paragraphs):
    return {
        "id": document.pk,
        "title": document.title,
        "stage": document.stage,
        "translator": display_name(document.translator) if document.translator_id else None,
        "editor": display_name(document.editor) if document.editor_id else None,
        "credit_line": document.credit_line,
        "paragraphs": paragraphs,
        "source_paragraphs": source_paragraphs,
        "updated_at": document.updated_at,
        "approved_at": document.last_approved_at if document.stage in FINAL_STAGES else None,
    }


def _record_reads(request, documents):
    token = getattr(request.auth, "api_token", None)
    Event.objects.bulk_create(
        Event(
            document=document,
            actor=request.auth,
            verb=Event.Verb.READ_BY_API,
            payload={"path": request.path[:200], "token": token.prefix if token else ""},
        )
        for document in documents
    )


@api.get(
    "/documents/",
    response={200: list[DocumentOut], **UNAUTHORIZED},
    url_name="documents",
)
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def list_documents(request, stage: Stage | None = None):
    """Documents the token's person may see, most recently changed first."""
    documents = _documents(request.auth)
    if stage:
        documents = documents.filter(stage=stage)
    return _ReadList(documents, request)


@api.get(
    "/documents/{int:document_id}/",
    response={200: DocumentOut, 404: Refusal, **UNAUTHORIZED},
    url_name="document",
)
def get_document(request, document_id: int):
    document = _documents(request.auth).filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document")
    _record_reads(request, [document])
    return _out_all([document])[0]


class _ReadList:
    """The page of documents the paginator slices, shaped for the response and logged as read:
    the paginator slices first, so only the documents actually sent are recorded."""

    def __init__(self, queryset, request):
        self.queryset = queryset
        self.request = request

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        documents = list(self.queryset[page])
        _record_reads(self.request, documents)
        return _out_all(documents)


@functools.cache
def ninja_views():
    """{URL name: django-ninja's view}, for reviews/api/urls.py, which routes to them."""
    patterns, _, _ = api.urls
    return {pattern.name: pattern.callback for pattern in _walk(patterns)}


def _walk(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _walk(pattern.url_patterns)
        else:
            yield pattern
