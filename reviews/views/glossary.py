"""The desk's glossary: everyone signed in reads and searches it; editors and managers change
it, one term at a time or by CSV."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import glossary, workflow
from reviews.forms import GlossaryImportForm, GlossaryTermForm
from reviews.models import GlossaryChange, GlossaryTerm

TERMS_PER_PAGE = 50


def _may_edit(request):
    return workflow.can(request.user, "edit_glossary")


def _require_edit(request):
    reason = workflow.refusal(request.user, "edit_glossary", None)
    if reason:
        raise PermissionDenied(reason)


def _form_errors(form, error):
    """Put a model's validation error onto the form's fields."""
    for field, messages_ in error.message_dict.items():
        form.add_error(None if field == "__all__" else field, messages_)


@require_http_methods(["GET", "POST"])
def terms(request):
    """GET: the list, searched and paged, with the add form. POST: add a term."""
    if not workflow.can(request.user, "read_glossary"):
        raise PermissionDenied
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST":
        _require_edit(request)
        if form.is_valid():
            try:
                term = glossary.add_term(request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, f"Added {term}.")
                return redirect("glossary")
    search = request.GET.get("q", "").strip()[:100]
    found = GlossaryTerm.objects.all()
    if search:
        found = found.filter(
            Q(korean__icontains=search) | Q(english__icontains=search) | Q(note__icontains=search)
        )
    context = {
        "page": Paginator(found, TERMS_PER_PAGE).get_page(request.GET.get("page")),
        "search": search,
        "form": form,
        "import_form": GlossaryImportForm(),
        "may_edit": _may_edit(request),
        "changes": GlossaryChange.objects.select_related("actor")[:15],
    }
    return TemplateResponse(request, "reviews/glossary.html", context)


@require_http_methods(["GET", "POST"])
def edit_term(request, term_pk):
    term = get_object_or_404(GlossaryTerm, pk=term_pk)
    _require_edit(request)
    initial = {
        "korean": term.korean,
        "english": term.english,
        "forbidden": glossary.join_variants(term.forbidden),
        "note": term.note,
    }
    form = GlossaryTermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            term = glossary.update_term(request.user, term, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Saved {term}.")
            return redirect("glossary")
    context = {
        "term": term,
        "form": form,
        "changes": GlossaryChange.objects.filter(term_pk=term.pk).select_related("actor"),
    }
    return TemplateResponse(request, "reviews/glossary_term.html", context)


@require_http_methods(["GET", "POST"])
def remove_term(request, term_pk):
    """GET asks to confirm; POST removes (the change log keeps what the term said)."""
    term = get_object_or_404(GlossaryTerm, pk=term_pk)
    _require_edit(request)
    if request.method == "POST":
        glossary.remove_term(request.user, term)
        messages.success(request, f"Removed {term}.")
        return redirect("glossary")
    return TemplateResponse(request, "reviews/glossary_remove.html", {"term": term})


@require_POST
def import_terms(request):
    _require_edit(request)
    form = GlossaryImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, f"Nothing was imported: {error}")
        return redirect("glossary")
    try:
        result = glossary.import_csv(request.user, form.cleaned_data["file"])
    except glossary.ImportRefused as refused:
        messages.error(request, f"Nothing was imported. {refused}")
    else:
        messages.success(
            request,
            f"Imported: {result.added} term{pluralize(result.added)} added, "
            f"{result.changed} changed, {result.unchanged} already the same.",
        )
    return redirect("glossary")


@require_GET
def export_terms(request):
    if not workflow.can(request.user, "read_glossary"):
        raise PermissionDenied
    response = HttpResponse(
        glossary.export_csv(GlossaryTerm.objects.all()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="glossary.csv"'
    return response
