"""Per-person API tokens: made once and shown once, stored as a hash, revoked for good."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reviews.cleaning import clean_line
from reviews.models import ApiToken

PREFIX = "wb_"
MAX_NAME_CHARS = ApiToken._meta.get_field("name").max_length


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(user, name=""):
    """(the token, its record). The token itself is not kept anywhere. A name longer than
    ApiToken.name holds is refused (ValidationError), not cut."""
    name = clean_line(name)
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(
            f"The name is {len(name):,} characters long; the limit is {MAX_NAME_CHARS}."
        )
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, key_hash=_hash(token), prefix=token[:10])
    return token, record


def user_for_token(token: str):
    """The active person whose live token this is, or None; the same None for every failure,
    so an answer never tells a wrong token from a revoked one or a disabled person."""
    if not token or len(token) > 200 or not token.startswith(PREFIX):
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    # One write a minute at most: a busy publishing script should not write on every read.
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    record.user.api_token = record
    return record.user


def revoke_token(user, pk) -> bool:
    """Revoke one of the person's own tokens; False when there is no such live token."""
    updated = ApiToken.objects.filter(pk=pk, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)
