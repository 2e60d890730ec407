"""One row at a time: edit, propose, decide, approve, and a paragraph's history."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import editing, workflow
from reviews.diffing import diff_words
from reviews.models import Document, Revision
from reviews.views.access import document_for, number_or_404
from reviews.views.grid import back_to_row, render_document, row_outcome, row_response


@require_http_methods(["GET", "POST"])
def edit_paragraph(request, pk, paragraph_pk):
    """GET: the row with its editor. POST: save the text as a revision (or a proposal)."""
    document = document_for(request, pk, "edit")
    if request.method == "GET":
        paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
        if request.htmx:
            return row_response(request, document, paragraph.pk, editing=True)
        return render_document(request, document, editing_id=paragraph.pk)
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponse("The form is missing the version you edited.", status=400)
    text = request.POST.get("text", "")
    accept = request.POST.get("accept") == "1"
    try:
        # The save locks the row and checks it is this document's: no fetch of it before.
        revision = editing.save_edit(
            request.user, paragraph_pk, text, base_version, accept=accept, document_id=document.pk
        )
    except Document.DoesNotExist:
        raise Http404("No such paragraph in this document") from None
    except editing.Conflict as conflict:
        return conflict_response(request, document, conflict.paragraph, conflict)
    except editing.EditRefused as refused:
        if request.htmx:
            return row_response(
                request, document, paragraph_pk, editing=True, draft=text, error=str(refused)
            )
        messages.error(request, str(refused))
        return render_document(request, document, editing_id=paragraph_pk, draft=text)
    paragraph = revision.paragraph
    notices = [editing.merge_notice(revision, base_version)]
    if revision.unapproved:
        # Both kinds of change take the approval away (see editing.save_edit); say so.
        notices.append(
            "Proposed: the paragraph is no longer approved until the proposal is decided."
            if revision.state == Revision.State.PROPOSED
            else "Saved: the paragraph is no longer approved; approve it again when it is ready."
        )
    notice = " ".join(notice for notice in notices if notice) or None
    if revision.state == Revision.State.PROPOSED:
        said = "Paragraph {number}: your change is proposed."
    else:
        said = "Paragraph {number} saved and accepted." if accept else "Paragraph {number} saved."
    if notice:
        said = f"{said} {notice}"
    # The stage buttons read the document's counts of rows, approved rows, open proposals and
    # critical threads (reviews.workflow.refusal): a change accepted at once on a row that was
    # not approved leaves all four as they were, so the buttons and the progress are as shown.
    counted = revision.state == Revision.State.PROPOSED or revision.unapproved
    # The row as the save left it (locked, then written): not read again.
    return row_outcome(
        request,
        document,
        paragraph.pk,
        notice=notice,
        announcement=said,
        paragraph=paragraph,
        stage=counted,
    )


def conflict_response(request, document, paragraph, conflict):
    extra = {
        "editing": True,
        "conflict": conflict,
        "draft": conflict.mine,
    }
    if request.htmx:
        return row_response(request, document, paragraph.pk, **extra)
    return render_document(request, document, editing_id=paragraph.pk, **extra)


@require_GET
def paragraph_row(request, pk, paragraph_pk):
    document = document_for(request, pk)
    if not request.htmx:
        return back_to_row(document, paragraph_pk)
    return row_response(request, document, paragraph_pk)


# What each decision does and says; only an acceptance reads as success (green).
DECISIONS = {
    "accept": (editing.accept_proposal, "Accepted.", None),
    "reject": (editing.reject_proposal, "Rejected.", "neutral"),
    "withdraw": (editing.withdraw_proposal, "Withdrawn.", "neutral"),
}
# What a screen reader hears after each ("{number}" is the row's).
DECISIONS_SAID = {
    "accept": "Proposal accepted on paragraph {number}. Undo available.",
    "reject": "Proposal rejected on paragraph {number}. Undo available.",
    "withdraw": "Proposal withdrawn on paragraph {number}.",
}


@require_POST
def decide(request, pk, revision_pk, decision):
    if decision not in DECISIONS:
        raise Http404("Unknown decision")
    document = document_for(request, pk)
    action, done, tone = DECISIONS[decision]
    # The decision locks the revision and checks it is this document's: no fetch of it before.
    mine = {"document_id": document.pk}
    if decision != "withdraw":
        # Its author is told: nearly always one of these two, whom the request has read.
        mine["people"] = (document.translator, document.editor)
    try:
        if decision == "reject":
            decided = action(request.user, revision_pk, request.POST.get("note", ""), **mine)
        else:
            decided = action(request.user, revision_pk, **mine)
    except Revision.DoesNotExist:
        raise Http404("No such revision in this document") from None
    except editing.Conflict as conflict:
        error = (
            "This proposal overlaps a change accepted since it was made. "
            "Reject it, or edit the paragraph by hand."
        )
        return row_outcome(request, document, conflict.paragraph.pk, error=error)
    except editing.EditRefused as refused:
        paragraph_pk = Revision.objects.values_list("paragraph_id", flat=True).get(pk=revision_pk)
        return row_outcome(request, document, paragraph_pk, error=str(refused))
    said = DECISIONS_SAID[decision]
    paragraph_pk = decided.paragraph_id
    # The row as the decision left it, locked in its transaction: not read again.
    row = {"announcement": said, "paragraph": decided.paragraph}
    if decision == "withdraw":
        return row_outcome(request, document, paragraph_pk, notice=done, tone=tone, **row)
    if decided.note and decision == "reject":
        done = f"Rejected: “{decided.note}”."
    # The version the Undo form carries is the row's as re-rendered (reviews.views.grid).
    undo = {"revision": decided}
    return row_outcome(request, document, paragraph_pk, notice=done, tone=tone, undo=undo, **row)


@require_POST
def undo_decision(request, pk, revision_pk):
    """Take back an accept or a reject from the notice that follows it."""
    document = document_for(request, pk, "undo_decision")
    revision = get_object_or_404(Revision, pk=revision_pk, paragraph__document=document)
    try:
        seen_version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponse("The form is missing the version you saw.", status=400)
    try:
        editing.undo_decision(request.user, revision.pk, seen_version)
    except editing.EditRefused as refused:
        return row_outcome(request, document, revision.paragraph_id, error=str(refused))
    undone = "acceptance" if revision.state == Revision.State.ACCEPTED else "rejection"
    return row_outcome(
        request, document, revision.paragraph_id, notice=f"Undone: the {undone} is taken back."
    )


@require_POST
def approve_paragraph(request, pk, paragraph_pk):
    document = document_for(request, pk, "approve_paragraph")
    paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
    try:
        editing.approve_paragraph(request.user, paragraph.pk)
    except editing.EditRefused as refused:
        return row_outcome(request, document, paragraph.pk, error=str(refused))
    return row_outcome(request, document, paragraph.pk, announcement="Paragraph {number} approved.")


@require_http_methods(["GET", "POST"])
def decide_all(request, pk):
    """Accept or reject all open proposals of one author, after a confirmation page."""
    document = document_for(request, pk, "decide")
    author = get_object_or_404(get_user_model(), pk=number_or_404(request.GET.get("author", "")))
    accept = request.GET.get("decision") == "accept"
    proposals = Revision.objects.filter(
        paragraph__document=document, author=author, state=Revision.State.PROPOSED
    )
    if request.method == "POST":
        decided, conflicts = editing.decide_all(request.user, document, author, accept)
        verb = "Accepted" if accept else "Rejected"
        messages.success(request, f"{verb} {decided} proposal{pluralize(decided)}.")
        if conflicts:
            messages.error(
                request,
                f"{conflicts} proposal{pluralize(conflicts)} overlap changes accepted since "
                "and stay open for a decision one by one.",
            )
        return redirect(document)
    context = {
        "document": document,
        "author": author,
        "accept": accept,
        "count": proposals.count(),
    }
    return TemplateResponse(request, "reviews/decide_all.html", context)


@require_GET
def history(request, pk, paragraph_pk):
    """Every revision of a paragraph; compare any two; restore an earlier one."""
    document = document_for(request, pk)
    paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
    revisions = list(paragraph.revisions.select_related("author", "decided_by").order_by("-pk"))
    by_pk = {revision.pk: revision for revision in revisions}
    comparison = None
    try:
        left, right = by_pk.get(int(request.GET["a"])), by_pk.get(int(request.GET["b"]))
    except (KeyError, ValueError):
        left = right = None
    if left and right:
        comparison = {
            "left": left,
            "right": right,
            "ops": diff_words(left.text, right.text),
        }
    context = {
        "document": document,
        "paragraph": paragraph,
        "revisions": revisions,
        "comparison": comparison,
        "may_edit": workflow.can(request.user, "edit", document),
        "may_decide": workflow.can(request.user, "decide", document),
    }
    template = "reviews/history.html"
    if request.htmx:
        template += "#panel"
    return TemplateResponse(request, template, context)


@require_POST
def restore(request, pk, revision_pk):
    document = document_for(request, pk, "edit")
    revision = get_object_or_404(Revision, pk=revision_pk, paragraph__document=document)
    paragraph = revision.paragraph
    try:
        base_version = int(request.POST.get("version", ""))
        editing.restore_revision(
            request.user, revision, base_version, accept=request.POST.get("accept") == "1"
        )
    except ValueError:
        return HttpResponse("The form is missing the version you saw.", status=400)
    except editing.Conflict:
        messages.error(request, "The paragraph changed since you opened its history; look again.")
    except editing.EditRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Restored revision #{revision.pk}.")
    return back_to_row(document, paragraph.pk)
