"""Pages and htmx fragments. Every view that touches a document fetches it through
`document_for`, which applies the visibility rule and the action's permission in one place."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import editing, workflow
from reviews.diffing import TextTooLong, diff_words, render_diff
from reviews.exporting import export_document
from reviews.formats import EXPORT_FORMATS
from reviews.forms import UploadForm
from reviews.importing import LOW_CONFIDENCE, create_document
from reviews.models import Document, Paragraph, Revision, Role, Stage
from reviews.reports import document_changes


def document_for(request, pk, action="view"):
    """The document if the user may see it (else 404) and may take `action` (else 403)."""
    queryset = Document.objects.visible_to(request.user).select_related("translator", "editor")
    document = get_object_or_404(queryset, pk=pk)
    if action != "view":
        reason = workflow.refusal(request.user, action, document)
        if reason:
            raise PermissionDenied(reason)
    return document


@require_GET
def dashboard(request):
    documents = (
        workflow.visible_documents(request.user)
        .select_related("translator", "editor")
        .annotate(
            rows=Count("paragraphs", distinct=True),
            approved_rows=Count(
                "paragraphs",
                filter=Q(paragraphs__status=Paragraph.Status.APPROVED),
                distinct=True,
            ),
        )
        .order_by("-updated_at")
    )
    return TemplateResponse(request, "reviews/dashboard.html", {"documents": documents})


@require_http_methods(["GET", "POST"])
def upload(request):
    if not workflow.can(request.user, "upload"):
        raise PermissionDenied
    initial = {}
    if request.user.groups.filter(name=Role.TRANSLATOR).exists():
        initial["translator"] = request.user
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = create_document(
            title=data["title"],
            source_paragraphs=data["source_paragraphs"],
            target_paragraphs=data["target_paragraphs"],
            created_by=request.user,
            translator=data["translator"],
            editor=data["editor"],
            source_filename=data["source_filename"],
            target_filename=data["target_filename"],
        )
        messages.success(
            request,
            f"Uploaded {len(data['source_paragraphs'])} Korean and "
            f"{len(data['target_paragraphs'])} English paragraphs. Check the pairing, "
            "then confirm it.",
        )
        return redirect(document)
    return TemplateResponse(request, "reviews/upload.html", {"form": form})


@require_GET
def document_page(request, pk):
    document = document_for(request, pk)
    return render_document(request, document)


def render_document(request, document, **extra):
    context = {
        **grid_context(request, document),
        **progress_context(document),
        "paragraphs": rows_of(document),
        "transitions": workflow.available_transitions(request.user, document),
        "export_formats": EXPORT_FORMATS,
        "role": document.role_of(request.user),
        "open_by_author": open_proposals_by_author(document),
        **extra,
    }
    return TemplateResponse(request, "reviews/document.html", context)


@require_GET
def export(request, pk, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown export format")
    document = document_for(request, pk, "export")
    data, content_type, filename = export_document(document, fmt, request.user)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def transition(request, pk, action):
    if action not in workflow.TRANSITIONS:
        raise Http404("Unknown transition")
    document = document_for(request, pk)
    try:
        workflow.take_transition(request.user, action, document)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{workflow.TRANSITIONS[action].label}: done.")
    return redirect(document)


# --- Editing: the row fragment and the actions that change it -------------------------------


def open_proposals_by_author(document):
    rows = (
        Revision.objects.filter(paragraph__document=document, state=Revision.State.PROPOSED)
        .values("author", "author__username", "author__first_name", "author__last_name")
        .annotate(count=Count("pk"))
        .order_by("author__username")
    )
    return [
        {
            "pk": row["author"],
            "name": f"{row['author__first_name']} {row['author__last_name']}".strip()
            or row["author__username"],
            "count": row["count"],
        }
        for row in rows
    ]


def grid_context(request, document):
    """What every row needs, worked out once per document rather than once per row."""
    user = request.user
    return {
        "document": document,
        "low_confidence": LOW_CONFIDENCE,
        "may_save_directly": document.stage == Stage.TRANSLATING
        and document.role_of(user) == Role.TRANSLATOR,
        "may": {
            action: workflow.can(user, action, document)
            for action in ("edit", "decide", "approve_paragraph", "comment", "align")
        },
    }


def rows_of(document):
    open_proposals = Prefetch(
        "revisions",
        queryset=Revision.objects.filter(state=Revision.State.PROPOSED)
        .select_related("author")
        .order_by("pk"),
        to_attr="open_proposals",
    )
    return document.paragraphs.order_by("position").prefetch_related(open_proposals)


def progress_context(document):
    counts = document.paragraphs.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=Paragraph.Status.APPROVED)),
    )
    open_proposals = Revision.objects.filter(
        paragraph__document=document, state=Revision.State.PROPOSED
    ).count()
    return {**counts, "open_proposals": open_proposals}


def row_response(request, document, paragraph_pk, **extra):
    """The re-rendered row, plus the progress bar swapped out of band."""
    paragraph = get_object_or_404(rows_of(document), pk=paragraph_pk)
    context = {**grid_context(request, document), "paragraph": paragraph, **extra}
    row = render_to_string("reviews/document.html#row", context, request)
    progress = render_to_string(
        "reviews/document.html#progress",
        {**progress_context(document), "oob": True},
        request,
    )
    return HttpResponse(row + progress)


def back_to_row(document, paragraph_pk):
    return redirect(f"{document.get_absolute_url()}#row-{paragraph_pk}")


@require_http_methods(["GET", "POST"])
def edit_paragraph(request, pk, paragraph_pk):
    """GET: the row with its editor. POST: save the text as a revision (or a proposal)."""
    document = document_for(request, pk, "edit")
    paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
    if request.method == "GET":
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
        editing.save_edit(request.user, paragraph.pk, text, base_version, accept=accept)
    except editing.Conflict as conflict:
        return conflict_response(request, document, paragraph, conflict)
    except (editing.EditRefused, TextTooLong) as refused:
        if request.htmx:
            return row_response(
                request, document, paragraph.pk, editing=True, draft=text, error=str(refused)
            )
        messages.error(request, str(refused))
        return render_document(request, document, editing_id=paragraph.pk, draft=text)
    if request.htmx:
        return row_response(request, document, paragraph.pk)
    return back_to_row(document, paragraph.pk)


def conflict_response(request, document, paragraph, conflict):
    extra = {
        "editing": True,
        "conflict": conflict,
        "conflict_diff": render_diff(conflict.diff),
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


DECISIONS = {
    "accept": (editing.accept_proposal, "Accepted."),
    "reject": (editing.reject_proposal, "Rejected."),
    "withdraw": (editing.withdraw_proposal, "Withdrawn."),
}


@require_POST
def decide(request, pk, revision_pk, decision):
    if decision not in DECISIONS:
        raise Http404("Unknown decision")
    document = document_for(request, pk)
    revision = get_object_or_404(Revision, pk=revision_pk, paragraph__document=document)
    action, done = DECISIONS[decision]
    try:
        action(request.user, revision.pk)
    except editing.Conflict:
        message = (
            "This proposal overlaps a change accepted since it was made. "
            "Reject it, or edit the paragraph by hand."
        )
        if request.htmx:
            return row_response(request, document, revision.paragraph_id, error=message)
        messages.error(request, message)
        return back_to_row(document, revision.paragraph_id)
    except editing.EditRefused as refused:
        if request.htmx:
            return row_response(request, document, revision.paragraph_id, error=str(refused))
        messages.error(request, str(refused))
        return back_to_row(document, revision.paragraph_id)
    if request.htmx:
        return row_response(request, document, revision.paragraph_id, notice=done)
    messages.success(request, done)
    return back_to_row(document, revision.paragraph_id)


@require_POST
def approve_paragraph(request, pk, paragraph_pk):
    document = document_for(request, pk, "approve_paragraph")
    paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
    try:
        editing.approve_paragraph(request.user, paragraph.pk)
    except editing.EditRefused as refused:
        if request.htmx:
            return row_response(request, document, paragraph.pk, error=str(refused))
        messages.error(request, str(refused))
        return back_to_row(document, paragraph.pk)
    if request.htmx:
        return row_response(request, document, paragraph.pk)
    return back_to_row(document, paragraph.pk)


@require_http_methods(["GET", "POST"])
def decide_all(request, pk):
    """Accept or reject all open proposals of one author, after a confirmation page."""
    document = document_for(request, pk, "decide")
    author = get_object_or_404(get_user_model(), pk=request.GET.get("author") or 0)
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
            "html": render_diff(diff_words(left.text, right.text)),
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


@require_GET
def changes(request, pk):
    """The uploaded translation against the current text, with edit rates."""
    document = document_for(request, pk)
    report = document_changes(document)
    return TemplateResponse(request, "reviews/changes.html", {"document": document, **report})
