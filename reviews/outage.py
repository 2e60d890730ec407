"""A lost database is a clear 503 page, not a traceback or a 500.

Django routes every uncaught exception, from a view or from a middleware (the session and the
user are loaded from the database before any view runs), to the 500 handler; this handler
tells a database that cannot be reached (OperationalError, InterfaceError: the server is down
or restarting, the pool has no connection to give) from a bug, and answers the first with 503
and Retry-After. Nothing was saved: every change is one transaction, and the connection pool
(with CONN_HEALTH_CHECKS) replaces broken connections by itself once the server is back.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 15


def is_database_outage(error):
    return isinstance(error, OperationalError | InterfaceError)


def database_unavailable():
    # Rendered without the request: the context processors would ask the database again.
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: 503 when the database is out of reach, Django's 500 page otherwise."""
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable()
    return defaults.server_error(request)
