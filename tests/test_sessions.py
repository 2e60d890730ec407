"""Sessions: they end server-side at logout and after the idle time, the expiry moves forward
at most once a minute, cookies are HttpOnly and SameSite, and a person can end their other
sessions."""

import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Session
from reviews.sessions import REFRESHED_AT


def log_in(client, username="mina"):
    response = client.post(reverse("login"), {"username": username, "password": "pw"})
    assert response.status_code == 302
    return response


def logged_in(client):
    return client.get(reverse("dashboard")).status_code == 200


def session_of(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_the_cookie_is_httponly_and_samesite_lax_and_lasts_the_idle_time(client, people, settings):
    assert settings.WORKBENCH_SESSION_IDLE_SECONDS == 8 * 60 * 60
    cookie = log_in(client).cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 60 * 60
    expiry = session_of(client).expire_date
    assert abs((expiry - timezone.now()) - timedelta(hours=8)) < timedelta(minutes=1)


def test_logout_is_a_post_and_ends_the_session_on_the_server(people):
    client = Client()
    log_in(client)
    key = client.cookies["sessionid"].value
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in(client)
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, is nobody's.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert not logged_in(replay)


def test_an_idle_session_ends(people):
    client = Client()
    log_in(client)
    session = session_of(client)
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    assert not logged_in(client)


def test_the_expiry_moves_forward_at_most_once_a_minute(people, settings):
    client = Client()
    log_in(client)
    url = reverse("notifications")

    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries if "reviews_session" in q["sql"] and "UPDATE" in q["sql"]]

    # Within the minute after the login: no write at all.
    assert session_writes() == []
    assert session_writes() == []
    # A minute on, one request writes a new expiry, and the next again writes nothing.
    session = session_of(client)
    data = session.get_decoded()
    data[REFRESHED_AT] = int(time.time()) - 61
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data), expire_date=soon
    )
    assert len(session_writes()) == 1
    assert session_of(client).expire_date > timezone.now() + timedelta(hours=7)
    assert session_writes() == []


def test_the_idle_time_is_a_setting(people, settings):
    settings.SESSION_COOKIE_AGE = 600
    client = Client()
    log_in(client)
    expiry = session_of(client).expire_date
    assert abs((expiry - timezone.now()) - timedelta(seconds=600)) < timedelta(seconds=30)


def test_log_out_other_sessions(people):
    here, laptop, phone, someone_else = Client(), Client(), Client(), Client()
    for client in (here, laptop, phone):
        log_in(client)
    log_in(someone_else, "daniel")
    response = here.post(reverse("end_other_sessions"), follow=True)
    assert "Logged out 2 other sessions." in response.content.decode()
    assert logged_in(here)
    assert not logged_in(laptop) and not logged_in(phone)
    assert logged_in(someone_else)
    response = here.post(reverse("end_other_sessions"), follow=True)
    assert "You had no other sessions." in response.content.decode()


def test_the_account_page_offers_it(client, people):
    client.force_login(people.translator)
    page = client.get(reverse("account")).content.decode()
    assert f'action="{reverse("end_other_sessions")}"' in page
    assert "Log out other sessions" in page


def test_the_presence_poll_does_not_keep_an_idle_session_alive(people):
    from tests.conftest import new_document

    document = new_document(people)
    client = Client()
    log_in(client)
    session = session_of(client)
    data = session.get_decoded()
    data[REFRESHED_AT] = int(time.time()) - 61
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data), expire_date=soon
    )
    poll = reverse("presence", args=[document.pk])
    for _ in range(3):
        assert client.get(poll).status_code == 200
    assert session_of(client).expire_date == soon
    # A heartbeat (an editor open and in use) and any page the person opens do.
    assert client.post(poll).status_code == 200
    assert session_of(client).expire_date > timezone.now() + timedelta(hours=7)
