"""The read API's URLs, with django-ninja loaded by the first request that reaches one of them.

django-ninja and pydantic build the API's models when reviews/api/views.py is imported: about
12 MB in every worker (bench/worker_memory.py), most of which never answer an API request.
These patterns have the routes, names and CSRF exemptions django-ninja gives its own
(tests/test_worker_memory.py holds them equal); each view hands the request to django-ninja's.
"""

from django.urls import path

app_name = "api"

# (route, name, csrf_exempt): django-ninja exempts its operations, not its schema and root.
ROUTES = [
    ("schema/", "openapi-json", False),
    ("documents/", "documents", True),
    ("documents/<int:document_id>/", "document", True),
    ("", "api-root", False),
]


def _handed_to_ninja(name, csrf_exempt):
    def view(request, **kwargs):
        from reviews.api.views import ninja_views

        return ninja_views()[name](request, **kwargs)

    # The token decides, not the session: the site-wide LoginRequiredMiddleware lets these by.
    view.login_required = False
    view.csrf_exempt = csrf_exempt
    view.__name__ = view.__qualname__ = f"api_{name.replace('-', '_')}"
    return view


urlpatterns = [
    path(route, _handed_to_ninja(name, exempt), name=name) for route, name, exempt in ROUTES
]
