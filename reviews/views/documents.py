"""Documents as a whole: the desk's list, upload, the page, exports, stages and reports."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import workflow
from reviews.cleaning import clean_line
from reviews.diffing import TextTooLong
from reviews.exporting import ALL_FORMATS, export_document
from reviews.forms import UploadForm, XliffUploadForm
from reviews.importing import create_document
from reviews.models import Document, Role, Stage
from reviews.notifications import whose_turn
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
    search = clean_line(request.GET.get("q", ""))[:100]
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
    if Role.TRANSLATOR in workflow.upload_slots(request.user):
        initial["translator"] = request.user
    # A refused upload can leave POST empty; the form must still be bound to say why.
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        uploader=request.user,
        upload_refusal=getattr(request, "upload_refusal", None),
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
            return TemplateResponse(request, "reviews/upload.html", _upload_context(request, form))
        messages.success(
            request,
            f"Uploaded {len(data['source_paragraphs'])} Korean and "
            f"{len(data['target_paragraphs'])} English paragraphs. Check the pairing, "
            "then confirm it.",
        )
        return redirect(document)
    return TemplateResponse(request, "reviews/upload.html", _upload_context(request, form))


def _upload_context(request, form):
    """The two-file form and, beside it, the one-XLIFF-file form."""
    xliff_form = XliffUploadForm(initial=form.initial, uploader=request.user)
    return {"form": form, "xliff_form": xliff_form}


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


@require_http_methods(["GET", "POST"])
def transition(request, pk, action):
    """GET: what the move will do, with a note for the people it goes to (in place for htmx).
    POST: the move; one that hands the work over is taken only from that page."""
    if action not in workflow.TRANSITIONS:
        raise Http404("Unknown transition")
    document = document_for(request, pk)
    transition = workflow.TRANSITIONS[action]
    if request.method == "GET":
        return confirm_transition(request, document, transition)
    if transition.hands_over and request.POST.get("confirmed") != "1":
        return redirect("transition", document.pk, action)
    note = request.POST.get("note", "")
    if len(workflow.clean_note(note)) > workflow.MAX_NOTE_CHARS:
        error = f"A note may be {workflow.MAX_NOTE_CHARS:,} characters at most."
        return confirm_transition(request, document, transition, note=note, error=error)
    seen_pairing = None
    if action == "confirm_pairing":
        try:
            seen_pairing = int(request.POST.get("pairing_version", ""))
        except ValueError:
            messages.error(request, "The form was incomplete; reload the page.")
            return redirect(document)
    try:
        workflow.take_transition(
            request.user, action, document, note=note, seen_pairing=seen_pairing
        )
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{transition.label}: done.")
    return redirect(document)


def confirm_transition(request, document, transition, *, note="", error=None):
    # As the notifications will go: never to the person who moves the document.
    others = [person for person in document.people() if person != request.user]
    turn = [
        person
        for person in whose_turn(document, transition.target, workflow.managers())
        if person != request.user
    ]
    context = {
        "document": document,
        "transition": transition,
        "source": document.get_stage_display(),
        "target": Stage(transition.target).label,
        "turn": turn,
        "told": [person for person in others if person not in turn],
        "reason": workflow.refusal(request.user, transition.action, document),
        "note": note,
        "error": error,
        "max_note": workflow.MAX_NOTE_CHARS,
    }
    template = "reviews/transition.html"
    if request.htmx:
        template += "#confirm"
    return TemplateResponse(request, template, context)


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
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
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
