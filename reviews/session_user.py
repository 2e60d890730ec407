"""request.user from the session's own read: the session's row comes with its person's row
(reviews/sessions.py), so a signed-in request reads one row, not two.

Django's get_user (django.contrib.auth) still decides who the person is, every check its own:
the backend path in the session must be in AUTHENTICATION_BACKENDS, the session's auth hash
must match (SECRET_KEY_FALLBACKS too, with its key cycled), else the session is flushed. Only
the backend's get_user changes: reviews.backends.PersonBackend takes the person the session
store loaded when it is the user the session names, and reads them otherwise (a session
written before the user column, or one whose data names someone else since it was read).
The store is found through a context variable set while Django's get_user runs, since
backends are built anew for each call and see no request.
"""

import contextvars

from django.contrib.auth import middleware
from django.utils.functional import SimpleLazyObject

_SESSION = contextvars.ContextVar("workbench_session", default=None)


def loaded_person(user_id):
    """The person the current request's session read came with, when they are `user_id`."""
    person = getattr(_SESSION.get(), "loaded_person", None)
    if person is not None and person.pk == user_id:
        return person
    return None


def get_user(request):
    token = _SESSION.set(request.session)
    try:
        return middleware.get_user(request)
    finally:
        _SESSION.reset(token)


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
