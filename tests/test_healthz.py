"""/healthz: 200 "ok" for a load balancer, without the session or the database.

These tests have no database (no `db` fixture): pytest-django makes any query in them raise,
so a health check that touched the database would fail every one of them.
"""

from django.urls import reverse


def test_it_answers_ok_without_logging_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_it_never_reads_the_session(client):
    response = client.get("/healthz")
    assert response.wsgi_request.session.accessed is False
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_it_keeps_the_security_headers(client):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_it_answers_plain_http_where_everything_else_redirects(client, settings):
    """A load balancer probes over plain HTTP behind the TLS proxy."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def test_it_refuses_posts(client):
    assert client.post("/healthz").status_code == 405
