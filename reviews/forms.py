from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from reviews.diffing import MAX_PARAGRAPH_CHARS
from reviews.formats import UnreadableFile, read_pasted, read_upload, read_xliff
from reviews.importing import check_paragraph_count
from reviews.models import Role, is_manager


def people_in(role):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role)
        .order_by("first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


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

    def __init__(self, *args, uploader, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        for name in ("source_file", "target_file"):
            self.fields[name].widget.attrs["accept"] = self.accept
        # Querysets are evaluated per form, so people added after start-up appear.
        self.fields["translator"].queryset = people_in(Role.TRANSLATOR)
        self.fields["editor"].queryset = people_in(Role.EDITOR)

    def clean(self):
        cleaned = super().clean()
        for side, name in (("source", "Korean original"), ("target", "English translation")):
            upload = cleaned.get(f"{side}_file")
            text = cleaned.get(f"{side}_text", "")
            try:
                if upload and text.strip():
                    raise UnreadableFile(f"Give the {name} as a file or as pasted text, not both.")
                if upload:
                    data = upload.read(settings.WORKBENCH_MAX_UPLOAD_BYTES + 1)
                    cleaned[f"{side}_paragraphs"] = read_upload(
                        data, upload.name, max_bytes=settings.WORKBENCH_MAX_UPLOAD_BYTES
                    )
                    cleaned[f"{side}_filename"] = upload.name
                elif text.strip():
                    cleaned[f"{side}_paragraphs"] = read_pasted(text)
                    cleaned[f"{side}_filename"] = ""
                else:
                    raise UnreadableFile(f"Add the {name}: upload a file or paste the text.")
                check_paragraph_count(cleaned[f"{side}_paragraphs"], name)
                for number, paragraph in enumerate(cleaned[f"{side}_paragraphs"], start=1):
                    if len(paragraph) > MAX_PARAGRAPH_CHARS:
                        raise UnreadableFile(
                            f"Paragraph {number} of the {name} is {len(paragraph):,} characters "
                            f"long; the limit is {MAX_PARAGRAPH_CHARS:,}."
                        )
            except UnreadableFile as error:
                self.add_error(f"{side}_file" if upload else f"{side}_text", str(error))
        self.keep_uploader_on_document(cleaned)
        return cleaned

    def keep_uploader_on_document(self, cleaned):
        """Documents are visible only to the people on them: an uploader who is not a manager
        takes the empty slot of their role, or is told before the document vanishes."""
        uploader = self.uploader
        if is_manager(uploader) or uploader in (cleaned.get("translator"), cleaned.get("editor")):
            return
        roles = set(uploader.groups.values_list("name", flat=True))
        if Role.TRANSLATOR in roles and not cleaned.get("translator"):
            cleaned["translator"] = uploader
        elif Role.EDITOR in roles and not cleaned.get("editor"):
            cleaned["editor"] = uploader
        else:
            self.add_error(
                None,
                "Assign yourself as the translator or the editor: only the people on a "
                "document (and managers) can see it.",
            )


class XliffUploadForm(forms.Form):
    """One XLIFF file (1.2 or 2.x, from this workbench or a CAT tool) instead of two files."""

    # Labels unlike the two-file form's, so each field on the page has a name of its own.
    title = forms.CharField(max_length=300, label="Headline")
    xliff_file = forms.FileField(label="XLIFF file (both sides)")
    translator = PersonChoiceField(
        queryset=people_in(Role.TRANSLATOR), required=False, label="Translated by"
    )
    editor = PersonChoiceField(queryset=people_in(Role.EDITOR), required=False, label="Edited by")

    def __init__(self, *args, uploader, **kwargs):
        super().__init__(*args, prefix="xliff", **kwargs)
        self.uploader = uploader
        self.fields["xliff_file"].widget.attrs["accept"] = ".xlf,.xliff,.sdlxliff,.mqxliff"
        self.fields["translator"].queryset = people_in(Role.TRANSLATOR)
        self.fields["editor"].queryset = people_in(Role.EDITOR)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("xliff_file")
        if upload:
            limit = settings.WORKBENCH_MAX_UPLOAD_BYTES
            try:
                if upload.size > limit:
                    raise UnreadableFile(
                        f"{upload.name} is larger than the {limit / 1024 / 1024:g} MB limit."
                    )
                cleaned["bilingual"] = read_xliff(upload.read(limit + 1), upload.name)
            except UnreadableFile as error:
                self.add_error("xliff_file", str(error))
        UploadForm.keep_uploader_on_document(self, cleaned)
        return cleaned
