"""Admin for superusers: a document's title and credit are editable; history is read-only."""

from django.contrib import admin

from reviews.models import ApiToken, Comment, Document, Event, MemoryUnit, Paragraph, Revision


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "translator", "editor", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["title"]
    # Stages and people change in the app, where each change is an event and a notification.
    readonly_fields = ["stage", "translator", "editor", "created_by", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is append-only: the admin may look, never change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Paragraph)
class ParagraphAdmin(ReadOnlyAdmin):
    list_display = ["document", "position", "status", "version"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["paragraph", "author", "author_role", "state", "created_at"]
    list_filter = ["state"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["document", "paragraph", "author", "category", "severity", "created_at"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["document", "actor", "verb", "created_at"]
    list_filter = ["verb"]


@admin.register(MemoryUnit)
class MemoryUnitAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "source_lang", "target_lang", "origin", "imported_at"]
    list_filter = ["source_lang", "target_lang"]
    search_fields = ["source", "target"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked by their owners; the hash is not worth showing."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
