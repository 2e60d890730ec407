"""Documents as a whole: the desk's list, upload, the page, exports, stages and reports."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import workflow
from reviews.diffing import TextTooLong
from reviews.exporting import ALL_FORMATS, export_document
from reviews.forms import UploadForm
from reviews.importing import create_document
from reviews.models import Document, Role, Stage
from reviews.queue import desk_queue, waiting_for
from reviews.readers import record_view
from reviews.reports import document_changes
from reviews.views.access import document_for, number_or_404
from reviews.views.grid import render_document


@require_GET
def dashboard(request):
    """The desk's queue: what waits for me, all my documents, filters, search, pages."""
    user = request.user
    tab = request.GET.get("show", "waiting")
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    person = None
    if request.GET.get("person"):
        person = get_user_model().objects.filter(pk=number_or_404(request.GET["person"])).first()
    search = request.GET.get("q", "").strip()[:100]
    documents = desk_queue(
        user, waiting=tab == "waiting", stage=stage, person=person, search=search
    )
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    waiting_count = Document.objects.visible_to(user).filter(waiting_for(user)).count()
    context = {
        "page": page,
        "tab": tab,
        "stage": stage,
        "person": person,
        "search": search,
        "stages": Stage.choices,
        "people": get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("first_name", "username"),
        "waiting_count": waiting_count,
    }
    return TemplateResponse(request, "reviews/dashboard.html", context)


@require_http_methods(["GET", "POST"])
def upload(request):
    if not workflow.can(request.user, "upload"):
        raise PermissionDenied
    initial = {}
    if request.user.groups.filter(name=Role.TRANSLATOR).exists():
        initial["translator"] = request.user
    form = UploadForm(
        request.POST or None, request.FILES or None, initial=initial, uploader=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
        except TextTooLong as too_long:
            # Paragraphs the aligner put in one row can be too long together.
            form.add_error(None, f"After pairing: {too_long}")
            return TemplateResponse(request, "reviews/upload.html", {"form": form})
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
    if not request.htmx:
        record_view(request.user, document)
    return render_document(request, document)


@require_GET
def export(request, pk, fmt):
    if fmt not in ALL_FORMATS:
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


@require_POST
def assign(request, pk):
    document = document_for(request, pk, "assign")
    people = get_user_model().objects.filter(is_active=True)
    chosen = {}
    for role in ("translator", "editor"):
        value = request.POST.get(role, "")
        chosen[role] = (
            people.filter(pk=number_or_404(value), groups__name=role).first() if value else None
        )
        if value and chosen[role] is None:
            messages.error(request, f"Choose the {role} from the list.")
            return redirect(document)
    workflow.assign(request.user, document, **chosen)
    messages.success(request, "People assigned.")
    return redirect(document)


@require_POST
def credit(request, pk):
    document = document_for(request, pk)
    try:
        workflow.set_credit_line(request.user, document, request.POST.get("credit", ""))
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Credit line saved.")
    return redirect(document)


@require_GET
def activity(request, pk):
    """Every event of the document, oldest first; the log cannot be edited."""
    document = document_for(request, pk)
    events = document.events.select_related("actor", "paragraph").order_by("pk")
    context = {
        "document": document,
        "events": events,
        "can_see_readers": workflow.can(request.user, "see_readers", document),
    }
    return TemplateResponse(request, "reviews/activity.html", context)
