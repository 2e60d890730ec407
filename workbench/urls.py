from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # One way in, with the lock-out and the second factor: the admin's own login is not it.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("", include("reviews.urls")),
]

# A lost database answers 503 with Retry-After; any other uncaught error, the 500 page.
handler500 = "reviews.outage.server_error"
