"""Logging in: the password, then, for a person with two-factor authentication on, a code from
their app or a recovery code. django-axes counts failures of either step per username and per
address; past the limit the login page says so and refuses even the right password.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from reviews import two_factor

PENDING = "workbench_pending_login"
# The second step must follow the first within this many seconds.
PENDING_SECONDS = 300


class PasswordLoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.is_on(user):
            return super().form_valid(form)
        # The password was right; nobody is logged in until the code is too.
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": int(time.time()),
        }
        return redirect("login_code")


def pending_login(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return pending


@login_not_required
@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    pending = pending_login(request)
    if pending is None:
        request.session.pop(PENDING, None)
        messages.info(request, "Log in with your password first.")
        return redirect("login")
    user = get_user_model().objects.get(pk=pending["user"])
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    error = ""
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return locked_out(request, None, credentials)
        device = two_factor.verify(user, request.POST.get("token", ""))
        if device is not None:
            del request.session[PENDING]
            user.otp_device = device  # django-otp marks the session verified at login
            auth_login(request, user, backend=pending["backend"])
            if device.name == two_factor.RECOVERY_DEVICE_NAME:
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones on your account page.",
                )
            return redirect(pending["next"])
        # A wrong code counts against the lock-out like a wrong password.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            return locked_out(request, None, credentials)
        error = "That code is not right, or it was already used. Try the current one."
        if two_factor.throttled(user):
            error = "Wrong codes in a row: wait a few seconds, then type the current code."
    return TemplateResponse(
        request, "registration/login_code.html", {"error": error}, status=400 if error else 200
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out response (AXES_LOCKOUT_CALLABLE): the login page with the reason."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = (
        "Too many failed logins for this account or from this address. Logging in is blocked "
        f"for {minutes} minutes, even with the right password; a manager can lift the block "
        "sooner."
    )
    # Rendered here, not as a TemplateResponse: django-axes' middleware swaps it in after the
    # view's response was rendered.
    context = {"form": AuthenticationForm(request), "lockout_message": message, "next": ""}
    return render(request, "registration/login.html", context, status=429)
