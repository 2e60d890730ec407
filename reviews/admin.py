"""Admin: the desk's records to look at, never to change.

Every change to a document goes through the app's own code, which asks reviews.workflow and
writes the audit log (Event) in the same transaction; the admin would do neither. So every
domain model here has view permission only (no add, change or delete), and every list shows
only what `Document.objects.visible_to` lets the person see.
"""

from django.contrib import admin

from reviews.models import (
    ApiToken,
    Comment,
    Document,
    Event,
    GlossaryChange,
    GlossaryTerm,
    MemoryUnit,
    Paragraph,
    Revision,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    # The lookup from this model to its document, for the visibility filter.
    document_lookup = "document"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        if self.document_lookup is None:
            return super().get_queryset(request)
        visible = Document.objects.visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.document_lookup}__in": visible})


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    document_lookup = "pk"
    list_display = ["title", "stage", "translator", "editor", "updated_at"]
    list_filter = ["stage"]
    list_select_related = ["translator", "editor"]
    search_fields = ["title"]


@admin.register(Paragraph)
class ParagraphAdmin(ReadOnlyAdmin):
    list_display = ["document", "position", "status", "version"]
    list_select_related = ["document"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    document_lookup = "paragraph__document"
    list_display = ["paragraph", "author", "author_role", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["paragraph", "author"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["document", "paragraph", "author", "category", "severity", "created_at"]
    list_select_related = ["document", "paragraph", "author"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["document", "actor", "verb", "created_at"]
    list_filter = ["verb"]
    list_select_related = ["document", "actor"]


# The glossary changes in the app, where every change is logged (reviews/glossary.py).
@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ReadOnlyAdmin):
    document_lookup = None  # the desk's shared glossary: everyone signed in reads it
    list_display = ["korean", "english", "created_by", "updated_at"]
    search_fields = ["korean", "english"]


@admin.register(GlossaryChange)
class GlossaryChangeAdmin(ReadOnlyAdmin):
    document_lookup = None
    list_display = ["korean", "english", "action", "actor", "created_at"]
    list_filter = ["action"]


@admin.register(MemoryUnit)
class MemoryUnitAdmin(ReadOnlyAdmin):
    document_lookup = None  # imported translation memory belongs to no document
    list_display = ["source", "target", "source_lang", "target_lang", "origin", "imported_at"]
    list_filter = ["source_lang", "target_lang"]
    search_fields = ["source", "target"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked by their owners; the hash is not worth showing."""

    document_lookup = None

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
