"""Accounts: Argon2 hashes, lock-outs after failed logins (django-axes) and the managers' page
that lifts them, the client address behind a proxy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.conftest import make_user

REPO = Path(__file__).resolve().parent.parent
REAL_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOCKOUT_TEXT = "Too many failed logins"


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_as(client):
    response = client.get(reverse("account"))
    return response.context["user"].get_username() if response.status_code == 200 else None


# -- Argon2 -----------------------------------------------------------------------------------


def test_settings_hash_with_argon2_first_and_keep_pbkdf2():
    from workbench import settings

    assert settings.PASSWORD_HASHERS == REAL_HASHERS


def test_a_pbkdf2_hash_becomes_argon2_at_the_next_login(client, db, settings):
    settings.PASSWORD_HASHERS = REAL_HASHERS
    user = get_user_model().objects.create(
        username="old-timer", password=make_password("long-kept-secret", hasher="pbkdf2_sha256")
    )
    assert user.password.startswith("pbkdf2_sha256$")
    response = log_in(client, "old-timer", "long-kept-secret")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("long-kept-secret")
    # And the new hash works for the login after.
    client.post(reverse("logout"))
    assert log_in(client, "old-timer", "long-kept-secret").status_code == 302


def test_new_passwords_are_argon2(db, settings):
    settings.PASSWORD_HASHERS = REAL_HASHERS
    user = make_user("fresh")
    assert user.password.startswith("argon2$")


# -- Lock-outs --------------------------------------------------------------------------------


def fail(client, username, times, **extra):
    responses = [log_in(client, username, "wrong", **extra) for _ in range(times)]
    return responses[-1]


def test_failures_lock_the_account_with_a_message_and_refuse_the_right_password(
    client, people, settings
):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # the default, WORKBENCH_LOGIN_FAILURE_LIMIT
    before = fail(client, "mina", limit - 1)
    assert before.status_code == 200
    assert LOCKOUT_TEXT not in before.content.decode()
    locked = log_in(client, "mina", "wrong")
    assert locked.status_code == 429
    assert LOCKOUT_TEXT in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    right = log_in(client, "mina", "pw")
    assert right.status_code == 429
    assert LOCKOUT_TEXT in right.content.decode()
    assert logged_in_as(client) is None


def test_the_account_is_locked_from_another_address_too(client, people, settings):
    fail(client, "mina", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="10.0.0.1")
    response = log_in(client, "mina", "pw", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    # Another person from that second address is not affected.
    assert log_in(client, "daniel", "pw", REMOTE_ADDR="10.0.0.2").status_code == 302


def test_failures_from_one_address_lock_that_address_for_every_account(client, people, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess-{i}", "wrong", REMOTE_ADDR="10.0.0.9")
    assert log_in(client, "daniel", "pw", REMOTE_ADDR="10.0.0.9").status_code == 429
    assert log_in(client, "daniel", "pw", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_a_success_resets_the_count(client, people, settings):
    fail(client, "mina", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "mina", "pw").status_code == 302
    client.post(reverse("logout"))
    fail(client, "mina", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "mina", "pw").status_code == 302


def test_a_manager_sees_the_lockout_and_lifts_it(client, people, settings):
    fail(client, "mina", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="10.1.1.1")
    manager = type(client)()
    manager.force_login(people.manager)
    page = manager.get(reverse("lockouts"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="mina"' in text and 'value="10.1.1.1"' in text
    response = manager.post(reverse("lift_lockout"), {"kind": "username", "value": "mina"})
    assert response.status_code == 302
    after = manager.get(reverse("lockouts")).content.decode()
    assert "Lifted the lock-out of mina." in after
    assert 'value="mina"' not in after and "10.1.1.1" not in after
    assert log_in(client, "mina", "pw", REMOTE_ADDR="10.1.1.1").status_code == 302


def test_a_manager_lifts_an_address(client, people, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess-{i}", "wrong", REMOTE_ADDR="10.2.2.2")
    manager = type(client)()
    manager.force_login(people.manager)
    manager.post(reverse("lift_lockout"), {"kind": "ip_address", "value": "10.2.2.2"})
    assert log_in(client, "daniel", "pw", REMOTE_ADDR="10.2.2.2").status_code == 302


def test_a_non_manager_can_neither_see_nor_lift_lockouts(client, people, settings):
    fail(client, "mina", settings.AXES_FAILURE_LIMIT)
    editor = type(client)()
    editor.force_login(people.editor)
    assert editor.get(reverse("lockouts")).status_code == 403
    response = editor.post(reverse("lift_lockout"), {"kind": "username", "value": "mina"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="mina").exists()
    assert log_in(client, "mina", "pw").status_code == 429


def test_lifting_nothing_is_a_message_not_an_error(client, people):
    client.force_login(people.manager)
    response = client.post(reverse("lift_lockout"), {"kind": "nonsense", "value": "x"}, follow=True)
    assert response.status_code == 200
    assert "Choose a lock-out to lift." in response.content.decode()


# -- The client address behind a proxy -------------------------------------------------------


def settings_in_subprocess(names, **env):
    """Settings as a fresh process computes them from the environment."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("WORKBENCH_TRUST") and k not in {"DEBUG", "SECRET_KEY"}
    }
    environ.update(env, DJANGO_SETTINGS_MODULE="workbench.settings")
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


PROXY = ["WORKBENCH_TRUST_X_FORWARDED_FOR", "WORKBENCH_PROXY_COUNT"]


def test_x_forwarded_for_is_ignored_unless_trusted(client, people, settings):
    assert settings_in_subprocess(PROXY)["WORKBENCH_TRUST_X_FORWARDED_FOR"] is False
    # Every failure comes from 127.0.0.1 whatever address the header claims: locked anyway.
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess-{i}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    response = log_in(client, "daniel", "pw", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_x_forwarded_for_gives_the_address_when_trusted(client, people, settings):
    trusted = settings_in_subprocess(PROXY, WORKBENCH_TRUST_X_FORWARDED_FOR="true")
    assert trusted == {"WORKBENCH_TRUST_X_FORWARDED_FOR": True, "WORKBENCH_PROXY_COUNT": 1}
    for name, value in trusted.items():
        setattr(settings, name, value)
    # The proxy appends the address it saw; whatever the client put before it is not believed.
    log_in(client, "nobody", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    log_in(client, "nobody", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.8")
    # No header, or garbage in it: the connection's address.
    log_in(client, "nobody", "wrong")
    log_in(client, "nobody", "wrong", HTTP_X_FORWARDED_FOR="<script>")
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"198.51.100.7", "198.51.100.8", "127.0.0.1"}


def test_two_proxies_count_two_from_the_right(client, db, settings):
    settings.WORKBENCH_TRUST_X_FORWARDED_FOR = True
    settings.WORKBENCH_PROXY_COUNT = 2
    log_in(client, "nobody", "wrong", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9, 10.0.0.5")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.9"]


def test_session_cookie_is_secure_when_debug_is_off():
    values = settings_in_subprocess(
        ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE"],
        DEBUG="false",
        SECRET_KEY="x" * 60,
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


@pytest.mark.parametrize(
    ("env", "limit", "hours"),
    [
        ({}, 5, 0.25),
        ({"WORKBENCH_LOGIN_FAILURE_LIMIT": "3", "WORKBENCH_LOGIN_COOLOFF_MINUTES": "60"}, 3, 1),
    ],
)
def test_failure_limit_and_cooloff_come_from_the_environment(env, limit, hours):
    values = settings_in_subprocess(["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME"], **env)
    assert values == {"AXES_FAILURE_LIMIT": limit, "AXES_COOLOFF_TIME": hours}
