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
has not expired. Writes, logout (delete) and clearsessions are Django's own. A cache in front
(cached_db) would save the query only with a cache all app servers share, and would keep a
session ended elsewhere (end_other_sessions deletes rows) alive in it; not done.
"""

import time

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

REFRESHED_AT = "workbench_refreshed_at"
REFRESH_EVERY_SECONDS = 60

LOAD_SQL = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"


class SessionStore(db.SessionStore):
    def load(self):
        """The session's data, or {} (and no key) when it is missing or expired."""
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(LOAD_SQL, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])


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

    The database backend keeps no index from a person to their sessions, so this reads the
    live ones: a desk has a few hundred at most, and the action is rare.
    """
    user_id = str(request.user.pk)
    current = request.session.session_key
    others = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=current)
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == user_id:
            others.append(session.session_key)
    Session.objects.filter(session_key__in=others).delete()
    return len(others)
