from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviews.api.views import api_urls
from reviews.views import (
    comments,
    documents,
    findings,
    glossary,
    health,
    inbox,
    interchange,
    memory,
    pairing,
    readers,
    reports,
    rows,
    tokens,
)

document_urls = [
    path("", documents.document_page, name="document"),
    path("export/<str:fmt>/", documents.export, name="export"),
    path("transition/<str:action>/", documents.transition, name="transition"),
    path("changes/", documents.changes, name="changes"),
    path("activity/", documents.activity, name="activity"),
    path("readers/", readers.readers, name="readers"),
    path("pairing/", pairing.change, name="pairing"),
    path("assign/", documents.assign, name="assign"),
    path("credit/", documents.credit, name="credit"),
    path("comments/", comments.comments, name="document_comments"),
    path("comments/<int:comment_pk>/<str:state>/", comments.resolve, name="resolve_comment"),
    path("rows/<int:paragraph_pk>/comments/", comments.comments, name="paragraph_comments"),
    path("decide-all/", rows.decide_all, name="decide_all"),
    path("findings/", findings.findings_list, name="findings"),
    path("findings/dismiss/", findings.dismiss, name="dismiss_finding"),
    path("rows/<int:paragraph_pk>/", rows.paragraph_row, name="row"),
    path("rows/<int:paragraph_pk>/edit/", rows.edit_paragraph, name="edit"),
    path("rows/<int:paragraph_pk>/approve/", rows.approve_paragraph, name="approve_paragraph"),
    path("rows/<int:paragraph_pk>/history/", rows.history, name="history"),
    path("revisions/<int:revision_pk>/restore/", rows.restore, name="restore"),
    path("revisions/<int:revision_pk>/<str:decision>/", rows.decide, name="decide"),
    path("rows/<int:paragraph_pk>/memory/", memory.suggestions, name="memory"),
]

glossary_urls = [
    path("", glossary.terms, name="glossary"),
    path("export.csv", glossary.export_terms, name="glossary_export"),
    path("import/", glossary.import_terms, name="glossary_import"),
    path("<int:term_pk>/", glossary.edit_term, name="glossary_term"),
    path("<int:term_pk>/remove/", glossary.remove_term, name="glossary_remove"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", documents.dashboard, name="dashboard"),
    path("documents/new/", documents.upload, name="upload"),
    path("documents/new/xliff/", interchange.upload_xliff, name="upload_xliff"),
    path("exports/approved-pairs.tmx", interchange.memory_tmx, name="export_memory"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read/", inbox.mark_read, name="mark_read"),
    path("reports/translators/", reports.translators, name="translator_report"),
    path("documents/<int:pk>/", include(document_urls)),
    path("glossary/", include(glossary_urls)),
    path("settings/api-tokens/", tokens.token_settings, name="api_tokens"),
    path("settings/api-tokens/<int:token_pk>/revoke/", tokens.revoke, name="revoke_api_token"),
    path("api/", api_urls()),
]
