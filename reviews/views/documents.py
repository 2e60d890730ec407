"""Documents as a whole: the desk's list, upload, the page, exports, stages and reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import workflow
from reviews.exporting import export_document
from reviews.formats import EXPORT_FORMATS
from reviews.forms import UploadForm
from reviews.importing import create_document
from reviews.models import Paragraph, Role
from reviews.reports import document_changes
from reviews.views.access import document_for
from reviews.views.grid import render_document


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


@require_GET
def changes(request, pk):
    """The uploaded translation against the current text, with edit rates."""
    document = document_for(request, pk)
    report = document_changes(document)
    return TemplateResponse(request, "reviews/changes.html", {"document": document, **report})
