from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviews.views import comments, documents, guide, inbox, pairing, preferences, reports, rows

document_urls = [
    path("", documents.document_page, name="document"),
    path("export/<str:fmt>/", documents.export, name="export"),
    path("transition/<str:action>/", documents.transition, name="transition"),
    path("changes/", documents.changes, name="changes"),
    path("activity/", documents.activity, name="activity"),
    path("pairing/", pairing.change, name="pairing"),
    path("assign/", documents.assign, name="assign"),
    path("credit/", documents.credit, name="credit"),
    path("comments/", comments.comments, name="document_comments"),
    path("comments/<int:comment_pk>/<str:state>/", comments.resolve, name="resolve_comment"),
    path("rows/<int:paragraph_pk>/comments/", comments.comments, name="paragraph_comments"),
    path("decide-all/", rows.decide_all, name="decide_all"),
    path("rows/<int:paragraph_pk>/", rows.paragraph_row, name="row"),
    path("rows/<int:paragraph_pk>/edit/", rows.edit_paragraph, name="edit"),
    path("rows/<int:paragraph_pk>/approve/", rows.approve_paragraph, name="approve_paragraph"),
    path("rows/<int:paragraph_pk>/history/", rows.history, name="history"),
    path("revisions/<int:revision_pk>/restore/", rows.restore, name="restore"),
    path("revisions/<int:revision_pk>/<str:decision>/", rows.decide, name="decide"),
]

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", documents.dashboard, name="dashboard"),
    path("documents/new/", documents.upload, name="upload"),
    path("documents/new/preview/", documents.upload_preview, name="upload_preview"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read/", inbox.mark_read, name="mark_read"),
    path("reports/translators/", reports.translators, name="translator_report"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("help/", guide.help_page, name="help"),
    path("documents/<int:pk>/", include(document_urls)),
]
