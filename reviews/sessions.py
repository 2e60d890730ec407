"""Sessions: they end after WORKBENCH_SESSION_IDLE_SECONDS without a request, and a person can
end all their other sessions.

Sessions live in Django's database backend, whose expiry date is what ends a session on the
server: a session past it loads as empty, whatever cookie the browser still holds. Saving the
session on every request (SESSION_SAVE_EVERY_REQUEST) would push the expiry forward at the cost
of one UPDATE per request; IdleExpiryMiddleware marks the session changed at most once a minute
instead, so a session ends between IDLE and IDLE + 60 seconds after its last request.

SESSION_ENGINE is this module: Django's database backend with its one read on every request
in plain SQL (SessionStore.load), as in reviews/progress.py. The ORM's form costs about 0.5 ms
of CPU to build and compile, this about 0.15, and it asks the same: the session's data if it
has not expired. The sessions are reviews.models.Session, Django's with the user they hold
(set whenever the session is saved), and the read brings that person's row with the data, for
request.user (reviews/session_user.py). Writes, logout (delete) and clearsessions are Django's
own. A cache in front
(cached_db) would save the query only with a cache all app servers share, and would keep a
session ended elsewhere (end_other_sessions deletes rows) alive in it; not done.
"""

import time
from functools import cache

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from reviews.backends import person_columns, person_of
from reviews.models import Session

REFRESHED_AT = "workbench_refreshed_at"
REFRESH_EVERY_SECONDS = 60

# The person's columns are NULL for a session that holds nobody (or whose user column was never
# filled): the person is then read as Django reads them, by the backend.
LOAD_SQL = """
SELECT s.session_data, {person} FROM reviews_session s
  LEFT JOIN auth_user u ON u.id = s.user_id LEFT JOIN reviews_profile p ON p.user_id = u.id
WHERE s.session_key = %s AND s.expire_date > %s
"""


@cache
def load_sql(vendor):
    return LOAD_SQL.format(person=person_columns())


class SessionStore(db.SessionStore):
    loaded_person = None

    @classmethod
    def get_model_class(cls):
        return Session

    def load(self):
        """The session's data, or {} (and no key) when it is missing or expired; the person of
        its user column in loaded_person."""
        self.loaded_person = None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(load_sql(connection.vendor), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        self.loaded_person = person_of(row[1:])
        return self.decode(row[0])

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = user_id_in(data)
        return session


def user_id_in(data):
    """The id of the user a session's data holds, or None."""
    try:
        return get_user_model()._meta.pk.to_python(data[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def background_reads(view):
    """For a view a page reads on its own every few seconds (the presence poll): its GETs are
    not the person's activity, so they do not keep an idle session alive. An open page left
    overnight still ends its session at the idle time."""
    view.background_reads = True
    return view


class IdleExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "GET" and getattr(view_func, "background_reads", False):
            return None
        session = request.session
        # Only sessions that exist and hold a login: the authentication middleware has loaded
        # them already, so this reads no row, and anonymous visitors get no session at all.
        if session.session_key and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(REFRESHED_AT, 0) >= REFRESH_EVERY_SECONDS:
                session[REFRESHED_AT] = now  # saved, with a new expiry, after the response
        return None


def mark_refreshed(sender, request, user, **kwargs):
    """At login the session is saved anyway: the minute starts then (user_logged_in)."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_AT] = int(time.time())


def end_other_sessions(request):
    """Delete every live session of request.user except this one; return how many.

    Every session holding a login has its user column filled: it is set on each save, and
    migration 0023 filled it for the sessions there were.
    """
    others = Session.objects.filter(user=request.user, expire_date__gt=timezone.now())
    deleted, _ = others.exclude(session_key=request.session.session_key).delete()
    return deleted
