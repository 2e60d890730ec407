"""Two-factor authentication: set-up with a QR code under the CSP, confirmation with a real
TOTP code, recovery codes used once, the login's second step, and the requirement for
managers (WORKBENCH_REQUIRE_2FA)."""

import base64
import re
import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews import two_factor

clock = time.time  # the authenticator app's clock; this module's tests stop it (below)


def code_for(secret_text, steps_ahead=0):
    """The code an authenticator app shows for the secret as the page prints it. A code is
    accepted once: the next login uses the next 30-second step (the device allows one)."""
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, digits=6)
    totp.time = clock() + 30 * steps_ahead
    return f"{totp.token():06d}"


def wrong_code(secret):
    """A code no step the device would accept shows (a fixed "000000" is right one time in a
    few hundred thousand)."""
    accepted = {code_for(secret, steps) for steps in range(-1, 3)}
    return next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in accepted)


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch):
    """The app and the server read one clock that stands in the middle of a 30-second step.
    On the real clock a code made just before a step boundary and checked just after it is
    taken at the next step, django-otp moves the device's drift back one, and the test's next
    code, one step ahead, falls outside the window (CI met it once). The back-off after a
    wrong code runs on timezone.now(), so the sleeps below still wait for it."""
    now = time.time() // 30 * 30 + 15
    monkeypatch.setattr(f"{__name__}.clock", lambda: now)
    monkeypatch.setattr(
        "django_otp.plugins.otp_totp.models.time", SimpleNamespace(time=lambda: now)
    )


def start_setup(client):
    assert client.post(reverse("two_factor_setup"))["Location"] == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    return page, html, secret


def turn_on(client):
    _, _, secret = start_setup(client)
    response = client.post(reverse("two_factor_confirm"), {"token": code_for(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    return secret, codes


def password_step(client, username="mina", password="pw"):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client):
    return client.get(reverse("dashboard")).status_code == 200


def test_the_setup_page_shows_an_inline_svg_qr_code_and_the_secret_under_the_csp(client, people):
    client.force_login(people.translator)
    page, html, secret = start_setup(client)
    device = TOTPDevice.objects.get(user=people.translator)
    assert not device.confirmed
    assert '<svg width="' in html and 'class="qr-code"' in html
    assert "data:" not in html and "style=" not in html and "<script>" not in html
    assert "img-src 'self'" in page["Content-Security-Policy"]
    assert "no-store" in page["Cache-Control"]
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    # The QR code holds the otpauth address of this very device.
    assert "otpauth://totp/Workbench%3Amina" in device.config_url
    assert "issuer=Workbench" in device.config_url


def test_a_wrong_code_leaves_it_off_and_the_right_one_turns_it_on(client, people):
    client.force_login(people.translator)
    _, _, secret = start_setup(client)
    wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_confirm"), {"token": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not two_factor.is_on(people.translator)
    time.sleep(1.1)  # django-otp makes one wait a second after a wrong code
    response = client.post(reverse("two_factor_confirm"), {"token": code_for(secret)})
    assert response.status_code == 200
    assert two_factor.is_on(people.translator)
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "no-store" in response["Cache-Control"]
    # Shown once: the account page counts them but does not show them.
    account = client.get(reverse("account")).content.decode()
    assert "Recovery codes left: 10" in account
    assert not any(code in account for code in codes)


def test_login_asks_for_the_code_after_the_password(people):
    client = Client()
    client.force_login(people.translator)
    secret, _ = turn_on(client)
    client.post(reverse("logout"))

    response = password_step(client)
    assert response["Location"] == reverse("login_code")
    assert not logged_in(client)  # the password alone logs nobody in
    wrong = client.post(reverse("login_code"), {"token": wrong_code(secret)})
    assert wrong.status_code == 400 and not logged_in(client)
    # Straight after a wrong code even the right one must wait (django-otp's back-off).
    too_soon = client.post(reverse("login_code"), {"token": code_for(secret, 1)})
    assert "wait a few seconds" in too_soon.content.decode() and not logged_in(client)
    time.sleep(2.1)
    response = client.post(reverse("login_code"), {"token": code_for(secret, 1)})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert logged_in(client)


def test_a_code_works_once(people):
    client = Client()
    client.force_login(people.translator)
    secret, _ = turn_on(client)
    client.post(reverse("logout"))
    password_step(client)
    client.post(reverse("login_code"), {"token": code_for(secret, 1)})
    assert logged_in(client)
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("login_code"), {"token": code_for(secret, 1)})
    assert response.status_code == 400 and not logged_in(client)


def test_a_recovery_code_logs_in_once(people):
    client = Client()
    client.force_login(people.translator)
    _, codes = turn_on(client)
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("login_code"), {"token": codes[0].upper()}, follow=True)
    assert "You used a recovery code; 9 left." in response.content.decode()
    assert logged_in(client)
    assert StaticToken.objects.filter(device__user=people.translator).count() == 9
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("login_code"), {"token": codes[0]})
    assert response.status_code == 400 and not logged_in(client)


def test_new_recovery_codes_replace_the_old(client, people):
    client.force_login(people.translator)
    _, old = turn_on(client)
    response = client.post(reverse("two_factor_recovery_codes"))
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    kept = set(
        StaticToken.objects.filter(device__user=people.translator).values_list("token", flat=True)
    )
    assert kept == set(new)


def test_wrong_codes_count_towards_the_lockout(people, settings):
    client = Client()
    client.force_login(people.translator)
    secret, _ = turn_on(client)
    client.post(reverse("logout"))
    password_step(client)
    wrong = wrong_code(secret)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("login_code"), {"token": wrong}).status_code == 400
    response = client.post(reverse("login_code"), {"token": wrong})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_the_code_step_expires(people, monkeypatch):
    client = Client()
    client.force_login(people.translator)
    secret, _ = turn_on(client)
    client.post(reverse("logout"))
    password_step(client)
    later = time.time() + 301
    monkeypatch.setattr("reviews.views.login.time.time", lambda: later)
    response = client.post(reverse("login_code"), {"token": code_for(secret, 1)})
    assert response["Location"] == reverse("login")
    assert not logged_in(client)


def test_turning_it_off_takes_a_code(client, people):
    client.force_login(people.translator)
    secret, _ = turn_on(client)
    client.post(reverse("two_factor_off"), {"token": wrong_code(secret)})
    assert two_factor.is_on(people.translator)
    time.sleep(1.1)
    client.post(reverse("two_factor_off"), {"token": code_for(secret, 1)})
    assert not two_factor.is_on(people.translator)
    client.post(reverse("logout"))
    assert password_step(client)["Location"] == reverse("dashboard")


# -- Required for managers -------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.WORKBENCH_REQUIRE_2FA = True


def test_a_manager_without_it_can_only_set_it_up(client, people, document, required):
    client.force_login(people.manager)
    for url in (
        reverse("dashboard"),
        reverse("document", args=[document.pk]),
        reverse("translator_report"),
        reverse("lockouts"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("account"), url
    page = client.get(reverse("account"))
    assert "Managers must turn" in page.content.decode()
    turn_on(client)
    assert client.get(reverse("dashboard")).status_code == 200
    # And it cannot be turned off.
    client.post(reverse("two_factor_off"), {"token": "x"})
    assert two_factor.is_on(people.manager)


def test_a_superuser_is_held_too(client, db, django_user_model, required):
    root = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(root)
    assert client.get(reverse("dashboard"))["Location"] == reverse("account")


def test_others_are_not_held(client, people, required):
    client.force_login(people.translator)
    assert client.get(reverse("dashboard")).status_code == 200


def test_nobody_is_held_when_it_is_not_required(client, people):
    client.force_login(people.manager)
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_manager_session_that_skipped_the_code_is_logged_out(people, required):
    client = Client()
    client.force_login(people.manager)
    turn_on(client)
    other = Client()
    other.force_login(people.manager)  # not through the login's code step
    response = other.get(reverse("dashboard"))
    assert response["Location"] == reverse("login")
    assert other.get(reverse("account")).status_code == 302


def test_the_admin_login_is_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/"
