"""With WORKBENCH_REQUIRE_2FA=true, managers and superusers do nothing until their session is
verified by a second factor: one who has not turned it on is sent to set it up, one who has
but whose session was not verified (it can only have come from elsewhere than our login) is
logged out and sent to log in again.

The check reads nothing from the database for a verified session or when the setting is off.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from reviews import two_factor

# The pages a person may still reach while their second factor is missing.
SETUP_PAGES = frozenset({"account", "two_factor_setup", "two_factor_confirm", "logout"})


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.WORKBENCH_REQUIRE_2FA or not request.user.is_authenticated:
            return None
        if two_factor.is_verified(request) or not two_factor.is_required(request.user):
            return None
        if two_factor.is_on(request.user):
            logout(request)
            return redirect("login")
        if request.resolver_match.url_name in SETUP_PAGES:
            return None
        messages.warning(
            request, "Managers must turn on two-factor authentication before anything else."
        )
        return redirect("account")
