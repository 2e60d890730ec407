"""A person's account page: two-factor authentication (turn on, confirm, new recovery codes,
turn off) and their sessions (log out the others)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import sessions, two_factor, workflow


def optional_url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@require_GET
def account(request):
    user = request.user
    context = {
        "two_factor_on": two_factor.is_on(user),
        "two_factor_required": two_factor.is_required(user),
        "setup_started": two_factor.pending_device(user) is not None,
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "api_tokens_url": optional_url("api_tokens"),
        "may_lift_lockouts": workflow.can(user, "lift_lockouts"),
    }
    return TemplateResponse(request, "reviews/account.html", context)


def setup_page(request, device, error="", status=200):
    context = {
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
        "error": error,
    }
    response = TemplateResponse(request, "reviews/two_factor_setup.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """POST starts over with a new secret; GET shows the secret being set up."""
    if request.method == "POST":
        two_factor.start(request.user)
        return redirect("two_factor_setup")
    device = two_factor.pending_device(request.user)
    if device is None:
        return redirect("account")
    return setup_page(request, device)


@sensitive_post_parameters("token")
@require_POST
def two_factor_confirm(request):
    device = two_factor.pending_device(request.user)
    if device is None:
        messages.error(request, "Start setting up two-factor authentication first.")
        return redirect("account")
    codes = two_factor.confirm(request, device, request.POST.get("token", ""))
    if codes is None:
        error = "That code is not right. Type the code your app shows now (it changes every 30 s)."
        if not device.verify_is_allowed()[0]:
            error = "Wrong codes in a row: wait a few seconds, then type the current code."
        return setup_page(request, device, error, status=400)
    return recovery_codes_page(request, codes, just_turned_on=True)


def recovery_codes_page(request, codes, just_turned_on=False):
    context = {"codes": codes, "just_turned_on": just_turned_on}
    response = TemplateResponse(request, "reviews/recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def two_factor_recovery_codes(request):
    if not two_factor.is_on(request.user):
        messages.error(request, "Recovery codes come with two-factor authentication: turn it on.")
        return redirect("account")
    return recovery_codes_page(request, two_factor.new_recovery_codes(request.user))


@sensitive_post_parameters("token")
@require_POST
def two_factor_off(request):
    user = request.user
    if two_factor.is_required(user):
        messages.error(request, "Two-factor authentication is required for managers here.")
    elif two_factor.verify(user, request.POST.get("token", "")) is None:
        messages.error(request, "That code is not right: two-factor authentication stays on.")
    else:
        two_factor.turn_off(request)
        messages.success(request, "Two-factor authentication is off.")
    return redirect("account")


@require_POST
def end_other_sessions(request):
    count = sessions.end_other_sessions(request)
    if count:
        messages.success(request, f"Logged out {count} other session{'s' if count != 1 else ''}.")
    else:
        messages.info(request, "You had no other sessions.")
    return redirect("account")
