"""A person's API tokens: make one (shown once, on the page that made it), see and revoke them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from reviews.api.tokens import create_token, revoke_token
from reviews.views.access import number_or_404


@require_http_methods(["GET", "POST"])
def token_settings(request):
    new_token = None
    if request.method == "POST":
        # Shown in this response only: never stored, never in a redirect or a message.
        try:
            new_token, _ = create_token(request.user, request.POST.get("name", ""))
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
    tokens = request.user.api_tokens.order_by("-pk")
    response = TemplateResponse(
        request, "reviews/api_tokens.html", {"tokens": tokens, "new_token": new_token}
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke(request, token_pk):
    if revoke_token(request.user, number_or_404(token_pk)):
        messages.success(request, "Token revoked: it no longer opens the API.")
    else:
        messages.error(request, "No such token, or it was already revoked.")
    return redirect("api_tokens")
