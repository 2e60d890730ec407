"""Admin for superusers: a document's title and credit are editable; history is read-only."""

from django.contrib import admin

from reviews.models import (
    Comment,
    Document,
    Event,
    GlossaryChange,
    GlossaryTerm,
    Paragraph,
    Revision,
)


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


# The glossary changes in the app, where every change is logged (reviews/glossary.py).
@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ReadOnlyAdmin):
    list_display = ["korean", "english", "created_by", "updated_at"]
    search_fields = ["korean", "english"]


@admin.register(GlossaryChange)
class GlossaryChangeAdmin(ReadOnlyAdmin):
    list_display = ["korean", "english", "action", "actor", "created_at"]
    list_filter = ["action"]
