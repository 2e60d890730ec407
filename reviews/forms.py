from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from reviews import workflow
from reviews.cleaning import clean_line
from reviews.diffing import MAX_PARAGRAPH_CHARS
from reviews.formats import (
    UnreadableFile,
    read_pasted,
    read_upload_naming_encoding,
    read_xliff,
    too_large,
)
from reviews.glossary import split_variants
from reviews.importing import check_paragraph_count
from reviews.models import Document, Priority, Role


def people_in(role):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role)
        .order_by("first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


SIDES = (("source", "Korean original"), ("target", "English translation"))


@dataclass
class SideRead:
    paragraphs: list
    filename: str
    encoding: str


def read_side(upload, text, name):
    """One side of an upload, a file or pasted text, read and checked as the document will be
    made from it; UnreadableFile says what is wrong. The upload and its preview both use it."""
    if upload and text.strip():
        raise UnreadableFile(f"Give the {name} as a file or as pasted text, not both.")
    if upload:
        data = upload.read(settings.WORKBENCH_MAX_UPLOAD_BYTES + 1)
        upload.seek(0)
        paragraphs, encoding = read_upload_naming_encoding(
            data, upload.name, max_bytes=settings.WORKBENCH_MAX_UPLOAD_BYTES
        )
        side = SideRead(paragraphs, upload.name, encoding)
    elif text.strip():
        side = SideRead(read_pasted(text), "", "pasted text")
    else:
        raise UnreadableFile(f"Add the {name}: upload a file or paste the text.")
    check_paragraph_count(side.paragraphs, name)
    for number, paragraph in enumerate(side.paragraphs, start=1):
        if len(paragraph) > MAX_PARAGRAPH_CHARS:
            raise UnreadableFile(
                f"Paragraph {number} of the {name} is {len(paragraph):,} characters "
                f"long; the limit is {MAX_PARAGRAPH_CHARS:,}."
            )
    return side


class UploadForm(forms.Form):
    """The Korean original and its English translation, each as a file or pasted text."""

    title = forms.CharField(max_length=300)
    source_file = forms.FileField(required=False, label="Korean original (file)")
    source_text = forms.CharField(
        required=False,
        max_length=settings.WORKBENCH_MAX_UPLOAD_BYTES,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "ko"}),
        label="or paste it",
    )
    target_file = forms.FileField(required=False, label="English translation (file)")
    target_text = forms.CharField(
        required=False,
        max_length=settings.WORKBENCH_MAX_UPLOAD_BYTES,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "en"}),
        label="or paste it",
    )
    translator = PersonChoiceField(queryset=people_in(Role.TRANSLATOR), required=False)
    editor = PersonChoiceField(queryset=people_in(Role.EDITOR), required=False)

    accept = ".txt,.md,.markdown,.docx,.html,.htm"

    def __init__(self, *args, uploader, upload_refusal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        # (field or None, message) when reviews.uploads stopped reading an over-size request.
        self.upload_refusal = upload_refusal
        for name in ("source_file", "target_file"):
            self.fields[name].widget.attrs["accept"] = self.accept
        # Querysets are evaluated per form, so people added after start-up appear.
        self.fields["translator"].queryset = people_in(Role.TRANSLATOR)
        self.fields["editor"].queryset = people_in(Role.EDITOR)

    def clean_title(self):
        title = clean_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(self.fields["title"].error_messages["required"])
        return title

    def clean(self):
        cleaned = super().clean()
        if self.upload_refusal:
            # Nothing after the refused file was read, so there is nothing else to check.
            field, message = self.upload_refusal
            self.add_error(field, message)
            return cleaned
        for side, name in SIDES:
            upload = cleaned.get(f"{side}_file")
            text = cleaned.get(f"{side}_text", "")
            try:
                side_read = read_side(upload, text, name)
            except UnreadableFile as error:
                self.add_error(f"{side}_file" if upload else f"{side}_text", str(error))
            else:
                cleaned[f"{side}_paragraphs"] = side_read.paragraphs
                cleaned[f"{side}_filename"] = side_read.filename
        self.keep_uploader_on_document(cleaned)
        return cleaned

    def keep_uploader_on_document(self, cleaned):
        """Documents are visible only to the people on them: an uploader who is not a manager
        takes the empty slot of their role, or is told before the document vanishes."""
        uploader = self.uploader
        assigned = Document(translator=cleaned.get("translator"), editor=cleaned.get("editor"))
        if workflow.can(uploader, "view", assigned):
            return
        for role in workflow.upload_slots(uploader):
            if not cleaned.get(role):
                cleaned[role] = uploader
                return
        self.add_error(
            None,
            "Assign yourself as the translator or the editor: only the people on a "
            "document (and managers) can see it.",
        )


class GlossaryTermForm(forms.Form):
    """A glossary term; forbidden variants are written with "|" between them."""

    korean = forms.CharField(max_length=200, label="Korean", widget=forms.TextInput({"lang": "ko"}))
    english = forms.CharField(
        max_length=300, label="English", widget=forms.TextInput({"lang": "en"})
    )
    forbidden = forms.CharField(
        max_length=2000,
        required=False,
        label="Forbidden English",
        help_text='Renderings not to use, separated by "|".',
        widget=forms.TextInput({"lang": "en"}),
    )
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea({"rows": 2}), label="Note"
    )

    def clean_forbidden(self):
        return split_variants(self.cleaned_data["forbidden"])


class GlossaryImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Columns: korean, english, forbidden, note.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.WORKBENCH_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.WORKBENCH_MAX_UPLOAD_BYTES:,} bytes."
            )
        return upload.read()


class XliffUploadForm(forms.Form):
    """One XLIFF file (1.2 or 2.x, from this workbench or a CAT tool) instead of two files."""

    # Labels unlike the two-file form's, so each field on the page has a name of its own.
    title = forms.CharField(max_length=300, label="Headline")
    xliff_file = forms.FileField(label="XLIFF file (both sides)")
    translator = PersonChoiceField(
        queryset=people_in(Role.TRANSLATOR), required=False, label="Translated by"
    )
    editor = PersonChoiceField(queryset=people_in(Role.EDITOR), required=False, label="Edited by")

    def __init__(self, *args, uploader, upload_refusal=None, **kwargs):
        super().__init__(*args, prefix="xliff", **kwargs)
        self.uploader = uploader
        # As on the two-file form: reviews.uploads stopped reading an over-size request.
        self.upload_refusal = upload_refusal
        self.fields["xliff_file"].widget.attrs["accept"] = ".xlf,.xliff,.sdlxliff,.mqxliff"
        self.fields["translator"].queryset = people_in(Role.TRANSLATOR)
        self.fields["editor"].queryset = people_in(Role.EDITOR)

    def clean_title(self):
        return UploadForm.clean_title(self)

    def clean(self):
        cleaned = super().clean()
        if self.upload_refusal:
            field, message = self.upload_refusal
            field = field.removeprefix(f"{self.prefix}-") if field else None
            self.add_error(field if field in self.fields else None, message)
            return cleaned
        upload = cleaned.get("xliff_file")
        if upload:
            limit = settings.WORKBENCH_MAX_UPLOAD_BYTES
            try:
                if upload.size > limit:
                    raise too_large(upload.name, limit)
                cleaned["bilingual"] = read_xliff(upload.read(limit + 1), upload.name)
            except UnreadableFile as error:
                self.add_error("xliff_file", str(error))
        UploadForm.keep_uploader_on_document(self, cleaned)


class ScheduleForm(forms.Form):
    """The due date and the priority a manager sets on the assign form. The time is read in
    the person's own time zone (the active one), as the page shows it."""

    due_at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        label="Due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, label="Priority")


class ReportRangeForm(forms.Form):
    """The translators' report's dates: documents uploaded from `since` to `until`, both in."""

    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("“From” must be on or before “To”.")
        return cleaned
