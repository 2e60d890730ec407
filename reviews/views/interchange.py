"""A new document from one XLIFF file (the alternative to the two files of the upload page), and
every approved pair a person may see as one TMX file."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from reviews import workflow
from reviews.diffing import TextTooLong
from reviews.exporting import ALL_FORMATS, export_memory
from reviews.formats import UnreadableFile
from reviews.forms import UploadForm, XliffUploadForm
from reviews.importing import create_document_from_units
from reviews.views.documents import upload_page


@require_POST
def upload_xliff(request):
    if not workflow.can(request.user, "upload"):
        raise PermissionDenied
    form = XliffUploadForm(
        request.POST,
        request.FILES,
        uploader=request.user,
        upload_refusal=getattr(request, "upload_refusal", None),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = create_document_from_units(
                data["bilingual"],
                title=data["title"],
                created_by=request.user,
                translator=data["translator"],
                editor=data["editor"],
                filename=data["xliff_file"].name,
            )
        except (TextTooLong, UnreadableFile) as error:
            form.add_error("xliff_file", str(error))
        else:
            rows = document.paragraphs.count()
            messages.success(request, f"Imported {rows} row{'s' if rows != 1 else ''} from XLIFF.")
            return redirect(document)
    return upload_page(request, UploadForm(uploader=request.user), xliff_form=form)


@require_GET
def memory_tmx(request):
    """The documents the person may see, and only those: export_memory applies visible_to."""
    response = HttpResponse(export_memory(request.user), content_type=ALL_FORMATS["tmx"][0])
    response["Content-Disposition"] = 'attachment; filename="approved-pairs.tmx"'
    return response
