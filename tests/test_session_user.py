"""request.user from the session's own read (reviews/session_user.py): one query for the
session and the person, and every one of Django's checks of the session as before."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Session
from reviews.sessions import SessionStore

PERSON = "reviews.backends.PersonBackend"


def log_in(client, username="mina"):
    response = client.post(reverse("login"), {"username": username, "password": "pw"})
    assert response.status_code == 302


def session_of(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def whoami(client):
    """Who the notifications fragment's request was for, and the queries that read a person
    (reviews.backends.person_columns: the user's columns, aliased u)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications"))
    user = response.wsgi_request.user
    selects = [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT")]
    reads = [sql for sql in selects if "s.session_data" in sql or "WHERE u.id =" in sql]
    return (user.username if user.is_authenticated else None), response, reads


def rewrite(client, **changes):
    """The client's session with its data changed (a key set to None is removed)."""
    session = session_of(client)
    data = session.get_decoded()
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))


def test_the_login_fills_the_user_column_and_one_query_reads_session_and_person(people):
    client = Client()
    log_in(client)
    assert session_of(client).user_id == people.translator.pk
    username, response, reads = whoami(client)
    assert username == "mina" and response.status_code == 200
    assert len(reads) == 1 and "reviews_session" in reads[0]


def test_a_session_without_the_user_column_reads_the_person_as_before(people):
    client = Client()
    log_in(client)
    Session.objects.filter(pk=session_of(client).pk).update(user=None)
    username, _, reads = whoami(client)
    assert username == "mina"
    assert len(reads) == 2  # the session's read (no person), then the backend's


def test_data_naming_someone_else_than_the_column_is_read_for_them(people):
    client = Client()
    log_in(client)
    rewrite(client, **{SESSION_KEY: str(people.editor.pk)})
    # The hash was the translator's: Django flushes the session, as it would.
    username, _, reads = whoami(client)
    assert username is None and len(reads) == 2
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_a_changed_password_ends_the_session(people):
    client = Client()
    log_in(client)
    people.translator.set_password("new")
    people.translator.save()
    key = client.cookies["sessionid"].value
    assert whoami(client)[0] is None
    assert not Session.objects.filter(session_key=key).exists()


def test_a_session_without_its_hash_is_flushed(people):
    client = Client()
    log_in(client)
    rewrite(client, **{HASH_SESSION_KEY: None})
    assert whoami(client)[0] is None


def test_a_backend_no_longer_configured_is_nobody(people, settings):
    client = Client()
    log_in(client)
    rewrite(client, **{BACKEND_SESSION_KEY: "django.contrib.auth.backends.RemoteUserBackend"})
    assert whoami(client)[0] is None
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    rewrite(client, **{BACKEND_SESSION_KEY: PERSON})
    assert whoami(client)[0] is None


def test_an_inactive_person_is_nobody(people):
    client = Client()
    log_in(client)
    people.translator.is_active = False
    people.translator.save()
    assert whoami(client)[0] is None


def test_a_hash_from_a_fallback_secret_still_works_and_the_key_is_cycled(people, settings):
    client = Client()
    log_in(client)
    old_key = client.cookies["sessionid"].value
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret " + "x" * 50
    # Sessions are signed with the secret too; the old one's data still loads (its fallback).
    username, response, _ = whoami(client)
    assert username == "mina"
    new_key = response.cookies["sessionid"].value
    assert new_key != old_key
    assert Session.objects.get(session_key=new_key).user_id == people.translator.pk
    client.cookies["sessionid"] = new_key
    settings.SECRET_KEY_FALLBACKS = []
    assert whoami(client)[0] == "mina"


def test_logout_and_anonymous_sessions_hold_nobody(people):
    store = SessionStore()
    store["something"] = 1
    store.save()
    assert Session.objects.get(session_key=store.session_key).user_id is None
    loaded = SessionStore(store.session_key)
    assert loaded["something"] == 1 and loaded.loaded_person is None


def test_the_migration_copies_live_sessions_with_their_user(people):
    copy = import_module("reviews.migrations.0023_session").copy_live_sessions
    old = DjangoStore()
    old[SESSION_KEY] = str(people.editor.pk)
    old[BACKEND_SESSION_KEY] = PERSON
    old[HASH_SESSION_KEY] = people.editor.get_session_auth_hash()
    old.set_expiry(3600)
    old.save()
    anonymous = DjangoStore()
    anonymous["x"] = 1
    anonymous.save()
    gone = DjangoStore()
    gone[SESSION_KEY] = str(people.editor.pk)
    gone.save()
    DjangoSession.objects.filter(pk=gone.session_key).update(expire_date=timezone.now())
    copy(apps, None)
    assert Session.objects.get(pk=old.session_key).user_id == people.editor.pk
    assert Session.objects.get(pk=anonymous.session_key).user_id is None
    assert not Session.objects.filter(pk=gone.session_key).exists()
    # The copy is a session as any: the editor is signed in with its cookie.
    client = Client()
    client.cookies["sessionid"] = old.session_key
    username, _, reads = whoami(client)
    assert username == people.editor.username and len(reads) == 1


@pytest.mark.django_db(transaction=True)
def test_a_session_naming_a_deleted_user_still_saves_and_holds_nobody():
    store = SessionStore()
    store[SESSION_KEY] = "999999"
    store[BACKEND_SESSION_KEY] = PERSON
    store.create()  # committed: a foreign key constraint would refuse it, and create() retry
    assert Session.objects.get(pk=store.session_key).user_id == 999999
    client = Client()
    client.cookies["sessionid"] = store.session_key
    assert whoami(client)[0] is None
