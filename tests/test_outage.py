"""A database that cannot be reached gets a clear 503 page with Retry-After, wherever the
error surfaces (a view's query, or the session loaded before any view runs); any other error is
still the 500 page. The real outage (a PostgreSQL restart under two servers) is in
tests/test_faults.py."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from reviews.models import DocumentQuerySet
from reviews.queue_page import QueueDocuments

LOST = OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def logged_in(client, people):
    client.force_login(people.translator)
    client.raise_request_exception = False
    return client


def assert_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "The database cannot be reached right now, so nothing was saved" in html
    assert "Traceback" not in html and "server closed" not in html


@pytest.mark.parametrize("error", [LOST, InterfaceError("connection already closed")])
def test_a_lost_database_in_a_view_is_a_503(logged_in, document, error):
    # The document's access check read in plain SQL (reviews/plain_sql.py), the desk's page
    # with its small reads (reviews/queue_page.py), the desk's "no documents yet" check
    # through the ORM: the error surfaces in each.
    with mock.patch("reviews.plain_sql.rows", side_effect=error):
        assert_503(logged_in.get(reverse("document", args=[document.pk])))
    with mock.patch.object(QueueDocuments, "page_with", side_effect=error):
        assert_503(logged_in.get(reverse("dashboard")))
    with mock.patch.object(DocumentQuerySet, "visible_to", side_effect=error):
        assert_503(logged_in.get(reverse("dashboard") + "?show=all&q=no-such-title"))


def test_a_lost_database_before_the_view_is_a_503(logged_in, document):
    """The session is read by middleware, before any view: the error handler still knows."""
    with mock.patch(f"{settings.SESSION_ENGINE}.SessionStore.load", side_effect=LOST):
        response = logged_in.post(reverse("edit", args=[document.pk, 1]), {"text": "x"})
    assert_503(response)


def test_other_errors_are_still_the_500_page(logged_in, document):
    with mock.patch.object(QueueDocuments, "page_with", side_effect=ValueError("a bug")):
        response = logged_in.get(reverse("dashboard"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()
