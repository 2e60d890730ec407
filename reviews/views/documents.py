"""Documents as a whole: the desk's list, upload, the page, exports, stages and reports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import workflow
from reviews.cleaning import clean_line
from reviews.diffing import MAX_PARAGRAPH_CHARS, TextTooLong
from reviews.exporting import ALL_FORMATS, export_document
from reviews.formats import ACCEPTED, UnreadableFile, bare_filename
from reviews.forms import SIDES, ScheduleForm, UploadForm, XliffUploadForm, read_side
from reviews.importing import MAX_PARAGRAPHS, create_document
from reviews.models import Document, Event, Revision, Role, Stage
from reviews.notifications import whose_turn
from reviews.quality import document_score
from reviews.queue import (
    ORDERS,
    as_summary,
    desk_summary,
    desk_summary_sql,
    person_options,
    queue_rows,
    rows_html,
    stage_options,
    waiting_comments,
)
from reviews.queue_page import QueueDocuments
from reviews.readers import record_view
from reviews.reports import document_changes
from reviews.views.access import document_for, number_or_404
from reviews.views.grid import render_document

# Pages past this are found by the paginator alone: their OFFSET would overflow the databases'
# 64-bit integers, and no desk holds that many documents.
LAST_PAGE_READ_AT_ONCE = 10**12


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
    order = request.GET.get("sort", "due")
    order = order if order in ORDERS else "due"
    # desk_queue's documents, in plain SQL (the ORM's query cost a third of the view).
    documents = QueueDocuments(
        user, waiting=tab == "waiting", stage=stage, person=person, search=search, order=order
    )
    # The waiting tab unfiltered lists the waiting documents: their count is the tab's.
    counted = tab == "waiting" and not (stage or person or search)
    paginator = Paginator(documents, 25)
    # The page asked for, read with the desk's small reads in one statement while it has
    # documents; a page past the last, below the first or empty reads them on its own and
    # is then found as Paginator.get_page finds it (a page that is not a number is the first).
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    entries, values = [], None
    select, params = desk_summary_sql(user, None if counted else documents)
    if 1 <= number <= LAST_PAGE_READ_AT_ONCE:
        entries, values = documents.page_with(select, params, number, 25)
    summary = as_summary(values) if values else desk_summary(user, None if counted else documents)
    # A cached_property: set, the paginator does not count again.
    paginator.count = summary.waiting if counted else summary.count
    page = Page(entries, number, paginator) if entries else paginator.get_page(number)
    # The header's count, read here already (reviews.views.inbox.unread_count).
    request.unread_notifications = summary.unread_notifications
    rows = queue_rows(page.object_list)
    waiting_comment_count, waiting_comments_html = waiting_comments(user, summary.documents_digest)
    context = {
        "page": page,
        "rows": rows,
        "rows_html": rows_html(rows),
        "tab": tab,
        "stage": stage,
        "person": person,
        "search": search,
        "order": order,
        "stage_options": stage_options(stage),
        "person_options": person_options(person, summary.people_digest),
        "waiting_count": summary.waiting,
        "has_documents": bool(page.object_list) or Document.objects.visible_to(user).exists(),
        # The queue names the first ten; the count covers them all.
        "waiting_comments": waiting_comments_html,
        "waiting_comment_count": waiting_comment_count,
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
            return upload_page(request, form)
        messages.success(
            request,
            f"Uploaded {len(data['source_paragraphs'])} Korean and "
            f"{len(data['target_paragraphs'])} English paragraphs. Check the pairing, "
            "then confirm it.",
        )
        return redirect(document)
    return upload_page(request, form)


def upload_page(request, form, xliff_form=None):
    # A page sent back after a POST has lost its files: browsers never refill a file field.
    reupload = [upload.name for upload in request.FILES.values()] if form.is_bound else []
    context = {
        "form": form,
        "xliff_form": xliff_form or XliffUploadForm(initial=form.initial, uploader=request.user),
        "limits": upload_limits(),
        "reupload": reupload,
    }
    return TemplateResponse(request, "reviews/upload.html", context)


def upload_limits():
    """What the upload page states, from the settings the readers apply."""
    return {
        "formats": ACCEPTED,
        "max_file_mb": f"{settings.WORKBENCH_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
        "max_request_mb": f"{settings.WORKBENCH_MAX_REQUEST_BYTES / 1024 / 1024:g}",
        "max_paragraphs": f"{MAX_PARAGRAPHS:,}",
        "max_paragraph_chars": f"{MAX_PARAGRAPH_CHARS:,}",
    }


PREVIEW_PARAGRAPHS = 3


def preview_sides(request):
    """Each side of the upload as the document would be made from it, or why it cannot be."""
    refusal = getattr(request, "upload_refusal", None)
    sides = []
    for side, name in SIDES:
        entry = {"side": side, "name": name, "lang": "ko" if side == "source" else "en"}
        upload = request.FILES.get(f"{side}_file")
        text = request.POST.get(f"{side}_text", "")
        if refusal:
            # The capped handler stopped reading at the refused file: nothing after it arrived.
            entry["error"] = refusal[1]
        else:
            try:
                read = read_side(upload, text, name)
            except UnreadableFile as error:
                entry["error"] = str(error)
            else:
                entry.update(
                    filename=bare_filename(read.filename) if read.filename else "",
                    encoding=read.encoding,
                    count=len(read.paragraphs),
                    first=read.paragraphs[:PREVIEW_PARAGRAPHS],
                )
        sides.append(entry)
    return sides


@require_POST
def upload_preview(request):
    """The upload's preview: both sides read with the readers the upload uses, and nothing
    written. The files are not kept here: the upload sends them again from the same form, so
    nothing the client says about a file read earlier is ever trusted."""
    if not workflow.can(request.user, "upload"):
        raise PermissionDenied
    context = {"sides": preview_sides(request), "limits": upload_limits()}
    if request.htmx:
        return TemplateResponse(request, "reviews/upload.html#preview", context)
    # Without JavaScript the page comes back whole, and a browser never refills a file field.
    fields = ("title", "source_text", "target_text", "translator", "editor")
    form = UploadForm(initial={f: request.POST.get(f, "") for f in fields}, uploader=request.user)
    chosen = [upload.name for upload in request.FILES.values()]
    context.update(form=form, xliff_form=XliffUploadForm(uploader=request.user), reupload=chosen)
    return TemplateResponse(request, "reviews/upload.html", context)


@require_GET
def document_page(request, pk):
    document = document_for(request, pk)
    if not request.htmx:
        record_view(request.user, document)
    return render_document(request, document, undo=undo_offer(request, document))


def undo_offer(request, document):
    """The Undo of the notice after a decision, for the page a form without htmx lands on."""
    revision_pk = request.GET.get("undo", "")
    if not revision_pk.isdigit() or not workflow.can(request.user, "undo_decision", document):
        return None
    revision = (
        Revision.objects.filter(pk=int(revision_pk), paragraph__document=document)
        .exclude(state=Revision.State.PROPOSED)
        .select_related("paragraph")
        .first()
    )
    if revision is None:
        return None
    # Offered only while the decision is still the row's latest change of any kind, so the
    # version in the form is the one its decider saw.
    latest = Event.objects.filter(paragraph=revision.paragraph).order_by("-id").first()
    if latest is None or latest.verb not in (Event.Verb.ACCEPTED, Event.Verb.REJECTED):
        return None
    if revision.pk not in (latest.payload.get("revision"), latest.payload.get("merged")):
        return None
    return {"revision": revision, "version": revision.paragraph.version}


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
    # Quality is the approver's judgement, not a rule: a failing score is approved only by
    # someone who said they saw it.
    if (
        action == "approve"
        and request.POST.get("despite_quality") != "1"
        and not document_score(document)["passed"]
    ):
        error = "Tick the box to approve a translation that fails the quality threshold."
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
        "failing_score": failing_score(document, transition),
    }
    template = "reviews/transition.html"
    if request.htmx:
        template += "#confirm"
    return TemplateResponse(request, template, context)


def failing_score(document, transition):
    """The score of a document about to be approved, when it fails the threshold."""
    if transition.action != "approve":
        return None
    score = document_score(document)
    return None if score["passed"] else score


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
    schedule = {}
    # A form without the schedule fields (an older page) leaves the due date and priority be.
    if "priority" in request.POST:
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[field].label}: {' '.join(errors)}"
                for field, errors in form.errors.items()
            )
            messages.error(request, f"Nothing was changed. {problems}")
            return redirect(document)
        schedule = form.cleaned_data
    workflow.assign(request.user, document, **chosen, **schedule)
    messages.success(request, "People and schedule saved." if schedule else "People assigned.")
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
