from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviews import views

document_urls = [
    path("", views.document_page, name="document"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("transition/<str:action>/", views.transition, name="transition"),
    path("changes/", views.changes, name="changes"),
    path("decide-all/", views.decide_all, name="decide_all"),
    path("rows/<int:paragraph_pk>/", views.paragraph_row, name="row"),
    path("rows/<int:paragraph_pk>/edit/", views.edit_paragraph, name="edit"),
    path("rows/<int:paragraph_pk>/approve/", views.approve_paragraph, name="approve_paragraph"),
    path("rows/<int:paragraph_pk>/history/", views.history, name="history"),
    path("revisions/<int:revision_pk>/restore/", views.restore, name="restore"),
    path("revisions/<int:revision_pk>/<str:decision>/", views.decide, name="decide"),
]

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("documents/new/", views.upload, name="upload"),
    path("documents/<int:pk>/", include(document_urls)),
]
