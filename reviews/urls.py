from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviews.views import (
    account,
    comments,
    documents,
    inbox,
    lockouts,
    login,
    pairing,
    reports,
    rows,
)

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
    path("login/", login.PasswordLoginView.as_view(), name="login"),
    path("login/code/", login.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/two-factor/", account.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/confirm/", account.two_factor_confirm, name="two_factor_confirm"),
    path(
        "account/two-factor/recovery-codes/",
        account.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("account/two-factor/off/", account.two_factor_off, name="two_factor_off"),
    path("account/sessions/end-others/", account.end_other_sessions, name="end_other_sessions"),
    path("lockouts/", lockouts.lockouts, name="lockouts"),
    path("lockouts/lift/", lockouts.lift, name="lift_lockout"),
    path("", documents.dashboard, name="dashboard"),
    path("documents/new/", documents.upload, name="upload"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read/", inbox.mark_read, name="mark_read"),
    path("reports/translators/", reports.translators, name="translator_report"),
    path("documents/<int:pk>/", include(document_urls)),
]
