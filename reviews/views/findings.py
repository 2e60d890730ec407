"""The quality checks' findings: the document's list of them, and dismissing one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from reviews import findings, workflow
from reviews.views.access import document_for, number_or_404
from reviews.views.grid import row_outcome


@require_GET
def findings_list(request, pk):
    """Every finding of the document, row by row, with links to the rows."""
    document = document_for(request, pk)
    paragraphs = document.paragraphs.order_by("position").only(
        "pk", "position", "source", "text", "findings", "document_id"
    )
    rows = [(paragraph, paragraph.findings) for paragraph in paragraphs if paragraph.findings]
    open_count = sum(
        len(findings.open_findings(list_)) for list_ in [document.findings, *(f for _, f in rows)]
    )
    context = {
        "document": document,
        "rows": rows,
        "document_findings": document.findings,
        "open_count": open_count,
        "may_dismiss": workflow.can(request.user, "dismiss_finding", document),
    }
    return TemplateResponse(request, "reviews/findings.html", context)


@require_POST
def dismiss(request, pk):
    document = document_for(request, pk)
    paragraph = request.POST.get("paragraph", "")
    paragraph_id = number_or_404(paragraph) if paragraph else None
    error = None
    try:
        findings.dismiss(
            request.user,
            document,
            paragraph_id,
            request.POST.get("key", ""),
            request.POST.get("reason", ""),
        )
    except PermissionDenied as denied:
        error = str(denied)
    except findings.DismissRefused as refused:
        error = str(refused)
    if request.POST.get("from") == "list" or paragraph_id is None:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Dismissed.")
        return redirect("findings", document.pk)
    return row_outcome(
        request, document, paragraph_id, error=error, notice=None if error else "Dismissed."
    )
