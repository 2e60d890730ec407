"""A lost database is a clear 503 page, a full or unwritable disk a clear 507 page; neither is a
traceback or a 500.

Django routes every uncaught exception, from a view or from a middleware (the session and the
user are loaded from the database before any view runs), to the 500 handler; this handler
tells a database that cannot be reached (OperationalError, InterfaceError: the server is down
or restarting, the pool has no connection to give) from a bug, and answers the first with 503
and Retry-After. Nothing was saved: every change is one transaction, and the connection pool
(with CONN_HEALTH_CHECKS) replaces broken connections by itself once the server is back.
Likewise a disk that is full or a folder that cannot be written (an upload too big to keep in
memory goes to the temporary folder before any view runs) is 507 Insufficient Storage; the
upload is refused before anything reaches the database.
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 15
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS})


def is_database_outage(error):
    return isinstance(error, OperationalError | InterfaceError)


def is_storage_failure(error):
    return isinstance(error, OSError) and error.errno in STORAGE_ERRNOS


def database_unavailable():
    # Rendered without the request: the context processors would ask the database again.
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def storage_unavailable():
    response = HttpResponse(render_to_string("507.html"), status=507)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: 503 when the database is out of reach, 507 when the disk refuses a file,
    Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if is_database_outage(error):
        return database_unavailable()
    if is_storage_failure(error):
        return storage_unavailable()
    return defaults.server_error(request)
