"""The side-by-side grid: the whole page, and one row re-rendered after a change."""

from collections import Counter
from functools import cache

from django.contrib import messages
from django.db import connection
from django.db.models import FETCH_PEERS, Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from reviews import plain_sql, workflow
from reviews.exporting import FORMAT_LABELS
from reviews.forms import people_in
from reviews.glossary_marks import term_matcher
from reviews.importing import LOW_CONFIDENCE
from reviews.models import Comment, Priority, Revision, Role, Stage, display_name
from reviews.page_cache import cacheable_request, cached_page
from reviews.pairing import undo_stack
from reviews.progress import document_counts
from reviews.quality import document_score
from reviews.row_cache import PageRows, row_fragment, row_viewer
from reviews.views.access import paragraph_or_404
from reviews.views.announce import announce
from reviews.views.comments import thread_context, with_people
from reviews.views.stage import progress_context, stage_fragments


def render_document(request, document, **extra):
    """The document page; its body from the page cache (reviews/page_cache.py) when this
    request shows nothing of its own and the document and viewer are as when it was stored."""
    glossary = term_matcher()
    page = cached_page(request, document, glossary) if cacheable_request(request, extra) else None
    if page is not None and page.html is not None:
        context = {"document": document}  # the body is stored: only what is around it
    else:
        context = document_context(request, document, glossary=glossary, **extra)
    return TemplateResponse(request, "reviews/document.html", {**context, "page_cache": page})


def document_context(request, document, *, glossary=None, **extra):
    grid = grid_context(request, document, glossary)
    paragraphs = list(rows_of(document))
    counts = document_counts(document)
    return {
        **grid,
        **progress_context(counts),
        "paragraphs": paragraphs,
        "row_cache": PageRows(paragraphs, row_viewer(request, document, grid)),
        "transitions": workflow.available_transitions(request.user, document, counts),
        "export_formats": FORMAT_LABELS.items(),
        "role": document.role_of(request.user),
        "open_by_author": open_proposals_by_author(paragraphs),
        "score": document_score(document, words=sum(row.source_words for row in paragraphs)),
        "may_assign": workflow.can(request.user, "assign", document),
        "may_credit": workflow.can(request.user, "credit", document),
        "translators": people_in(Role.TRANSLATOR),
        "editors": people_in(Role.EDITOR),
        "priorities": Priority.choices,
        "document_threads": thread_context(request, document, None),
        "may_undo_pairing": document.stage == Stage.ALIGNING and bool(undo_stack(document)),
        **extra,
    }


def open_proposals_by_author(paragraphs):
    """Each author's number of open proposals, from the rows' prefetched proposals (no query
    of its own), by username."""
    counts, authors = Counter(), {}
    for paragraph in paragraphs:
        for proposal in paragraph.open_proposals:
            counts[proposal.author_id] += 1
            authors[proposal.author_id] = proposal.author
    return [
        {"pk": pk, "name": display_name(authors[pk]), "count": counts[pk]}
        for pk in sorted(counts, key=lambda pk: authors[pk].username)
    ]


def grid_context(request, document, glossary=None):
    """What every row needs, worked out once per document rather than once per row.
    `glossary` is term_matcher()'s, when the caller has it already."""
    user = request.user
    may_align = workflow.can(user, "align", document)
    aligning = document.stage == Stage.ALIGNING
    return {
        "document": document,
        # Asked by each row several times: worked out here once (the stage and `may` are in
        # the row cache's key).
        "aligning": aligning,
        "pairing_cells": aligning and may_align,
        "low_confidence": LOW_CONFIDENCE,
        "glossary": glossary if glossary is not None else term_matcher(),
        "may_save_directly": workflow.can(user, "save_directly", document),
        "may": {
            action: workflow.can(user, action, document)
            for action in (
                "edit",
                "decide",
                "approve_paragraph",
                "comment",
                "dismiss_finding",
            )
        }
        | {"align": may_align},
    }


def rows_of(document):
    """The document's rows in order, each with its open proposals (with their authors), its
    open threads (with their authors and reply counts) and its comment counts, in three
    queries whatever the number of rows.

    Nothing is prefetched: a prefetch's query is built and bound with one parameter per row,
    twice, which for a long document was a sixth of the page's CPU with every row from the row
    cache. The open threads are read by their document (a comment is always on its
    paragraph's document: reviews.comments.add_comment); the proposals, which have no
    document of their own, by the rows' ids, once, which keeps the database's work to this
    document's open proposals (joined by document, PostgreSQL reads every open proposal). The
    rows' uploaded text and change list are not read: the page shows neither."""
    threads = Q(comments__reply_to=None)
    # FETCH_PEERS: a relation the template reaches lazily loads for all rows in one query.
    paragraphs = list(
        document.paragraphs.order_by("position")
        .defer("original_text", "changes")
        .fetch_mode(FETCH_PEERS)
        .annotate(
            thread_count=Count("comments", filter=threads),
            unresolved_count=Count("comments", filter=threads & Q(comments__resolved_at=None)),
            # For the row cache's key (reviews/row_cache.py): any new comment or reply.
            latest_comment=Max("comments__pk"),
        )
    )
    by_pk = {}
    for paragraph in paragraphs:
        paragraph.open_proposals, paragraph.open_threads = [], []
        by_pk[paragraph.pk] = paragraph
    proposals = (
        Revision.objects.filter(state=Revision.State.PROPOSED, paragraph_id__in=list(by_pk))
        .select_related("author")
        .order_by("pk")
    )
    # The margin's cards: each open thread with its author and its number of replies.
    open_threads = (
        Comment.objects.filter(
            document=document, paragraph__isnull=False, reply_to=None, resolved_at=None
        )
        .select_related("author")
        .annotate(reply_count=Count("replies"))
        .order_by("pk")
    )
    for attribute, related in (("open_proposals", proposals), ("open_threads", open_threads)):
        for item in related:
            paragraph = by_pk[item.paragraph_id]
            item.paragraph = paragraph  # as a prefetch would: no query to reach the row
            getattr(paragraph, attribute).append(item)
    return paragraphs


# Plain SQL on purpose, as in reviews/progress.py: compiling the ORM's form of the row's three
# small queries cost about 3 ms of CPU per re-rendered row (bench/fixed_cost.py), more than
# running them. The same SQL runs on PostgreSQL and SQLite. (The row itself: paragraph_or_404.)
# The row's open proposals and its comments in one round trip: each side's columns with NULLs
# in the other's place, so each row of the result is (a revision, None) or (None, a comment);
# ordered by each side's id (columns 1 and {comment_id}), NULLs last on both databases.
ROW_EXTRAS_SQL = (
    "SELECT {revision}, {no_comment} FROM reviews_revision WHERE paragraph_id = %s AND state = %s"
    " UNION ALL"
    " SELECT {no_revision}, {comment} FROM reviews_comment WHERE paragraph_id = %s"
    " ORDER BY 1 NULLS LAST, {comment_id} NULLS LAST"
)


@cache
def row_extras_sql(vendor):
    """ROW_EXTRAS_SQL with the models' columns (per database vendor: their quoting)."""
    revision, comment = plain_sql.columns(Revision), plain_sql.columns(Comment)
    widths = [len(Revision._meta.concrete_fields), len(Comment._meta.concrete_fields)]
    comment_pk = [f.primary_key for f in Comment._meta.concrete_fields].index(True)
    return ROW_EXTRAS_SQL.format(
        revision=revision,
        no_comment=", ".join(["NULL"] * widths[1]),
        no_revision=", ".join(["NULL"] * widths[0]),
        comment=comment,
        comment_id=widths[0] + comment_pk + 1,
    )


def row_of(document, paragraph_pk, viewer=None, paragraph=None):
    """One row of the document with what rows_of gives each row (its open proposals, its open
    threads with their reply counts, its comment counts and latest comment). Http404 for a
    row of another document. `paragraph`, when given, is the row as a write just left it
    (locked and written in its transaction), so it is not read again. Replies are on their
    thread's paragraph (reviews.comments.add_comment), so the row's comments are its threads
    and their replies. Authors are nearly always the document's translator or editor or
    `viewer`: those are taken as the request has them, anyone else is read in one query."""
    if paragraph is None:
        paragraph = paragraph_or_404(document, paragraph_pk)
    paragraph.document = document
    proposed = Revision.State.PROPOSED.value
    params = [paragraph.pk, proposed, paragraph.pk]
    found = plain_sql.rows(row_extras_sql(connection.vendor), params, Revision, Comment)
    paragraph.open_proposals = [revision for revision, _ in found if revision is not None]
    comments = [comment for _, comment in found if comment is not None]
    with_people([*paragraph.open_proposals, *comments], document, viewer)
    threads = [comment for comment in comments if comment.reply_to_id is None]
    replies = Counter(comment.reply_to_id for comment in comments if comment.reply_to_id)
    paragraph.open_threads = [thread for thread in threads if thread.resolved_at is None]
    for thread in paragraph.open_threads:
        thread.reply_count = replies[thread.pk]
    paragraph.thread_count = len(threads)
    paragraph.unresolved_count = len(paragraph.open_threads)
    paragraph.latest_comment = comments[-1].pk if comments else None
    return paragraph


def row_response(
    request, document, paragraph_pk, *, announcement=None, paragraph=None, stage=True, **extra
):
    """The re-rendered row, plus the progress bar and the stage buttons swapped out of band
    (unless `stage` is False: the change left what they count as it was). `announcement` is
    what a screen reader says ("{number}" is the row's number); a refusal or a conflict is
    said at once instead, and a notice is said when nothing else is. `paragraph` is the row
    as the write just left it, when there was one (see row_of)."""
    paragraph = row_of(document, paragraph_pk, request.user, paragraph)
    undo = extra.get("undo")
    if undo and "version" not in undo:
        # After a decision: the version the row is shown at, read with the row itself.
        extra["undo"] = {**undo, "version": paragraph.version}
    # A write's checks read the glossary's version in this request: the marks use the same.
    known = getattr(paragraph, "glossary_version", None)
    grid = grid_context(request, document, term_matcher(known))
    context = {**grid, "paragraph": paragraph, **extra}
    row = row_fragment(
        request,
        paragraph,
        row_viewer(request, document, grid),
        context,
        lambda context: render_to_string("reviews/document.html#row", context, request),
    )
    # What a row change can change elsewhere: the progress bar and the stage buttons.
    response = HttpResponse(row + stage_fragments(request, document) if stage else row)
    refusal = extra.get("conflict") or extra.get("error")
    if refusal:
        return announce(response, f"Paragraph {paragraph.number}: {refusal}", urgent=True)
    if announcement:
        return announce(response, announcement.replace("{number}", str(paragraph.number)))
    if extra.get("notice"):
        return announce(response, f"Paragraph {paragraph.number}: {extra['notice']}")
    return response


def row_outcome(
    request,
    document,
    paragraph_pk,
    *,
    error=None,
    notice=None,
    tone=None,
    undo=None,
    announcement=None,
    paragraph=None,
    stage=True,
):
    """After an action on a row: the row itself for htmx, else the page with a message.
    A notice reads as success unless its `tone` is "neutral" (a rejection is no failure, and
    no success either). `undo` ({"revision"}, with "version" unless it is the row's as
    re-rendered) puts an Undo button in the notice; without htmx the page after the redirect
    shows it in the row (the `undo` query). `paragraph`: the row as a write left it; `stage`
    False: the progress and the stage buttons are not sent (see row_response)."""
    if request.htmx:
        return row_response(
            request,
            document,
            paragraph_pk,
            error=error,
            notice=notice,
            notice_tone=tone,
            undo=undo,
            announcement=announcement,
            paragraph=paragraph,
            stage=stage,
        )
    if error:
        messages.error(request, error)
    elif notice:
        (messages.info if tone == "neutral" else messages.success)(request, notice)
    if undo:
        return redirect(
            f"{document.get_absolute_url()}?undo={undo['revision'].pk}#row-{paragraph_pk}"
        )
    return back_to_row(document, paragraph_pk)


def back_to_row(document, paragraph_pk):
    return redirect(f"{document.get_absolute_url()}#row-{paragraph_pk}")
