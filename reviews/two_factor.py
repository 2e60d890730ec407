"""Two-factor authentication with django-otp: a TOTP device (an authenticator app) and recovery
codes (django-otp's static tokens, each usable once).

A device is created unconfirmed when a person starts setting it up, and counts only once they
have typed a code from their app. A session is *verified* when django-otp's device id is in it:
the login's second step and the confirmation put it there.
"""

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews.models import is_manager

RECOVERY_DEVICE_NAME = "Recovery codes"
APP_DEVICE_NAME = "Authenticator app"


def is_on(user):
    """Whether the person has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user):
    return settings.WORKBENCH_REQUIRE_2FA and is_manager(user)


def is_verified(request):
    return DEVICE_ID_SESSION_KEY in request.session


def pending_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def start(user):
    """A new, unconfirmed authenticator device with a fresh secret (an earlier unconfirmed one
    is dropped: only the last QR code shown works)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def clean_token(token):
    """Codes are typed with spaces or dashes now and then; neither is part of a code."""
    return "".join(ch for ch in (token or "") if ch not in " -\t").lower()


def confirm(request, device, token):
    """Activate `device` if `token` is its current code: returns the new recovery codes, or None
    when the code is wrong. The session becomes verified."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(clean_token(token)):
            return None
        TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    otp_login(request, device)
    return codes


def new_recovery_codes(user):
    """Replace the person's recovery codes; the codes are returned to be shown once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        codes = [StaticToken.random_token() for _ in range(settings.WORKBENCH_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


def verify(user, token):
    """The confirmed device that accepts `token` (a code from the app, or a recovery code, which
    is then used up), or None. Devices are locked while checking, so one code cannot be used
    twice by two requests at once; django-otp slows down repeated failures per device."""
    token = clean_token(token)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def throttled(user):
    """Whether django-otp is making the person wait after wrong codes (1 s, 2 s, 4 s, ...)."""
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user))


def turn_off(request):
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()
        StaticDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def secret_text(device):
    """The secret in base32, as authenticator apps take it for manual entry, in groups of 4."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The device's otpauth:// address as an inline SVG QR code: no script, no style attribute,
    nothing fetched, so it passes the strict CSP."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=4, svgclass="qr-code", lineclass=None, title="QR code")
