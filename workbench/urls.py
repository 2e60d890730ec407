from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("reviews.urls")),
]

# A lost database answers 503 with Retry-After; any other uncaught error, the 500 page.
handler500 = "reviews.outage.server_error"
